package io.shipsync.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.shipsync.ForkedService;
import io.shipsync.ForkedServiceTest;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static io.shipsync.bench.BenchSupport.alive;
import static io.shipsync.bench.BenchSupport.awaitLogLine;
import static io.shipsync.bench.BenchSupport.cpuSeconds;
import static io.shipsync.bench.BenchSupport.fmt;
import static io.shipsync.bench.BenchSupport.mb;
import static io.shipsync.bench.BenchSupport.procStatusKb;
import static io.shipsync.bench.BenchSupport.timestampOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Benchmark, not a timed test: how fast a large shipment file is accepted into the
 * outbox, and in how much memory. Generates a valid 1,000,000-row CSV (about 60 MB),
 * drops it into the inbox of shipsync running in its own JVM with {@code -Xmx256m} and
 * the default configuration, against a sandbox with the real limits (the orders are
 * unknown to it, so the dispatcher turns a few of them into 404 dead letters meanwhile,
 * 50 a minute: negligible), and waits until the service logs that every row is queued or
 * refused. Prints one {@code BENCHMARK ingest:} line.
 *
 * <p>
 * Target (the issue): at least 20,000 rows/s on 2 cores, no OutOfMemoryError. Run with
 * {@code ./mvnw -Pbenchmark verify}; {@code -Dshipsync.bench.rows=N} changes the size,
 * {@code -Dshipsync.bench.jfr=true} records a flight recording to
 * {@code target/ingest-benchmark.jfr}.
 */
@Tag("benchmark")
class IngestBenchmark extends ForkedServiceTest {

    private static final String NAME = "ingest-benchmark";

    private static final String API_KEY = "tb-bench-ingest-key1";

    private static final UUID STORE = UUID.fromString("5a000000-0000-4000-8000-0000000000b1");

    private static final int ROWS = Integer.getInteger("shipsync.bench.rows", 1_000_000);

    private static final String FILE = "bench-" + ROWS + ".csv";

    private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(10);

    private static final int TARGET_ROWS_PER_SECOND = 20_000;

    /**
     * For experiments, e.g.
     * -Dshipsync.bench.args=--shipsync.shipment-files.batch-size=5000 (space separated).
     */
    private static final List<String> EXTRA_ARGUMENTS = Arrays
        .stream(System.getProperty("shipsync.bench.args", "").split("\\s+"))
        .filter(a -> !a.isBlank())
        .toList();

