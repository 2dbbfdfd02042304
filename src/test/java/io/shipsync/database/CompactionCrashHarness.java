package io.shipsync.database;

import java.nio.file.Path;
import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.util.unit.DataSize;

/**
 * Runs in a JVM of its own for {@link DatabaseCompactionTest}: commits the webhook-like
 * workload to an H2 file and compacts it (rewriting and truncating), and after each
 * compaction that did something prints what was committed by then, so that the test can
 * kill it right there with {@code kill -9}. Commits go on until it is killed.
 */
final class CompactionCrashHarness {

    static final String COMPACTED = "COMPACTED stored=";

    private CompactionCrashHarness() {
    }

    public static void main(String[] args) throws Exception {
        var database = WebhookLikeWorkload.database(Path.of(args[0]));
        var workload = new WebhookLikeWorkload(database);
        // truncating whenever the file is not full, so that the kill comes right after
        // chunks were moved and the file cut
        var compaction = new DatabaseCompaction(database, new DatabaseCompactionProperties(true, Duration.ofSeconds(1),
                80, DataSize.ofMegabytes(1), 100, DataSize.ofMegabytes(8), Duration.ofMillis(10)),
                new SimpleMeterRegistry());
        while (true) {
            long stored = workload.commit();
            if (stored % (20 * WebhookLikeWorkload.EVENTS_PER_COMMIT) == 0 && compaction.run()) {
                System.out.println(COMPACTED + stored + " processed=" + workload.processed());
                System.out.flush();
            }
        }
    }

}
