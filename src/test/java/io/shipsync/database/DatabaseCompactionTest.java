package io.shipsync.database;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The embedded H2 file's compaction on a real file, through H2's internal API as the
 * service calls it: with a workload like the webhook's it keeps the file a fraction of
 * what it grows to without, while commits go on, and a {@code kill -9} right after a
 * compaction loses nothing committed.
 */
class DatabaseCompactionTest {

    private static final int COMMITS = 1500;

    @TempDir
    Path folder;

    @Test
    void keeps_the_file_a_fraction_of_its_size_without_while_commits_go_on() throws Exception {
        long without = fileAfterWorkload(folder.resolve("without"), false);
        long with = fileAfterWorkload(folder.resolve("with"), true);

        assertThat(with).as("file with compaction (without: %d bytes)", without).isLessThan(without / 3);
    }

    @Test
    void loses_nothing_committed_when_killed_right_after_a_compaction() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process harness = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CompactionCrashHarness.class.getName(), folder.toString())
            .redirectErrorStream(true)
            .start();
        String line;
        try (var output = new BufferedReader(new InputStreamReader(harness.getInputStream(), StandardCharsets.UTF_8))) {
            // the third compaction that did something: by then chunks were rewritten,
            // moved and the file cut
            int compactions = 0;
            do {
                line = output.readLine();
                assertThat(line).as("the harness's output ended before its third compaction").isNotNull();
                compactions += line.startsWith(CompactionCrashHarness.COMPACTED) ? 1 : 0;
            }
            while (compactions < 3);
            harness.destroyForcibly().waitFor();
        }
        String[] figures = line.substring(CompactionCrashHarness.COMPACTED.length()).split(" processed=");
        long stored = Long.parseLong(figures[0]);
        long processed = Long.parseLong(figures[1]);

        try (Connection db = WebhookLikeWorkload.database(folder).getConnection()) {
            assertThat(count(db, "SELECT COUNT(*) FROM event WHERE id <= " + stored)).isEqualTo(stored);
            assertThat(count(db, "SELECT COUNT(*) FROM event WHERE id <= " + processed + " AND state = 'PROCESSED'"))
                .isEqualTo(processed);
            // every index read whole: a page lost in a moved chunk would fail here
            assertThat(count(db, "SELECT COUNT(DISTINCT order_id) FROM event")).isGreaterThanOrEqualTo(stored);
            assertThat(count(db, "SELECT COUNT(*) FROM event WHERE state IN ('PENDING', 'PROCESSED')"))
                .isGreaterThanOrEqualTo(stored);
        }
    }

    /**
     * Runs {@link #COMMITS} webhook-like commits on one thread while, when asked, the
     * compaction runs on another, then lets the compaction finish its work; returns the
     * file's size.
     */
    private long fileAfterWorkload(Path dir, boolean compacting) throws Exception {
        DataSource database = WebhookLikeWorkload.database(dir);
        // keeps the database open between the workload's and the compaction's connections
        try (Connection open = database.getConnection()) {
            var workload = new WebhookLikeWorkload(database);
            var compaction = new DatabaseCompaction(
                    database, new DatabaseCompactionProperties(compacting, Duration.ofSeconds(1), 80,
                            DataSize.ofKilobytes(256), 50, DataSize.ofMegabytes(8), Duration.ofMillis(10)),
                    new SimpleMeterRegistry());
            var done = new AtomicBoolean();
            var compactions = new AtomicLong();
            CompletableFuture<Void> compactor = CompletableFuture.runAsync(() -> {
                try {
                    while (compacting && !done.get()) {
                        if (compaction.run()) {
                            compactions.incrementAndGet();
                        }
                    }
                }
                catch (SQLException ex) {
                    throw new IllegalStateException(ex);
                }
            });
            for (int i = 0; i < COMMITS; i++) {
                workload.commit();
            }
            done.set(true);
            compactor.get();
            if (compacting) {
                assertThat(compactions).as("compactions while the commits went on").hasPositiveValue();
                // what is left once the last chunks are old enough to be rewritten
                await().atMost(Duration.ofSeconds(60)).until(() -> !compaction.run());
            }
            assertThat(count(open, "SELECT COUNT(*) FROM event"))
                .isEqualTo(COMMITS * WebhookLikeWorkload.EVENTS_PER_COMMIT);
            assertThat(count(open, "SELECT COUNT(*) FROM event WHERE state = 'PROCESSED'"))
                .isEqualTo(workload.processed());
            workload.close();
            return Files.size(dir.resolve("shipsync.mv.db"));
        }
    }

    private static long count(Connection db, String query) throws SQLException {
        try (ResultSet result = db.createStatement().executeQuery(query)) {
            result.next();
            return result.getLong(1);
        }
    }

}