    @Test
    void ingest_one_million_rows_in_256_mb() throws Exception {
        startPlatform(API_KEY, STORE, 20, 50, Duration.ofSeconds(60));

        Path inbox = Files.createDirectories(dataDir.resolve("inbox"));
        Path part = inbox.resolve(FILE + ".part"); // ignored by the inbox until renamed
        long bytes = writeCsv(part, ROWS);

        var arguments = new ArrayList<>(List.of("--shipsync.data-dir=" + dataDir, "--shipsync.inbox=" + inbox,
                "--shipsync.tribemade.base-url=" + platform.baseUrl(), "--shipsync.tribemade.api-key=" + API_KEY));
        arguments.addAll(EXTRA_ARGUMENTS);
        service = ForkedService.startForBenchmark(NAME, "256m", arguments);
        long pid = service.pid();
        var log = BenchSupport.LogWatcher.of(NAME);
        awaitLogLine(log, pid, "Started ShipsyncApplication", Duration.ofSeconds(120));
        BenchSupport.maybeStartFlightRecording(pid, NAME);

        long rssAtStartKb = procStatusKb(pid, "VmRSS");
        double cpuAtDrop = cpuSeconds(pid);
        Instant dropped = BenchSupport.drop(part, FILE);

        String reading = awaitLogLine(log, pid, "Reading " + FILE + ": ", Duration.ofMinutes(2));
        double cpuAtReading = cpuSeconds(pid);
        long peakRssSeenKb = 0;
        String queued = null;
        long deadline = System.nanoTime() + GIVE_UP_AFTER.toNanos();
        while (queued == null) {
            peakRssSeenKb = Math.max(peakRssSeenKb, procStatusKb(pid, "VmRSS"));
            queued = log.find(FILE + ": every row is queued or refused").orElse(null);
            if (queued == null) {
                BenchSupport.failIfBroken(log, pid, "reading " + FILE);
                assertThat(System.nanoTime()).as("gave up after %s: %s not read completely", GIVE_UP_AFTER, FILE)
                    .isLessThan(deadline);
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
        double cpuAtQueued = cpuSeconds(pid);
        long peakRssKb = procStatusKb(pid, "VmHWM");
        long rssAtEndKb = procStatusKb(pid, "VmRSS");
        Path database = dataDir.resolve("shipsync.mv.db");
        long databaseBytes = Files.exists(database) ? Files.size(database) : -1;
        BenchSupport.dumpFlightRecording(pid, NAME);

        Instant readingAt = timestampOf(reading);
        Instant queuedAt = timestampOf(queued);
        long announcedRows = Long.parseLong(
                reading.substring(reading.indexOf("Reading " + FILE + ": ") + ("Reading " + FILE + ": ").length())
                    .split(" ")[0]);
        double totalSeconds = seconds(dropped, queuedAt);
        double readingSeconds = seconds(readingAt, queuedAt);
        double beforeReadingSeconds = seconds(dropped, readingAt);

        // the file goes to the archive once the route is done with it
        Path archived = awaitArchived(dataDir.resolve("archive"), pid, log);
        boolean aliveAtEnd = alive(pid);
        boolean oom = log.find("OutOfMemoryError").isPresent();
        service.kill(); // kill -9: what is in the database now is what was committed

        long[] counts = countRows(dataDir);

        System.out.println();
        System.out.println("BENCHMARK ingest: rows=" + ROWS + " file_mb=" + fmt(bytes / 1024.0 / 1024) + " seconds="
                + fmt(totalSeconds) + " rows_per_s=" + Math.round(ROWS / totalSeconds) + " reading_seconds="
                + fmt(readingSeconds) + " reading_rows_per_s=" + Math.round(ROWS / readingSeconds) + " peak_rss_mb="
                + fmt(mb(peakRssKb)) + " xmx=256m alive=" + aliveAtEnd + " oom=" + oom
                + (EXTRA_ARGUMENTS.isEmpty() ? "" : " extra_args=" + String.join(" ", EXTRA_ARGUMENTS)));
        System.out.println("BENCHMARK ingest detail: drop_to_reading_seconds=" + fmt(beforeReadingSeconds)
                + " (poll + quiet period + checksum/row-count pass)" + " cpu_seconds_before_reading="
                + fmt(cpuAtReading - cpuAtDrop) + " cpu_seconds_reading=" + fmt(cpuAtQueued - cpuAtReading)
                + " (2 cores = " + fmt(2 * readingSeconds) + " available)" + " rss_at_start_mb=" + fmt(mb(rssAtStartKb))
                + " rss_max_sampled_mb=" + fmt(mb(peakRssSeenKb)) + " rss_at_end_mb=" + fmt(mb(rssAtEndKb))
                + " h2_file_mb=" + fmt(databaseBytes / 1024.0 / 1024) + " committed_rows=" + counts[0] + " (in_outbox="
                + counts[2] + ") rejected_rows=" + counts[1]);
        System.out.println("BENCHMARK ingest target: rows_per_s>=" + TARGET_ROWS_PER_SECOND + " met_total="
                + (ROWS / totalSeconds >= TARGET_ROWS_PER_SECOND) + " met_reading="
                + (ROWS / readingSeconds >= TARGET_ROWS_PER_SECOND) + " no_oom=" + (aliveAtEnd && !oom));
        System.out.println();

        assertThat(aliveAtEnd).as("service still running after the file was read").isTrue();
        assertThat(oom).as("OutOfMemoryError in " + log.file()).isFalse();
        assertThat(announcedRows).as("data rows the service counted").isEqualTo(ROWS);
        assertThat(archived).as("file in the archive").isNotNull();
        assertThat(counts[0]).as("rows committed (outbox, accepted rows waiting for it, repeats)").isEqualTo(ROWS);
        assertThat(counts[1]).as("rows refused (the file is valid)").isZero();
    }

    /**
     * A valid shipment file: unique order ids, 35% processing, 35% dispatched with a
     * link, 20% delivered, 10% cancelled.
     */
    private static long writeCsv(Path file, int rows) throws IOException {
        var random = new SplittableRandom(20_251_123L);
        String[] couriers = { "https://delhivery.com/track/DLV", "https://bluedart.com/tracking/BD",
                "https://indiapost.gov.in/track/IP" };
        try (var out = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8),
                1 << 20)) {
            out.write("order_id,status,tracking_url\n");
            for (int i = 0; i < rows; i++) {
                // a version 4 UUID
                long high = (random.nextLong() & ~0xF000L) | 0x4000L;
                long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
                out.write(new UUID(high, low).toString());
                int pick = random.nextInt(20);
                if (pick < 7) {
                    out.write(",processing,\n");
                }
                else if (pick < 14) {
                    out.write(",dispatched,");
                    out.write(couriers[random.nextInt(couriers.length)]);
                    out.write(Long.toString(1_000_000_000L + random.nextLong(9_000_000_000L)));
                    out.write('\n');
                }
                else if (pick < 18) {
                    out.write(",delivered,\n");
                }
                else {
                    out.write(",cancelled,\n");
                }
            }
        }
        return Files.size(file);
    }

    private static Path awaitArchived(Path archive, long pid, BenchSupport.LogWatcher log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(archive)) {
                try (Stream<Path> files = Files.list(archive)) {
                    var found = files.filter(f -> f.getFileName().toString().endsWith("-" + FILE)).findFirst();
                    if (found.isPresent()) {
                        return found.get();
                    }
                }
            }
            BenchSupport.failIfBroken(log, pid, "waiting for " + FILE + " to reach the archive");
            TimeUnit.MILLISECONDS.sleep(200);
        }
        return null;
    }

    /**
     * Where the file's rows are, read from the H2 file after the service is gone: {0}
     * committed (in the outbox, or accepted and waiting to be admitted to it, or skipped
     * as a repeat), {1} refused by validation, {2} of the committed ones in the outbox
     * itself.
     */
    private static long[] countRows(Path dataDir) throws SQLException {
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("shipsync")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;IFEXISTS=TRUE";
        SQLException failure = null;
        for (String user : new String[] { "", "sa" }) {
            try (Connection db = DriverManager.getConnection(url, user, ""); Statement sql = db.createStatement()) {
                long inOutbox = count(sql, "SELECT COUNT(*) FROM status_update WHERE source = 'csv'");
                long committed = inOutbox + count(sql, "SELECT COUNT(*) FROM skipped_row WHERE outcome <> 'rejected'");
                if (count(sql,
                        "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'accepted_row'") > 0) {
                    committed += count(sql, "SELECT COUNT(*) FROM accepted_row");
                }
                return new long[] { committed,
                        count(sql, "SELECT COUNT(*) FROM skipped_row WHERE outcome = 'rejected'"), inOutbox };
            }
            catch (SQLException e) {
                failure = e;
            }
        }
        throw failure;
    }

    private static long count(Statement sql, String query) throws SQLException {
        try (ResultSet rs = sql.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e9;
    }

}
