package io.shipsync.database;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RandomAccessStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Keeps the embedded H2 file small while the service runs, a little at a time (the
 * database-compaction route calls {@link #run()} every
 * {@code shipsync.database.compaction.interval}).
 *
 * <p>
 * Why it is needed: H2 appends every commit as a new chunk and frees a chunk's space only
 * once every page in it is dead. The webhook's commits scatter their updates (a unique
 * index on random order ids, events marked processed later), so old chunks keep a few
 * live pages each and are almost never freed. Rewriting those pages into a new chunk
 * frees the old ones; H2's background writer would do it, but {@code WRITE_DELAY=0},
 * which makes every commit durable before the webhook answers, stops that thread. So this
 * does its work: {@link MVStore#compact(int, int)} rewrites at most {@code max-rewrite}
 * live bytes of the emptiest chunks, and their space is written over by later chunks.
 * When less than {@code truncate-below-fill-rate} of the file is in use, chunks are moved
 * from its end into the free space before it ({@code max-move} at most) and the end is
 * cut off, as the background writer does.
 *
 * <p>
 * Commits wait while a run holds the store, so each run is bounded in bytes; its duration
 * is the most a commit waits for it ({@code shipsync_database_compaction_seconds}).
 * Nothing here changes what a commit guarantees: both steps are H2's own, and a chunk is
 * written over only once no version still needs it.
 *
 * <p>
 * Uses H2's internal API (the MVStore under a JDBC connection), so H2's version is pinned
 * in the build and {@code DatabaseCompactionTest} covers it. Does nothing on PostgreSQL.
 */
@Component("databaseCompaction")
public class DatabaseCompaction {

    private static final Logger log = LoggerFactory.getLogger(DatabaseCompaction.class);

    private final DataSource dataSource;

    private final DatabaseCompactionProperties settings;

    private final Timer runs;

    /** Found on first use; stays null when the database is not an embedded H2 file. */
    private MVStore store;

    private boolean looked;

    public DatabaseCompaction(DataSource dataSource, DatabaseCompactionProperties settings, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.settings = settings;
        this.runs = Timer.builder("shipsync.database.compaction")
            .description("Runs of the embedded H2 file's compaction; commits wait for a run while it holds the store")
            .register(registry);
        Gauge.builder("shipsync.database.file", this, DatabaseCompaction::fileBytes)
            .baseUnit("bytes")
            .description("Size of the embedded H2 file (NaN on PostgreSQL)")
            .register(registry);
    }

    /**
     * One run: rewrites the emptiest chunks, then truncates the file if little of it is
     * in use. Logs a line when it did something.
     * @return whether the run rewrote chunks or changed the file's size
     */
    public boolean run() throws SQLException {
        MVStore mv = store();
        if (mv == null || !settings.enabled()) {
            return false;
        }
        FileStore<?> file = mv.getFileStore();
        long sizeBefore = file.size();
        int liveBefore = file.getChunksFillRate();
        long started = System.nanoTime();
        boolean rewritten = mv.compact(settings.rewriteBelowFillRate(), (int) settings.maxRewrite().toBytes());
        if (rewritten) {
            // writes the rewritten pages now, not at the next commit: only then are
            // their old chunks dead, even when no event comes
            mv.commit();
        }
        boolean truncating = settings.truncateBelowFillRate() > 0 && file instanceof RandomAccessStore
                && file.getFillRate() < settings.truncateBelowFillRate();
        if (truncating) {
            ((RandomAccessStore) file).compactMoveChunks(settings.truncateBelowFillRate(), settings.maxMove().toBytes(),
                    mv);
        }
        long nanos = System.nanoTime() - started;
        runs.record(nanos, TimeUnit.NANOSECONDS);
        long sizeAfter = file.size();
        if (rewritten || sizeAfter != sizeBefore) {
            log.atInfo()
                .addKeyValue("file_bytes_before", sizeBefore)
                .addKeyValue("file_bytes_after", sizeAfter)
                .addKeyValue("duration_ms", TimeUnit.NANOSECONDS.toMillis(nanos))
                .log("H2 file compacted: {} MB -> {} MB, live share of its chunks {} % -> {} %, file in use {} %"
                        + " ({} ms)", megabytes(sizeBefore), megabytes(sizeAfter), liveBefore, file.getChunksFillRate(),
                        file.getFillRate(), TimeUnit.NANOSECONDS.toMillis(nanos));
        }
        return rewritten || sizeAfter != sizeBefore;
    }

    /** The file's size in bytes; NaN when the database is not an embedded H2 file. */
    double fileBytes() {
        try {
            MVStore mv = store();
            return mv == null ? Double.NaN : mv.getFileStore().size();
        }
        catch (SQLException | RuntimeException ex) {
            return Double.NaN;
        }
    }

    /**
     * The embedded H2 file's store, under any connection of the pool: the same for every
     * connection of the process. Sets the retention time when compaction is on: H2 does
     * not keep it in the file.
     */
    private synchronized MVStore store() throws SQLException {
        if (!looked || store != null && store.isClosed()) {
            looked = true;
            store = null;
            try (Connection connection = dataSource.getConnection()) {
                if (connection.isWrapperFor(JdbcConnection.class)
                        && connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session
                        && session.getDatabase().isPersistent()) {
                    store = session.getDatabase().getStore().getMvStore();
                }
            }
            if (store != null && settings.enabled()) {
                // H2 keeps dead chunks 45 s before writing over them, so that a file
                // system that reorders writes on a power cut still finds the chunks the
                // last header names. WRITE_DELAY=0 never forces the file to disk
                // anyway, so that cover is thin, while 45 s of a burst's chunks are
                // hundreds of MB. Against a killed process it is not needed: H2 never
                // writes over a chunk a stored version still uses, and reopens at the
                // last complete chunk. Not 0: H2 issues 2752, 4083 and 4387 report
                // files that would not open again with a retention time of 0.
                store.setRetentionTime((int) settings.retentionTime().toMillis());
                log.info("The embedded H2 file is compacted every {} (retention time {} ms)", settings.interval(),
                        store.getRetentionTime());
            }
        }
        return store;
    }

    private static String megabytes(long bytes) {
        return String.format("%.1f", bytes / 1024.0 / 1024);
    }

}
