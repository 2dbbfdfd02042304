package io.shipsync.dispatch;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.shipsync.EndToEndTest;
import io.shipsync.sandbox.Fault;
import io.shipsync.sandbox.RecordedRequest;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The platform allows fewer status updates than shipsync's throttle. shipsync must keep
 * to the platform's limit from what its answers say, and where it still meets a 429, wait
 * as long as the 429 says, applying every update once.
 */
class StatusDispatchUnderStricterPlatformTest extends EndToEndTest {

    static final int PLATFORM_UPDATES_PER_SECOND = 3;
    static final int SHIPSYNC_UPDATES_PER_SECOND = 6;
    static final Duration PLATFORM_WINDOW = Duration.ofSeconds(1);

    @Autowired
    private MeterRegistry metrics;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        configure(registry, PLATFORM_UPDATES_PER_SECOND, 50);
        // a later add of the same name in the same method wins: shipsync's throttle
        // allows more than the platform
        registry.add("shipsync.status-updates.max-requests", () -> SHIPSYNC_UPDATES_PER_SECOND);
    }

    @AfterEach
    void settled() {
        await().atMost(Duration.ofSeconds(10)).until(() -> pendingUpdates() == 0);
    }

    @Test
    void keeps_to_a_stricter_platform_limit_from_its_rate_limit_headers() throws IOException {
        List<UUID> orders = startedOrders(9);
        long requestsBefore = throttleWait().count();
        double waitedBefore = throttleWait().totalTime(TimeUnit.SECONDS);

        drop("headers.csv", processingRows(orders));

        awaitAllProcessed(orders, "headers");
        List<Instant> arrivals = putsFor(orders).stream().map(RecordedRequest::arrivedAt).sorted().toList();
        assertThat(arrivals).hasSize(orders.size());
        for (int i = 0; i + PLATFORM_UPDATES_PER_SECOND < arrivals.size(); i++) {
            assertThat(Duration.between(arrivals.get(i), arrivals.get(i + PLATFORM_UPDATES_PER_SECOND)))
                .as("PUTs %d and %d", i, i + PLATFORM_UPDATES_PER_SECOND)
                .isGreaterThanOrEqualTo(PLATFORM_WINDOW);
        }
        assertThat(putsFor(orders)).extracting(RecordedRequest::status).containsOnly(200);
        // one wait per PUT; the fourth PUT, ready right after the first three, waited
        // most
        // of a window for the platform's to open
        assertThat(throttleWait().count() - requestsBefore).isEqualTo(orders.size());
        assertThat(throttleWait().totalTime(TimeUnit.SECONDS) - waitedBefore).isGreaterThan(0.5);
    }

    /**
     * Another integration of the store uses the same API key and spends the update budget
     * while shipsync waits for an order read; shipsync's answers so far could not
     * foretell that, so its next status update meets a 429, which must hold back every
     * status update of shipsync for as long as it says.
     */
    @Test
    void waits_as_long_as_a_429_says_and_applies_every_update_once() throws Exception {
        List<UUID> orders = startedOrders(4);
        double rateLimitedBefore = rateLimited();
        platform.injectFault("GET", Fault.delay(Duration.ofMillis(600)), 1);

        drop("rate-limited.csv", processingRows(orders));

        await().atMost(Duration.ofSeconds(20))
            .pollInterval(Duration.ofMillis(5))
            .until(() -> platform.requests()
                .stream()
                .anyMatch(r -> r.method().equals("GET")
                        && orders.stream().anyMatch(o -> r.path().contains(o.toString()))));
        spendTheUpdateBudgetAsAnotherClient();
        awaitAllProcessed(orders, "rate-limited");

        List<RecordedRequest> allPuts = platform.requests().stream().filter(r -> r.method().equals("PUT")).toList();
        List<RecordedRequest> ours = putsFor(orders);
        List<RecordedRequest> tooMany = ours.stream().filter(r -> r.status() == 429).toList();
        assertThat(tooMany).as("shipsync met a 429").isNotEmpty();
        assertThat(rateLimited() - rateLimitedBefore).isEqualTo(tooMany.size());
        for (RecordedRequest refused : tooMany) {
            Instant retryAt = refused.arrivedAt().plusSeconds(announcedRetryAfter(allPuts, refused));
            assertThat(ours)
                .filteredOn(put -> put.arrivedAt().isAfter(refused.arrivedAt()) && put.arrivedAt().isBefore(retryAt))
                .as("shipsync's PUTs after the 429 at %s, before its retry time %s", refused.arrivedAt(), retryAt)
                .isEmpty();
        }
    }

    /**
     * PUTs for an order of no one (404, but counted by the limiter) until the platform
     * answers 429.
     */
    private static void spendTheUpdateBudgetAsAnotherClient() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest update = HttpRequest
            .newBuilder(URI.create(platform.baseUrl() + "/api/orders/" + UUID.randomUUID() + "/status"))
            .header("X-API-Key", API_KEY)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString("{\"status\":\"processing\"}"))
            .build();
        for (int sent = 0; sent <= PLATFORM_UPDATES_PER_SECOND; sent++) {
            if (http.send(update, HttpResponse.BodyHandlers.discarding()).statusCode() == 429) {
                return;
            }
        }
        throw new AssertionError("the platform never said 429 to the other client");
    }

    /** Status requests' waits for their turn ({@code shipsync_throttle_wait_seconds}). */
    private Timer throttleWait() {
        return metrics.get("shipsync.throttle.wait").tag("store", "default").timer();
    }

    /** 429s to status updates counted ({@code shipsync_platform_rate_limited_total}). */
    private double rateLimited() {
        return metrics.get("shipsync.platform.rate.limited")
            .tag("store", "default")
            .tag("budget", "status-updates")
            .counter()
            .count();
    }

    private static List<UUID> startedOrders(int count) {
        return IntStream.range(0, count).mapToObj(i -> newOrder("started")).toList();
    }

    private static String processingRows(List<UUID> orders) {
        StringBuilder csv = new StringBuilder(StatusDispatchRouteTest.HEADER);
        orders.forEach(order -> csv.append(order).append(",processing,\n"));
        return csv.toString();
    }

    private static void awaitAllProcessed(List<UUID> orders, String stem) {
        List<String> report = awaitReport(stem);
        assertThat(report).filteredOn(line -> line.contains(",processing,applied,")).hasSize(orders.size());
        orders.forEach(order -> assertThat(platform.statusHistory(order)).as("history of %s", order)
            .containsExactly("processing"));
    }

    private static List<RecordedRequest> putsFor(List<UUID> orders) {
        return platform.requests()
            .stream()
            .filter(r -> r.method().equals("PUT") && orders.stream().anyMatch(o -> r.path().contains(o.toString())))
            .toList();
    }

    /**
     * The {@code retry_after} the sandbox sent with a 429: whole seconds, rounded up (at
     * least 1), until the oldest request still counted in its sliding window leaves it.
     * Every PUT that got past authentication and the limiter counts, whoever sent it.
     */
    private static long announcedRetryAfter(List<RecordedRequest> puts, RecordedRequest refused) {
        Instant oldestCounted = puts.stream()
            .filter(put -> put.status() != 429 && put.status() != 401 && !put.dropped())
            .map(RecordedRequest::arrivedAt)
            .filter(at -> !at.isAfter(refused.arrivedAt()) && at.plus(PLATFORM_WINDOW).isAfter(refused.arrivedAt()))
            .min(Instant::compareTo)
            .orElseThrow();
        Duration remaining = Duration.between(refused.arrivedAt(), oldestCounted.plus(PLATFORM_WINDOW));
        long seconds = remaining.getSeconds() + (remaining.getNano() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

}
