package io.shipsync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.shipsync.sandbox.RecordedRequest;
import io.shipsync.sandbox.TribeMadeSandbox;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stops and starts of the service in a JVM of its own: what a restart must take up, and
 * what a stop must not break.
 */
class RestartTest extends ForkedServiceTest {

    private static final String API_KEY = "tb-test-rest-art1";

    private static final UUID STORE = UUID.fromString("5a000000-0000-4000-8000-0000000000d1");

    @Test
    void a_restart_with_a_corrected_api_key_sends_the_waiting_updates_at_once() throws Exception {
        startPlatform(API_KEY, STORE, 20, 50, Duration.ofSeconds(1));
        List<UUID> orders = orders(5);
        dropFile("waiting-for-key.csv", orders);

        service = start("wrong-key", "tb-test-wron-gkey", 20, "1s");
        await().atMost(Duration.ofSeconds(60)).until(() -> service.logged("Dispatch to default paused"));
        service.kill();
        service = start("corrected-key", API_KEY, 20, "1s");

        // the 401 postponed them by auth-retry-interval (5 minutes): a corrected key must
        // not wait for that
        await().atMost(Duration.ofSeconds(60)).until(() -> applied(orders) == orders.size());
        orders.forEach(order -> assertThat(platform.statusHistory(order)).containsExactly("processing"));
    }

    @Test
    void a_quick_restart_keeps_the_platforms_window_even_without_rate_limit_headers() throws Exception {
        // longer than a restart takes, so that the second run starts inside the first
        // run's window
        Duration window = Duration.ofSeconds(30);
        platform = TribeMadeSandbox.builder()
            .updateLimit(3, window)
            .readLimit(50, window)
            .withoutRateLimitHeaders()
            .build()
            .start();
        platform.addStore(API_KEY, STORE);
        List<UUID> before = orders(3);
        List<UUID> after = orders(3);
        dropFile("before-crash.csv", before);

        service = start("window-first", API_KEY, 3, "30s");
        await().atMost(Duration.ofSeconds(60)).until(() -> applied(before) == before.size());
        service.kill();
        dropFile("after-crash.csv", after);
        service = start("window-second", API_KEY, 3, "30s");

        await().atMost(Duration.ofSeconds(90)).until(() -> applied(after) == after.size());
        List<RecordedRequest> puts = platform.requests().stream().filter(r -> r.method().equals("PUT")).toList();
        assertThat(puts).extracting(RecordedRequest::status)
            .as("no request beyond the platform's limit")
            .containsOnly(200);
        List<Instant> arrivals = puts.stream().map(RecordedRequest::arrivedAt).sorted().toList();
        assertThat(Duration.between(arrivals.get(0), arrivals.get(3))).isGreaterThanOrEqualTo(window);
    }

    @Test
    void a_graceful_stop_leaves_unsent_updates_pending_and_the_database_closes_after_the_routes() throws Exception {
        startPlatform(API_KEY, STORE, 2, 50, Duration.ofSeconds(20));
        List<UUID> orders = orders(6);
        dropFile("stopped.csv", orders);
        service = start("graceful-stop", API_KEY, 2, "20s");
        await().atMost(Duration.ofSeconds(60)).until(() -> applied(orders) == 2);

        // the third update waits in the throttle for the next window when the stop comes
        assertThat(service.terminate(Duration.ofSeconds(60))).as("stopped within a minute").isTrue();

        assertThat(service.logged("Database is already closed")).isFalse();
        assertThat(service.logged("Dead letter")).isFalse();
        assertThat(query("SELECT COUNT(*) FROM dead_letter")).isZero();
        assertThat(query("SELECT COUNT(*) FROM status_update WHERE state = 'APPLIED'")).isEqualTo(applied(orders));
        assertThat(query("SELECT COUNT(*) FROM status_update WHERE state IN ('PENDING', 'SENDING')"))
            .isEqualTo(orders.size() - applied(orders));
    }

    private List<UUID> orders(int count) {
        var orders = new ArrayList<UUID>();
        for (int i = 0; i < count; i++) {
            UUID order = UUID.randomUUID();
            platform.addOrder(STORE, order, "started");
            orders.add(order);
        }
        return orders;
    }

    private void dropFile(String name, List<UUID> orders) throws IOException {
        var csv = new StringBuilder("order_id,status\n");
        orders.forEach(order -> csv.append(order).append(",processing\n"));
        Files.createDirectories(dataDir.resolve("inbox"));
        Files.writeString(dataDir.resolve(name + ".part"), csv, StandardCharsets.UTF_8);
        Files.move(dataDir.resolve(name + ".part"), dataDir.resolve("inbox").resolve(name));
    }

    private int applied(List<UUID> orders) {
        return orders.stream().mapToInt(o -> platform.statusHistory(o).size()).sum();
    }

    private ForkedService start(String run, String apiKey, int updatesPerPeriod, String period) throws IOException {
        return ForkedService.start("restart-" + run, "256m", List.of("--shipsync.data-dir=" + dataDir,
                "--shipsync.inbox=" + dataDir.resolve("inbox"), "--shipsync.tribemade.base-url=" + platform.baseUrl(),
                "--shipsync.tribemade.api-key=" + apiKey, "--shipsync.status-updates.max-requests=" + updatesPerPeriod,
                "--shipsync.status-updates.period=" + period, "--shipsync.status-updates.poll-interval=100ms",
                "--shipsync.tribemade.order-reads.max-requests=50", "--shipsync.tribemade.order-reads.period=" + period,
                "--shipsync.shipment-files.quiet-period=200ms"));
    }

}
