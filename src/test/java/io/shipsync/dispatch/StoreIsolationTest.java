package io.shipsync.dispatch;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import io.shipsync.EndToEndTest;
import io.shipsync.sandbox.Fault;
import io.shipsync.sandbox.RecordedRequest;
import io.shipsync.sandbox.TribeMadeSandbox;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One store's trouble is its own: while the TribeMade store {@code busy} (a second
 * sandbox, its own key) has a backlog of 1,000 updates, is answered 429 because its
 * platform allows far less than shipsync is configured to send, and then goes down, the
 * {@code default} store's updates go out at default's own pace, within default's own
 * limit, and none of them becomes a dead letter.
 *
 * <p>
 * Why the bound fails a dispatcher that serves the stores one after the other: shipsync
 * takes {@value #BUSY_LIMIT} of busy's updates per batch, and its platform lets
 * {@value #BUSY_PLATFORM_LIMIT} a second through, so one batch of busy's keeps a dispatch
 * thread for about {@value #BUSY_LIMIT} / {@value #BUSY_PLATFORM_LIMIT} = 15 s (waiting
 * for the 429's Retry-After again and again). default's file is dropped right after
 * busy's first 429, early in such a batch: a shared loop would reach default's updates
 * only after it, far beyond the bound.
 */
class StoreIsolationTest extends EndToEndTest {

    /** default's limit (shipsync's and its platform's): 10 status updates a second. */
    private static final int DEFAULT_LIMIT = 10;

    private static final int READS_PER_SECOND = 50;

    private static final int DEFAULT_UPDATES = 20;

    /**
     * What shipsync is told busy may send, and what busy's platform really allows, per
     * second.
     */
    private static final int BUSY_LIMIT = 30;

    private static final int BUSY_PLATFORM_LIMIT = 2;

    private static final int BUSY_BACKLOG = 1_000;

    private static final String BUSY_KEY = "tb-test-busy-key2";

    private static final UUID BUSY_STORE = UUID.fromString("5a000000-0000-4000-8000-0000000000b5");

    /**
     * default's 20 updates alone: the file's quiet period (300 ms) and intake, the first
     * poll, 20 order reads (within one second's 50), 10 updates, and 10 more one period
     * (1 s) after the first 10 answers: about 2.5 s. The bound leaves room for a slow
     * machine, and stays far below the ~15 s a shared loop would spend in busy's batch.
     */
    private static final Duration ALONE_BOUND = Duration.ofSeconds(8);

    private static TribeMadeSandbox busyPlatform;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        configure(registry, DEFAULT_LIMIT, READS_PER_SECOND);
        if (busyPlatform != null) {
            busyPlatform.stop();
        }
        // without rate-limit headers: busy's platform only says 429 once shipsync has
        // sent too many
        busyPlatform = TribeMadeSandbox.builder()
            .updateLimit(BUSY_PLATFORM_LIMIT, Duration.ofSeconds(1))
            .readLimit(READS_PER_SECOND, Duration.ofSeconds(1))
            .withoutRateLimitHeaders()
            .build()
            .start();
        busyPlatform.addStore(BUSY_KEY, BUSY_STORE);
        registry.add("shipsync.stores.busy.platform", () -> "tribemade");
        registry.add("shipsync.stores.busy.base-url", busyPlatform::baseUrl);
        registry.add("shipsync.stores.busy.api-key", () -> BUSY_KEY);
        registry.add("shipsync.stores.busy.platform-store-id", BUSY_STORE::toString);
        registry.add("shipsync.stores.busy.status-updates.max-requests", () -> BUSY_LIMIT);
        registry.add("shipsync.stores.busy.status-updates.period", () -> "1s");
        registry.add("shipsync.stores.busy.order-reads.max-requests", () -> READS_PER_SECOND);
        registry.add("shipsync.stores.busy.order-reads.period", () -> "1s");
    }

    @AfterAll
    static void stopBusyPlatform() {
        if (busyPlatform != null) {
            busyPlatform.stop();
            busyPlatform = null;
        }
    }

    @Test
    void a_store_with_a_backlog_429s_and_an_outage_does_not_hold_back_another_store() throws Exception {
        StringBuilder busyCsv = new StringBuilder("store,order_id,status,tracking_url\n");
        for (int i = 0; i < BUSY_BACKLOG; i++) {
            UUID order = UUID.randomUUID();
            busyPlatform.addOrder(BUSY_STORE, order, "started");
            busyCsv.append("busy,").append(order).append(",processing,\n");
        }
        List<UUID> defaultOrders = IntStream.range(0, DEFAULT_UPDATES).mapToObj(i -> newOrder("started")).toList();
        StringBuilder defaultCsv = new StringBuilder("order_id,status,tracking_url\n");
        defaultOrders.forEach(order -> defaultCsv.append(order).append(",processing,\n"));

        drop("busy-backlog.csv", busyCsv.toString());
        // busy is over its platform's limit: early in its first batch, with most of the
        // batch still to wait for
        await().atMost(Duration.ofSeconds(20)).until(() -> count(busyPlatform, "PUT", 429) > 0);

        Instant dropped = Instant.now();
        drop("default-updates.csv", defaultCsv.toString());
        // once default is being served, busy's platform goes down too
        await().atMost(Duration.ofSeconds(20)).until(() -> count(platform, "PUT", 200) > 0);
        busyPlatform.injectFault("PUT", Fault.serverError(), 1_000_000);
        busyPlatform.injectFault("GET", Fault.serverError(), 1_000_000);

        await().atMost(Duration.ofSeconds(30)).until(() -> appliedOf(defaultOrders) == DEFAULT_UPDATES);
        Instant allAppliedSeen = Instant.now();
        Instant lastApplied = jdbc.sql("""
                SELECT MAX(updated_at) FROM status_update
                WHERE store_key = 'default' AND state = 'APPLIED' AND order_id IN (:ids)""")
            .param("ids", defaultOrders.stream().map(UUID::toString).toList())
            .query(OffsetDateTime.class)
            .single()
            .toInstant();
        Duration dropToApplied = Duration.between(dropped, lastApplied);
        List<RecordedRequest> defaultPuts = puts(platform);
        System.out.printf(
                "StoreIsolationTest: default's %d updates applied %d ms after the drop (seen after %d ms), "
                        + "first to last PUT %d ms; busy meanwhile: %d PUTs answered 429, %d answered 500%n",
                DEFAULT_UPDATES, dropToApplied.toMillis(), Duration.between(dropped, allAppliedSeen).toMillis(),
                Duration.between(defaultPuts.get(0).arrivedAt(), defaultPuts.get(defaultPuts.size() - 1).arrivedAt())
                    .toMillis(),
                count(busyPlatform, "PUT", 429),
                busyPlatform.requests().stream().filter(r -> r.status() == 500).count());

        // about the time default's updates take alone
        assertThat(dropToApplied).as("drop of default's file to its last update applied").isLessThan(ALONE_BOUND);
        // within default's own limit, measured where it counts: at default's platform, by
        // arrival
        assertThat(defaultPuts).as("default's status updates")
            .hasSize(DEFAULT_UPDATES)
            .allSatisfy(put -> assertThat(put.status()).isEqualTo(200));
        assertThat(mostInAnyWindow(defaultPuts, Duration.ofSeconds(1))).as("default's PUTs in any 1 s window")
            .isLessThanOrEqualTo(DEFAULT_LIMIT);
        assertThat(platform.requests()).as("requests to default's platform")
            .noneMatch(r -> r.status() == 429)
            .noneMatch(r -> r.status() == 500);
        defaultOrders.forEach(
                order -> assertThat(platform.statusHistory(order)).as("order %s", order).containsExactly("processing"));

        // busy really was in trouble: 429s, then its platform down and its circuit open,
        // and its backlog still there
        assertThat(count(busyPlatform, "PUT", 429)).as("429s to busy's updates").isPositive();
        await().atMost(Duration.ofSeconds(20))
            .untilAsserted(() -> assertThat(health().path("components")
                .path("statusDispatch")
                .path("details")
                .path("busy")
                .path("unavailable")
                .asText()).startsWith("TribeMade unavailable since "));
        assertThat(health().path("components").path("statusDispatch").path("details").has("default"))
            .as("default's dispatch in the health details (paused or unavailable)")
            .isFalse();
        assertThat(jdbc
            .sql("SELECT COUNT(*) FROM status_update WHERE store_key = 'busy' AND state IN ('PENDING', 'SENDING')")
            .query(Long.class)
            .single()).as("busy's backlog").isGreaterThan(BUSY_BACKLOG / 2);

        // nothing of default's is a dead letter
        assertThat(jdbc.sql("SELECT COUNT(*) FROM dead_letter WHERE store_key = 'default'").query(Long.class).single())
            .as("default's dead letters")
            .isZero();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM status_update WHERE store_key = 'default' AND state <> 'APPLIED'")
            .query(Long.class)
            .single()).as("default's updates not applied").isZero();
    }

    private long appliedOf(List<UUID> orders) {
        return jdbc
            .sql("SELECT COUNT(*) FROM status_update WHERE store_key = 'default' AND state = 'APPLIED' "
                    + "AND order_id IN (:ids)")
            .param("ids", orders.stream().map(UUID::toString).toList())
            .query(Long.class)
            .single();
    }

    private static long count(TribeMadeSandbox sandbox, String method, int status) {
        return sandbox.requests().stream().filter(r -> r.method().equals(method) && r.status() == status).count();
    }

    private static List<RecordedRequest> puts(TribeMadeSandbox sandbox) {
        return sandbox.requests().stream().filter(r -> r.method().equals("PUT")).toList();
    }

    /**
     * The most requests that arrived in any window of this length (start inclusive, end
     * exclusive).
     */
    static int mostInAnyWindow(List<RecordedRequest> requests, Duration window) {
        List<Instant> times = new ArrayList<>(requests.stream().map(RecordedRequest::arrivedAt).sorted().toList());
        int most = 0;
        int start = 0;
        for (int end = 0; end < times.size(); end++) {
            while (!times.get(start).plus(window).isAfter(times.get(end))) {
                start++;
            }
            most = Math.max(most, end - start + 1);
        }
        return most;
    }

}
