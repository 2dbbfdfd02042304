package io.shipsync.tybrite;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import io.shipsync.EndToEndTest;
import io.shipsync.sandbox.Fault;
import io.shipsync.sandbox.RecordedRequest;
import io.shipsync.sandbox.RetryAfterCheck;
import io.shipsync.sandbox.TybriteSandbox;

import com.fasterxml.jackson.databind.JsonNode;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Tybrite Labs store end to end: shipment files with a {@code store} column in the
 * inbox, the outbox in H2, real signed HTTP to {@link TybriteSandbox}es. Three stores
 * share one service:
 * <ul>
 * <li>{@value #STORE}: its fake allows far more than shipsync's own 10 a second, so every
 * request the fake records is one shipsync meant to send;</li>
 * <li>{@value #WRONG_KEY_STORE}: a fake of its own, with a secret key that fake does not
 * know (401);</li>
 * <li>{@value #LIMITED_STORE}: a second fake stricter than shipsync (2 updates per 2 s,
 * without {@code X-RateLimit-*} headers), so only its 429s with {@code Retry-After} hold
 * shipsync back.</li>
 * </ul>
 * Tybrite has no order read: an update whose answer was lost is sent again with the same
 * idempotency key and body.
 */
class TybriteStoreTest extends EndToEndTest {

    static final String STORE = "tb";
    static final String WRONG_KEY_STORE = "tb-wrong-key";
    static final String LIMITED_STORE = "tb-limited";

    static final String SECRET_KEY = "tybrite_sk_test_e2e0store";
    static final String HMAC_SECRET = "tybrite-e2e-hmac-secret";
    static final String UNKNOWN_KEY = "tybrite_sk_test_nobodyknowsme";
    static final String LIMITED_KEY = "tybrite_sk_test_e2e0limited";
    static final String LIMITED_HMAC_SECRET = "tybrite-e2e-limited-hmac";

    static final int LIMITED_REQUESTS = 2;
    static final Duration LIMITED_WINDOW = Duration.ofSeconds(2);

    static final String HEADER = "store,order_id,status,tracking_url,courier,awb\n";

    static TybriteSandbox tybrite;
    static TybriteSandbox strictTybrite;
    static TybriteSandbox refusingTybrite;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        configure(registry, 50, 50);
        registry.add("shipsync.status-updates.auth-retry-interval", () -> "1s");

        tybrite = TybriteSandbox.builder().port(0).updateLimit(1000, Duration.ofSeconds(1)).build().start();
        tybrite.addAccount(SECRET_KEY, HMAC_SECRET);
        store(registry, STORE, tybrite, SECRET_KEY, HMAC_SECRET);

        // a fake of its own: the paused store's probes must not use up faults injected
        // into the first one
        refusingTybrite = TybriteSandbox.builder().port(0).build().start();
        refusingTybrite.addAccount(SECRET_KEY, HMAC_SECRET);
        store(registry, WRONG_KEY_STORE, refusingTybrite, UNKNOWN_KEY, HMAC_SECRET);

        strictTybrite = TybriteSandbox.builder()
            .port(0)
            .updateLimit(LIMITED_REQUESTS, LIMITED_WINDOW)
            .withoutRateLimitHeaders()
            .build()
            .start();
        strictTybrite.addAccount(LIMITED_KEY, LIMITED_HMAC_SECRET);
        store(registry, LIMITED_STORE, strictTybrite, LIMITED_KEY, LIMITED_HMAC_SECRET);
    }

    private static void store(DynamicPropertyRegistry registry, String name, TybriteSandbox fake, String apiKey,
            String hmacSecret) {
        String prefix = "shipsync.stores." + name + ".";
        registry.add(prefix + "platform", () -> "tybrite");
        registry.add(prefix + "base-url", fake::baseUrl);
        registry.add(prefix + "api-key", () -> apiKey);
        registry.add(prefix + "hmac-secret", () -> hmacSecret);
        registry.add(prefix + "status-updates.max-requests", () -> 10);
        registry.add(prefix + "status-updates.period", () -> "1s");
    }

    @AfterAll
    static void stopFakes() {
        tybrite.stop();
        strictTybrite.stop();
        refusingTybrite.stop();
    }

    /**
     * Every test leaves the fake healthy and the working stores' outbox settled, so the
     * next one starts clean.
     */
    @AfterEach
    void settleLeftovers() {
        tybrite.clearFaults();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> pendingOf(STORE) + pendingOf(LIMITED_STORE) == 0);
        }
        catch (ConditionTimeoutException stuck) {
            // the test has failed already; keep its leftovers from disturbing the next
            // test
            jdbc.sql("UPDATE status_update SET state = 'REJECTED', detail = 'abandoned by test clean-up' "
                    + "WHERE state IN ('PENDING', 'SENDING') AND store_key <> :paused")
                .param("paused", WRONG_KEY_STORE)
                .update();
        }
    }

    // ------------------------------------------------------------------------------------------
    // mapping and signing

    @Test
    void sends_each_status_in_tybrite_words_with_tracking_number_and_times() throws IOException {
        UUID toProcessing = newTybriteOrder("pending");
        UUID toShipped = newTybriteOrder("processing");
        UUID toShippedWithLink = newTybriteOrder("processing");
        UUID toDelivered = newTybriteOrder("shipped");
        UUID toCancelled = newTybriteOrder("processing");
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        drop("mapping.csv",
                HEADER + STORE + "," + toProcessing + ",processing,,,\n" + STORE + "," + toShipped
                        + ",dispatched,,delhivery,DLVY4242\n" + STORE + "," + toShippedWithLink
                        + ",dispatched,https://courier.example/track?id=XY-9,,\n" + STORE + "," + toDelivered
                        + ",delivered,,,\n" + STORE + "," + toCancelled + ",cancelled,,,\n");

        List<String> report = awaitReport("mapping");
        assertThat(reportLine(report, 2)).startsWith("2," + toProcessing + ",processing,applied,");
        assertThat(reportLine(report, 3)).startsWith("3," + toShipped + ",dispatched,applied,");
        assertThat(reportLine(report, 4)).startsWith("4," + toShippedWithLink + ",dispatched,applied,");
        assertThat(reportLine(report, 5)).startsWith("5," + toDelivered + ",delivered,applied,");
        assertThat(reportLine(report, 6)).startsWith("6," + toCancelled + ",cancelled,applied,");
        Instant after = Instant.now();

        assertThat(tybrite.order(toProcessing).orderStatus()).isEqualTo("processing");
        TybriteSandbox.Order shipped = tybrite.order(toShipped);
        assertThat(shipped.orderStatus()).isEqualTo("shipped");
        assertThat(shipped.trackingNumber()).as("a known courier's link is sent as its AWB").isEqualTo("DLVY4242");
        assertThat(shipped.shippedAt()).isBetween(before, after);
        TybriteSandbox.Order shippedWithLink = tybrite.order(toShippedWithLink);
        assertThat(shippedWithLink.orderStatus()).isEqualTo("shipped");
        assertThat(shippedWithLink.trackingNumber()).as("an unknown courier's link is sent as it is")
            .isEqualTo("https://courier.example/track?id=XY-9");
        TybriteSandbox.Order delivered = tybrite.order(toDelivered);
        assertThat(delivered.orderStatus()).isEqualTo("delivered");
        assertThat(delivered.deliveredAt()).isBetween(before, after);
        assertThat(tybrite.order(toCancelled).orderStatus()).isEqualTo("cancelled");
        for (UUID order : List.of(toProcessing, toShipped, toShippedWithLink, toDelivered, toCancelled)) {
            assertThat(tybrite.notifications(order)).as("notifications of %s", order).isEqualTo(1);
        }
    }

    @Test
    void signs_every_request_so_tybrite_applies_each_status_with_one_request() throws IOException {
        UUID order = newTybriteOrder("pending");

        drop("signed-1.csv", HEADER + STORE + "," + order + ",processing,,,\n");
        assertThat(reportLine(awaitReport("signed-1"), 2)).startsWith("2," + order + ",processing,applied,");
        drop("signed-2.csv", HEADER + STORE + "," + order + ",dispatched,,delhivery,DLVY5151\n");
        assertThat(reportLine(awaitReport("signed-2"), 2)).startsWith("2," + order + ",dispatched,applied,");

        // an unsigned or wrongly signed request is a 401 at the fake: one 200 per status
        // proves the signature held
        assertThat(patchesFor(tybrite, order)).extracting(RecordedRequest::status).containsExactly(200, 200);
        assertThat(tybrite.order(order).orderStatus()).isEqualTo("shipped");
        assertThat(tybrite.notifications(order)).isEqualTo(2);
    }

    // ------------------------------------------------------------------------------------------
    // failures that pass

    @Test
    void sends_the_same_request_again_when_the_answer_is_lost_and_tybrite_replays_it_without_a_second_email()
            throws IOException {
        UUID order = newTybriteOrder("processing");
        tybrite.injectFault("PATCH", Fault.dropAfterApply(), 1);

        drop("lost-answer.csv", HEADER + STORE + "," + order + ",dispatched,,delhivery,DLVY6161\n");

        assertThat(reportLine(awaitReport("lost-answer"), 2)).startsWith("2," + order + ",dispatched,applied,");
        assertThat(patchesFor(tybrite, order)).extracting(RecordedRequest::status)
            .containsExactly(RecordedRequest.NO_RESPONSE, 200);
        assertThat(tybrite.replayedIdempotencyKeys())
            .as("the retry carried the first request's Idempotency-Key and body, so the fake answered it as a replay")
            .filteredOn(key -> key.contains(order.toString()))
            .singleElement()
            .satisfies(key -> assertThat(key).startsWith("update-shipped-" + order + "-"));
        assertThat(tybrite.notifications(order)).as("no second email to the customer").isEqualTo(1);
        assertThat(tybrite.order(order).trackingNumber()).isEqualTo("DLVY6161");
        assertThat(deadLettersOf(STORE, order)).isZero();
    }

    @Test
    void sends_again_when_the_connection_dropped_before_tybrite_applied_the_update() throws IOException {
        UUID order = newTybriteOrder("pending");
        tybrite.injectFault("PATCH", Fault.dropBeforeApply(), 1);

        drop("dropped-before.csv", HEADER + STORE + "," + order + ",processing,,,\n");

        assertThat(reportLine(awaitReport("dropped-before"), 2)).startsWith("2," + order + ",processing,applied,");
        assertThat(patchesFor(tybrite, order)).extracting(RecordedRequest::status)
            .containsExactly(RecordedRequest.NO_RESPONSE, 200);
        assertThat(tybrite.replayedIdempotencyKeys()).noneMatch(key -> key.contains(order.toString()));
        assertThat(tybrite.order(order).orderStatus()).isEqualTo("processing");
        assertThat(tybrite.notifications(order)).isEqualTo(1);
    }

    @Test
    void retries_after_a_server_error_and_applies_the_update_once() throws IOException {
        UUID order = newTybriteOrder("pending");
        tybrite.injectFault("PATCH", Fault.serverError(), 1);

        drop("server-error.csv", HEADER + STORE + "," + order + ",processing,,,\n");

        assertThat(reportLine(awaitReport("server-error"), 2)).startsWith("2," + order + ",processing,applied,");
        assertThat(patchesFor(tybrite, order)).extracting(RecordedRequest::status).containsExactly(500, 200);
        assertThat(tybrite.order(order).orderStatus()).isEqualTo("processing");
        assertThat(tybrite.notifications(order)).isEqualTo(1);
        assertThat(deadLettersOf(STORE, order)).isZero();
    }

    @Test
    void waits_as_long_as_retry_after_says_when_tybrite_is_stricter_than_shipsync() throws IOException {
        List<UUID> orders = IntStream.range(0, 6).mapToObj(i -> {
            UUID id = UUID.randomUUID();
            strictTybrite.addOrder(LIMITED_KEY, id, "pending");
            return id;
        }).toList();
        StringBuilder csv = new StringBuilder(HEADER);
        orders.forEach(order -> csv.append(LIMITED_STORE).append(",").append(order).append(",processing,,,\n"));

        drop("stricter.csv", csv.toString());

        List<String> report = awaitReport("stricter");
        for (int i = 0; i < orders.size(); i++) {
            assertThat(reportLine(report, i + 2)).startsWith((i + 2) + "," + orders.get(i) + ",processing,applied,");
            assertThat(strictTybrite.notifications(orders.get(i))).isEqualTo(1);
        }
        assertThat(deadLettersOf(LIMITED_STORE, orders.toArray(UUID[]::new))).isZero();
        RetryAfterCheck.assertRetryAfterHonoured(strictTybrite.requests(), LIMITED_WINDOW);
    }

    // ------------------------------------------------------------------------------------------
    // 401

    @Test
    void pauses_the_store_whose_key_tybrite_refuses_and_keeps_its_updates_pending() throws Exception {
        UUID order = UUID.randomUUID();
        refusingTybrite.addOrder(SECRET_KEY, order, "pending");

        drop("wrong-key.csv", HEADER + WRONG_KEY_STORE + "," + order + ",processing,,,\n");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode dispatch = health().path("components").path("statusDispatch");
            assertThat(dispatch.path("status").asText()).as("the service stays up for the other stores")
                .isEqualTo("UP");
            assertThat(dispatch.path("details").path(WRONG_KEY_STORE).path("paused").asText())
                .contains("Invalid API key");
            assertThat(dispatch.path("details").has(STORE)).as("the other store is not paused").isFalse();
        });
        // the paused store probes the key once per auth-retry-interval: SENDING while a
        // probe is out, PENDING after it
        await().during(Duration.ofSeconds(2))
            .atMost(Duration.ofSeconds(4))
            .until(() -> List.of("PENDING", "SENDING").contains(stateOf(WRONG_KEY_STORE, order))
                    && deadLettersOf(WRONG_KEY_STORE, order) == 0);
        await().atMost(Duration.ofSeconds(3)).until(() -> stateOf(WRONG_KEY_STORE, order).equals("PENDING"));
        assertThat(patchesFor(refusingTybrite, order)).isNotEmpty()
            .allSatisfy(patch -> assertThat(patch.status()).isEqualTo(401));
        assertThat(refusingTybrite.order(order).orderStatus()).isEqualTo("pending");
        assertThat(reportOf("wrong-key")).as("the row is not settled, so its file has no report yet").doesNotExist();
    }

    // ------------------------------------------------------------------------------------------
    // dead letters

    @Test
    void dead_letters_an_update_of_an_order_tybrite_does_not_have_with_its_reason() throws IOException {
        UUID unknown = UUID.randomUUID();

        drop("unknown-order.csv", HEADER + STORE + "," + unknown + ",processing,,,\n");

        assertThat(reportLine(awaitReport("unknown-order"), 2)).startsWith("2," + unknown + ",processing,dead-letter,")
            .contains("Order not found");
        assertThat(deadLetterReason(STORE, unknown)).contains("Order not found");
        assertThat(patchesFor(tybrite, unknown)).extracting(RecordedRequest::status).containsExactly(404);
    }

    @Test
    void dead_letters_an_update_tybrite_refuses_for_a_cancelled_order_and_never_retries_it() throws IOException {
        UUID cancelled = newTybriteOrder("cancelled");

        drop("cancelled-order.csv", HEADER + STORE + "," + cancelled + ",processing,,,\n");

        assertThat(reportLine(awaitReport("cancelled-order"), 2))
            .startsWith("2," + cancelled + ",processing,dead-letter,")
            .contains("Order is already cancelled; its order_status cannot change to processing");
        assertThat(deadLetterReason(STORE, cancelled))
            .contains("Order is already cancelled; its order_status cannot change to processing");
        await().during(Duration.ofMillis(1500))
            .atMost(Duration.ofSeconds(3))
            .until(() -> patchesFor(tybrite, cancelled).size() == 1);
        assertThat(patchesFor(tybrite, cancelled)).extracting(RecordedRequest::status).containsExactly(409);
        assertThat(tybrite.order(cancelled).orderStatus()).isEqualTo("cancelled");
        assertThat(tybrite.notifications(cancelled)).isZero();
    }

    // ------------------------------------------------------------------------------------------
    // helpers

    static UUID newTybriteOrder(String status) {
        UUID id = UUID.randomUUID();
        tybrite.addOrder(SECRET_KEY, id, status);
        return id;
    }

    static List<RecordedRequest> patchesFor(TybriteSandbox fake, UUID order) {
        return fake.requests()
            .stream()
            .filter(r -> r.method().equals("PATCH") && r.path().equals("/v1/orders/" + order))
            .toList();
    }

    private long pendingOf(String store) {
        return jdbc
            .sql("SELECT COUNT(*) FROM status_update WHERE store_key = :store AND state IN ('PENDING', 'SENDING')")
            .param("store", store)
            .query(Long.class)
            .single();
    }

    private String stateOf(String store, UUID order) {
        return jdbc
            .sql("SELECT state FROM status_update WHERE store_key = :store AND order_id = :id ORDER BY id DESC LIMIT 1")
            .param("store", store)
            .param("id", order.toString())
            .query(String.class)
            .single();
    }

    private long deadLettersOf(String store, UUID... orders) {
        return jdbc.sql("SELECT COUNT(*) FROM dead_letter WHERE store_key = :store AND order_id IN (:ids)")
            .param("store", store)
            .param("ids", List.of(orders).stream().map(UUID::toString).toList())
            .query(Long.class)
            .single();
    }

    private String deadLetterReason(String store, UUID order) {
        Map<String, Object> row = jdbc.sql("SELECT reason FROM dead_letter WHERE store_key = :store AND order_id = :id")
            .param("store", store)
            .param("id", order.toString())
            .query()
            .singleRow();
        return (String) row.get("reason");
    }

}
