package io.shipsync.database;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The embedded H2 file's compaction while the service runs ({@link DatabaseCompaction}).
 * Only for the embedded H2 file: on PostgreSQL autovacuum does this job and these keys do
 * nothing.
 *
 * @param enabled off: the file is left as H2 writes it, and grows under bursts
 * @param interval how often a run starts; the database-compaction route reads the same
 * key
 * @param rewriteBelowFillRate a run rewrites when less than this percentage of the
 * chunks' bytes is live
 * @param maxRewrite live bytes a run rewrites at most: the store waits for the run, so
 * this bounds each commit's stall
 * @param truncateBelowFillRate when less than this percentage of the file is in use, a
 * run moves chunks from its end into the free space before and cuts the end off; 0: never
 * @param maxMove bytes of chunks a run moves at most when it truncates
 * @param retentionTime how long H2 keeps a chunk whose data moved on before its space is
 * written over (H2's default: 45 s); see {@link DatabaseCompaction}
 */
@Validated
@ConfigurationProperties("shipsync.database.compaction")
public record DatabaseCompactionProperties(@DefaultValue("true") boolean enabled, @DefaultValue("1s") Duration interval,
        @Min(1) @Max(100) @DefaultValue("80") int rewriteBelowFillRate, @DefaultValue("1MB") DataSize maxRewrite,
        @Min(0) @Max(100) @DefaultValue("50") int truncateBelowFillRate, @DefaultValue("8MB") DataSize maxMove,
        @DefaultValue("1s") Duration retentionTime) {

    public DatabaseCompactionProperties {
        if (interval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("shipsync.database.compaction.interval (" + interval
                    + ") must be at least 100ms: give the unit, e.g. 1s");
        }
        if (maxRewrite.toBytes() < 1 || maxRewrite.toBytes() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "shipsync.database.compaction.max-rewrite (" + maxRewrite + ") must be between 1B and 2GB");
        }
        if (maxMove.toBytes() < 1) {
            throw new IllegalArgumentException(
                    "shipsync.database.compaction.max-move (" + maxMove + ") must be at least 1B");
        }
    }

}
