package io.shipsync;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.shipsync.sandbox.Fault;
import io.shipsync.sandbox.TribeMadeSandbox;
import io.shipsync.webhook.WebhookClient;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kills the service for real ({@code kill -9}) while it drains the outbox, with a status
 * request applied by the platform but not yet answered, then restarts it: every update
 * must land exactly once. Likewise mid-file, and between acknowledging webhook events and
 * processing them.
 */
class CrashRecoveryTest extends ForkedServiceTest {

    private static final String API_KEY = "tb-test-crash-key1";

    private static final UUID STORE = UUID.fromString("5a000000-0000-4000-8000-0000000000c1");

    private static final int ORDERS = 30;

    private static final int IN_FLIGHT_AT_KILL = 10;

    private static final String WEBHOOK_TOKEN = "wh-test-crash-token-1";

    @Test
    void every_update_lands_exactly_once_after_kill_9_mid_drain() throws Exception {
        startPlatform(API_KEY, STORE, 5, 50, Duration.ofSeconds(1));
        // the tenth status update is applied by the platform, but its answer is held
        // back: the kill comes while
        // shipsync waits for it, so after the restart it cannot know whether the update
        // arrived
        platform.injectFault("PUT", Fault.delay(Duration.ofMillis(1)), IN_FLIGHT_AT_KILL - 1);
        platform.injectFault("PUT", Fault.delay(Duration.ofMinutes(2)), 1);
        var orders = new ArrayList<UUID>();
        var csv = new StringBuilder("order_id,status\n");
        for (int i = 0; i < ORDERS; i++) {
            UUID order = UUID.randomUUID();
            platform.addOrder(STORE, order, "started");
            orders.add(order);
            csv.append(order).append(",processing\n");
        }
        Files.createDirectories(dataDir.resolve("inbox"));
        Files.writeString(dataDir.resolve("inbox").resolve("crash.csv"), csv, StandardCharsets.UTF_8);

        service = startService("first");
        await().atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> applied(orders) >= IN_FLIGHT_AT_KILL);
        service.kill();
        int appliedAtKill = applied(orders);

        service = startService("second");
        Path report = await().atMost(Duration.ofSeconds(90))
            .until(() -> EndToEndTest.reportsIn(dataDir.resolve("reports"), "crash"), r -> !r.isEmpty())
            .get(0);

