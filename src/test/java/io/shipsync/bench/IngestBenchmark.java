package io.shipsync.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
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
import io.shipsync.TestDatabase;
import io.shipsync.bench.BenchSupport.MachineTime;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static io.shipsync.bench.BenchSupport.alive;
import static io.shipsync.bench.BenchSupport.awaitLogLine;
import static io.shipsync.bench.BenchSupport.cpuSeconds;
import static io.shipsync.bench.BenchSupport.fmt;
import static io.shipsync.bench.BenchSupport.fmt2;
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
 * refused. Then, in the same run and the same database (the service's H2 file, or its
 * PostgreSQL database in that pass), the reference: the same rows inserted with bare JDBC
 * batches into a table like {@code accepted_row}, committed every
 * {@link #BARE_BATCH_ROWS}. Prints {@code BENCHMARK ingest:} lines with both rates and
 * their ratio.
 *
 * <p>
 * "From drop to committed" is from the rename of the finished {@code .part} file into the
 * inbox to the log line saying every row is committed: the next poll of the inbox, the
 * read lock, the reading and checking of the file and every commit. The quiet period
 * counts from the file's last modification, and the file was written before the service
 * started, so here it has passed by the time of the drop; a writer that renames the
 * moment it finishes waits it on top ({@code shipsync.shipment-files.quiet-period}).
 *
 * <p>
 * Target (the issue): at least 0.8 of the bare inserts' rate, peak RSS below 400 MB at
 * {@code -Xmx256m}, on 2 cores. Run with {@code ./mvnw -Pbenchmark verify};
 * {@code -Dshipsync.bench.rows=N} changes the size, {@code -Dshipsync.bench.jfr=true}
 * records a flight recording to {@code target/ingest-benchmark.jfr},
 * {@code -Dshipsync.bench.nmt=true} prints the JVM's native memory at the end.
 */
@Tag("benchmark")
class IngestBenchmark extends ForkedServiceTest {

    private static final String NAME = "ingest-benchmark";

    private static final String API_KEY = "tb-bench-ingest-key1";

    private static final UUID STORE = UUID.fromString("5a000000-0000-4000-8000-0000000000b1");

    private static final int ROWS = Integer.getInteger("shipsync.bench.rows", 1_000_000);

    private static final String FILE = "bench-" + ROWS + ".csv";

    private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(10);

    private static final double TARGET_RATIO = 0.8;

    private static final double TARGET_PEAK_RSS_MB = 400;

    /**
     * Rows per commit of the reference: the service's default
     * {@code shipsync.shipment-files.batch-size}, so both make the same number of
     * commits.
     */
    private static final int BARE_BATCH_ROWS = Integer.getInteger("shipsync.bench.bare-batch", 1_000);

    /**
     * JVM options of the service beside {@code -Xmx256m}, for experiments
     * ({@code -Dshipsync.bench.jvm-args}, space separated), e.g.
     * {@code -XX:NativeMemoryTracking=summary} with {@code -Dshipsync.bench.nmt=true}.
     * None by default: the serial collector and tighter heap-free ratios did not lower
     * the peak RSS (471-477 MB against 475 MB, 2026-11-30).
     */
    private static final List<String> JVM_OPTIONS = Arrays
        .stream(System.getProperty("shipsync.bench.jvm-args", "").split("\\s+"))
        .filter(a -> !a.isBlank())
        .toList();

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
        String loadAtStart = BenchSupport.loadAverage();

        var arguments = new ArrayList<>(List.of("--shipsync.data-dir=" + dataDir, "--shipsync.inbox=" + inbox,
                "--shipsync.tribemade.base-url=" + platform.baseUrl(), "--shipsync.tribemade.api-key=" + API_KEY));
        arguments.addAll(EXTRA_ARGUMENTS);
        service = ForkedService.startForBenchmark(NAME, "256m", JVM_OPTIONS, arguments);
        long pid = service.pid();
        var log = BenchSupport.LogWatcher.of(NAME);
        awaitLogLine(log, pid, "Started ShipsyncApplication", Duration.ofSeconds(120));
        BenchSupport.maybeStartFlightRecording(pid, NAME);

        long rssAtStartKb = procStatusKb(pid, "VmRSS");
        double cpuAtDrop = cpuSeconds(pid);
        double machineAtDrop = MachineTime.now().busy();
        Instant dropped = BenchSupport.drop(part, FILE);

        String reading = awaitLogLine(log, pid, "Reading " + FILE, Duration.ofMinutes(2));
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
        double machineAtQueued = MachineTime.now().busy();
        String loadAtQueued = BenchSupport.loadAverage();
        long peakRssKb = procStatusKb(pid, "VmHWM");
        long rssAtEndKb = procStatusKb(pid, "VmRSS");
        Path database = dataDir.resolve("shipsync.mv.db");
        long databaseBytes = Files.exists(database) ? Files.size(database) : -1;
        BenchSupport.dumpFlightRecording(pid, NAME);
        BenchSupport.maybePrintNativeMemory(pid, NAME);

        Instant readingAt = timestampOf(reading);
        Instant queuedAt = timestampOf(queued);
        String read = awaitLogLine(log, pid, " data rows read", Duration.ofSeconds(5));
        long announcedRows = Long
            .parseLong(read.substring(read.indexOf(FILE + ": ") + (FILE + ": ").length()).split(" ")[0]);
        double totalSeconds = seconds(dropped, queuedAt);
        double readingSeconds = seconds(readingAt, queuedAt);
        double beforeReadingSeconds = seconds(dropped, readingAt);

        // the file goes to the archive once the route is done with it
        Path archived = awaitArchived(dataDir.resolve("archive"), pid, log);
        boolean aliveAtEnd = alive(pid);
        boolean oom = log.find("OutOfMemoryError").isPresent();
        service.kill(); // kill -9: what is in the database now is what was committed

        long[] counts = countRows();
        double machineBeforeBare = MachineTime.now().busy();
        double bareSeconds = bareInserts(ROWS);
        double otherCpuDuringBare = MachineTime.now().busy() - machineBeforeBare - bareSeconds;
        double appRate = ROWS / totalSeconds;
        double bareRate = ROWS / bareSeconds;

        System.out.println();
        System.out.println("BENCHMARK ingest: rows=" + ROWS + " file_mb=" + fmt(bytes / 1024.0 / 1024) + " database="
                + (TestDatabase.isPostgresql() ? "postgresql" : "h2") + " app_seconds=" + fmt(totalSeconds)
                + " app_rows_per_s=" + Math.round(appRate) + " bare_jdbc_seconds=" + fmt(bareSeconds)
                + " bare_jdbc_rows_per_s=" + Math.round(bareRate) + " ratio=" + fmt2(appRate / bareRate)
                + " peak_rss_mb=" + fmt(mb(peakRssKb)) + " xmx=256m alive=" + aliveAtEnd + " oom=" + oom
                + " jvm_options=" + String.join(" ", JVM_OPTIONS)
                + (EXTRA_ARGUMENTS.isEmpty() ? "" : " extra_args=" + String.join(" ", EXTRA_ARGUMENTS)));
        System.out.println("BENCHMARK ingest detail: drop_to_reading_seconds=" + fmt(beforeReadingSeconds)
                + " (poll + read lock + checksum) reading_seconds=" + fmt(readingSeconds) + " reading_rows_per_s="
                + Math.round(ROWS / readingSeconds) + " cpu_seconds_before_reading=" + fmt(cpuAtReading - cpuAtDrop)
                + " cpu_seconds_reading=" + fmt(cpuAtQueued - cpuAtReading) + " (2 cores = " + fmt(2 * readingSeconds)
                + " available) rss_at_start_mb=" + fmt(mb(rssAtStartKb)) + " rss_max_sampled_mb="
                + fmt(mb(peakRssSeenKb)) + " rss_at_end_mb=" + fmt(mb(rssAtEndKb)) + " h2_file_mb="
                + fmt(databaseBytes / 1024.0 / 1024) + " committed_rows=" + counts[0] + " (in_outbox=" + counts[2]
                + ") rejected_rows=" + counts[1] + " bare_batch_rows=" + BARE_BATCH_ROWS);
        System.out.println("BENCHMARK ingest machine: load_average_before=" + loadAtStart + " at_end=" + loadAtQueued
                + " other_processes_cpu_s_during_app="
                + fmt(machineAtQueued - machineAtDrop - (cpuAtQueued - cpuAtDrop)) + " of " + fmt(2 * totalSeconds)
                + " other_processes_cpu_s_during_bare=" + fmt(otherCpuDuringBare) + " of " + fmt(2 * bareSeconds)
                + " (the bare inserts' own time counted as one busy core)");
        System.out.println("BENCHMARK ingest target: ratio>=" + TARGET_RATIO + " met="
                + (appRate / bareRate >= TARGET_RATIO) + " peak_rss_mb<" + fmt(TARGET_PEAK_RSS_MB) + " met="
                + (mb(peakRssKb) < TARGET_PEAK_RSS_MB) + " no_oom=" + (aliveAtEnd && !oom));
        System.out.println();

        assertThat(aliveAtEnd).as("service still running after the file was read").isTrue();
        assertThat(oom).as("OutOfMemoryError in " + log.file()).isFalse();
        assertThat(announcedRows).as("data rows the service counted").isEqualTo(ROWS);
        assertThat(archived).as("file in the archive").isNotNull();
        assertThat(counts[0]).as("rows committed (outbox, accepted rows waiting for it, repeats)").isEqualTo(ROWS);
        assertThat(counts[1]).as("rows refused (the file is valid)").isZero();
    }

    /** One generated data row. */
    private record Row(String orderId, String status, String trackingUrl) {
    }

    /**
     * The rows of a valid shipment file, the same for the same count: unique order ids,
     * 35% processing, 35% dispatched with a link, 20% delivered, 10% cancelled.
     */
    private static Stream<Row> rows(int count) {
        var random = new SplittableRandom(20_251_123L);
        String[] couriers = { "https://delhivery.com/track/DLV", "https://bluedart.com/tracking/BD",
                "https://indiapost.gov.in/track/IP" };
        return Stream.generate(() -> {
            // a version 4 UUID
            long high = (random.nextLong() & ~0xF000L) | 0x4000L;
            long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
            String orderId = new UUID(high, low).toString();
            int pick = random.nextInt(20);
            if (pick < 7) {
                return new Row(orderId, "processing", null);
            }
            if (pick < 14) {
                return new Row(orderId, "dispatched",
                        couriers[random.nextInt(couriers.length)] + (1_000_000_000L + random.nextLong(9_000_000_000L)));
            }
            return new Row(orderId, pick < 18 ? "delivered" : "cancelled", null);
        }).limit(count);
    }

    private static long writeCsv(Path file, int rows) throws IOException {
        try (var out = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8),
                1 << 20)) {
            out.write("order_id,status,tracking_url\n");
            for (Row row : (Iterable<Row>) rows(rows)::iterator) {
                out.write(row.orderId() + "," + row.status() + ","
                        + (row.trackingUrl() == null ? "" : row.trackingUrl()) + "\n");
            }
        }
        return Files.size(file);
    }

    /**
     * The reference: the same rows inserted with bare JDBC batches into a table with
     * {@code accepted_row}'s columns, keys and index, in the service's database after the
     * service is gone, one commit per {@link #BARE_BATCH_ROWS}.
     * @return the seconds from the first insert to the last commit
     */
    private double bareInserts(int count) throws SQLException {
        try (Connection db = connectToDatabase(); Statement sql = db.createStatement()) {
            long fileId = count(sql, "SELECT MAX(id) FROM ingested_file");
            sql.execute("""
                    CREATE TABLE bare_row (
                        file_id       BIGINT        NOT NULL REFERENCES ingested_file (id),
                        line          BIGINT        NOT NULL,
                        store_key     VARCHAR(100)  NOT NULL,
                        order_id      VARCHAR(100)  NOT NULL,
                        target_status VARCHAR(16)   NOT NULL,
                        tracking_url  VARCHAR(2048),
                        PRIMARY KEY (file_id, line))""");
            sql.execute("CREATE INDEX bare_row_by_store ON bare_row (store_key, file_id, line)");
            db.setAutoCommit(false);
            long started = System.nanoTime();
            try (PreparedStatement insert = db.prepareStatement("""
                    INSERT INTO bare_row (file_id, line, store_key, order_id, target_status, tracking_url)
                    VALUES (?, ?, ?, ?, ?, ?)""")) {
                long line = 1;
                for (Row row : (Iterable<Row>) rows(count)::iterator) {
                    insert.setLong(1, fileId);
                    insert.setLong(2, ++line);
                    insert.setString(3, "default");
                    insert.setString(4, row.orderId());
                    insert.setString(5, row.status());
                    insert.setString(6, row.trackingUrl());
                    insert.addBatch();
                    if ((line - 1) % BARE_BATCH_ROWS == 0 || line - 1 == count) {
                        insert.executeBatch();
                        db.commit();
                    }
                }
            }
            return (System.nanoTime() - started) / 1e9;
        }
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
     * Where the file's rows are, read from the database after the service is gone: {0}
     * committed (in the outbox, or accepted and waiting to be admitted to it, or skipped
     * as a repeat), {1} refused by validation, {2} of the committed ones in the outbox
     * itself.
     */
    private long[] countRows() throws SQLException {
        try (Connection db = connectToDatabase(); Statement sql = db.createStatement()) {
            long inOutbox = count(sql, "SELECT COUNT(*) FROM status_update WHERE source = 'csv'");
            long committed = inOutbox + count(sql, "SELECT COUNT(*) FROM accepted_row")
                    + count(sql, "SELECT COUNT(*) FROM skipped_row WHERE outcome <> 'rejected'");
            return new long[] { committed, count(sql, "SELECT COUNT(*) FROM skipped_row WHERE outcome = 'rejected'"),
                    inOutbox };
        }
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