        assertThat(appliedAtKill).isLessThan(ORDERS);
        for (UUID order : orders) {
            assertThat(platform.statusHistory(order)).as("emails for order %s", order).containsExactly("processing");
        }
        assertThat(platform.requests().stream().filter(r -> r.method().equals("PUT")).count()).isEqualTo(ORDERS);
        List<String> lines = Files.readAllLines(report);
        assertThat(lines).hasSize(ORDERS + 1);
        assertThat(lines.subList(1, lines.size()))
            .allSatisfy(line -> assertThat(line).contains(",processing,applied,"));
    }

    @Test
    void every_row_of_a_file_is_committed_once_after_kill_9_mid_file() throws Exception {
        platform = TribeMadeSandbox.builder().build().start();
        int rows = 300_000;
        Path file = dropBigFile(rows);
        long committedAtKill = killMidFile("mid-file-first");

        service = startService("mid-file-second");
        // archived only once every row is committed
        await().atMost(Duration.ofSeconds(120)).until(() -> Files.notExists(file));
        service.kill();

        assertThat(committedAtKill).isBetween(1L, rows - 1L);
        assertThat(committedRows()).isEqualTo(rows);
        assertThat(query("SELECT COUNT(DISTINCT line) FROM (SELECT line FROM accepted_row "
                + "UNION ALL SELECT source_line FROM status_update)"))
            .isEqualTo(rows);
    }

    @Test
    void a_file_taken_out_of_the_inbox_after_kill_9_mid_file_is_given_up_and_none_of_it_is_sent() throws Exception {
        platform = TribeMadeSandbox.builder().build().start();
        int rows = 300_000;
        Path file = dropBigFile(rows);
        long committedAtKill = killMidFile("abandoned-first");
        // the warehouse takes the file back while shipsync is down
        Files.delete(file);

        service = startService("abandoned-second", "--shipsync.shipment-files.abandoned-after=1s");
        await().atMost(Duration.ofSeconds(60)).until(() -> service.logged("Gave up on big.csv"));
        service.kill();

        assertThat(committedAtKill).isBetween(1L, rows - 1L);
        assertThat(query("SELECT COUNT(*) FROM ingested_file WHERE state = 'FAILED'")).isEqualTo(1);
        assertThat(committedRows()).isZero();
        assertThat(platform.requests()).isEmpty();
        try (var failed = Files.list(dataDir.resolve("failed"))) {
            assertThat(failed.toList()).singleElement().satisfies(reason -> {
                assertThat(reason.getFileName().toString()).endsWith("-big.csv.reason.txt");
                assertThat(Files.readString(reason)).contains("had not finished reading big.csv")
                    .contains("Nothing from this file was sent");
            });
        }
    }

    @Test
    void every_acknowledged_event_is_processed_after_kill_9_before_processing() throws Exception {
        startPlatform(API_KEY, STORE, 50, 50, Duration.ofSeconds(1));
        var orders = new ArrayList<UUID>();
        for (int i = 0; i < 10; i++) {
            UUID order = UUID.randomUUID();
            platform.addOrder(STORE, order, "started");
            orders.add(order);
        }
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        // the first run stores and acknowledges events, and is killed before it processes
        // any
        service = startWebhookService("webhook-first", port, "1h");
        await().atMost(Duration.ofSeconds(60)).until(() -> service.logged("Started ShipsyncApplication"));
        var webhook = new WebhookClient(port);
        for (UUID order : orders) {
            var response = webhook.post(WebhookClient.orderCreated(order), "Content-Type", "application/json",
                    "X-Webhook-Token", WEBHOOK_TOKEN);
            assertThat(response.statusCode()).isEqualTo(200);
        }
        service.kill();
        assertThat(query("SELECT COUNT(*) FROM webhook_event WHERE state = 'PENDING'")).isEqualTo(orders.size());

        service = startWebhookService("webhook-second", 0, "100ms");
        await().atMost(Duration.ofSeconds(60)).until(() -> orders.stream().allMatch(o -> applied(List.of(o)) == 1));

        for (UUID order : orders) {
            assertThat(platform.statusHistory(order)).as("emails for order %s", order).containsExactly("processing");
        }
    }

    /** A shipment file of {@code rows} new orders, dropped into the inbox whole. */
    private Path dropBigFile(int rows) throws IOException {
        Path file = dataDir.resolve("inbox").resolve("big.csv");
        Files.createDirectories(file.getParent());
        try (var out = Files.newBufferedWriter(dataDir.resolve("big.csv.part"), StandardCharsets.UTF_8)) {
            out.write("order_id,status\n");
            for (int i = 0; i < rows; i++) {
                out.write(UUID.randomUUID() + ",processing\n");
            }
        }
        return Files.move(dataDir.resolve("big.csv.part"), file);
    }

    /**
     * Starts the service and kills it once it has committed rows of {@code big.csv}.
     * @return the rows committed at the kill
     */
    private long killMidFile(String run) throws Exception {
        service = startService(run);
        await().atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> service.logged("big.csv: rows up to line"));
        service.kill();
        return committedRows();
    }

    /**
     * Rows the service committed (waiting to join the queue, or in it), read once it no
     * longer runs.
     */
    private long committedRows() throws Exception {
        return query("SELECT (SELECT COUNT(*) FROM accepted_row) + (SELECT COUNT(*) FROM status_update)");
    }

    private int applied(List<UUID> orders) {
        return orders.stream().mapToInt(o -> platform.statusHistory(o).size()).sum();
    }

    private ForkedService startWebhookService(String run, int port, String pollInterval) throws IOException {
        return ForkedService.start("crash-recovery-" + run, "256m", List.of("--server.port=" + port,
                "--shipsync.data-dir=" + dataDir, "--shipsync.inbox=" + dataDir.resolve("inbox"),
                "--shipsync.tribemade.base-url=" + platform.baseUrl(), "--shipsync.tribemade.api-key=" + API_KEY,
                "--shipsync.status-updates.poll-interval=100ms", "--shipsync.webhook.token=" + WEBHOOK_TOKEN,
                "--shipsync.webhook.auto-status=processing", "--shipsync.webhook.poll-interval=" + pollInterval));
    }

    private ForkedService startService(String run, String... extraArguments) throws IOException {
        var arguments = new ArrayList<>(List.of("--shipsync.data-dir=" + dataDir,
                "--shipsync.inbox=" + dataDir.resolve("inbox"), "--shipsync.tribemade.base-url=" + platform.baseUrl(),
                "--shipsync.tribemade.api-key=" + API_KEY, "--shipsync.status-updates.max-requests=5",
                "--shipsync.status-updates.period=1s", "--shipsync.status-updates.poll-interval=100ms",
                "--shipsync.tribemade.order-reads.max-requests=50", "--shipsync.tribemade.order-reads.period=1s",
                "--shipsync.shipment-files.quiet-period=200ms", "--shipsync.shipment-files.report-interval=200ms"));
        arguments.addAll(List.of(extraArguments));
        return ForkedService.start("crash-recovery-" + run, "256m", arguments);
    }

}
