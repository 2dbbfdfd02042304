package io.shipsync.cekat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import io.shipsync.EndToEndTest;
import io.shipsync.sandbox.CekatSandbox;
import io.shipsync.sandbox.Fault;
import io.shipsync.sandbox.RecordedRequest;
import io.shipsync.sandbox.RetryAfterCheck;

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
 * A Cekat store end to end: shipment files with a {@code store} column in the inbox, the
 * outbox in H2, real HTTP to {@link CekatSandbox}es. Three stores share one service:
 * <ul>
 * <li>{@value #STORE}: its fake allows far more than shipsync's own 10 a second, so every
 * request the fake records is one shipsync meant to send;</li>
 * <li>{@value #WRONG_KEY_STORE}: a fake of its own, with a key that fake does not know
 * (401);</li>
 * <li>{@value #LIMITED_STORE}: a second fake stricter than shipsync (2 updates per 2 s,
 * without {@code X-RateLimit-*} headers), so only its 429s with {@code Retry-After} hold
 * shipsync back.</li>
 * </ul>
 * Cekat has no order read: an update whose answer was lost is sent again as the same PUT,
 * which sets a state.
 */
class CekatStoreTest extends EndToEndTest {

    static final String STORE = "ck";
    static final String WRONG_KEY_STORE = "ck-wrong-key";
    static final String LIMITED_STORE = "ck-limited";

    static final String KEY = "cekat-e2e-store-key";
    static final String UNKNOWN_KEY = "cekat-e2e-nobody-knows-me";
    static final String LIMITED_KEY = "cekat-e2e-limited-key";

    static final int LIMITED_REQUESTS = 2;
    static final Duration LIMITED_WINDOW = Duration.ofSeconds(2);

    static final String HEADER = "store,order_id,status,tracking_url,courier,awb\n";

    static CekatSandbox cekat;
    static CekatSandbox strictCekat;
    static CekatSandbox refusingCekat;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        configure(registry, 50, 50);
        registry.add("shipsync.status-updates.auth-retry-interval", () -> "1s");

        cekat = CekatSandbox.builder().port(0).updateLimit(1000, Duration.ofSeconds(1)).build().start();
        cekat.addAccount(KEY);
        store(registry, STORE, cekat, KEY);

        // a fake of its own: the paused store's probes must not use up faults injected
        // into the first one
        refusingCekat = CekatSandbox.builder().port(0).build().start();
        refusingCekat.addAccount(KEY);
        store(registry, WRONG_KEY_STORE, refusingCekat, UNKNOWN_KEY);

        strictCekat = CekatSandbox.builder()
            .port(0)
            .updateLimit(LIMITED_REQUESTS, LIMITED_WINDOW)
            .withoutRateLimitHeaders()
            .build()
            .start();
        strictCekat.addAccount(LIMITED_KEY);
        store(registry, LIMITED_STORE, strictCekat, LIMITED_KEY);
    }

    private static void store(DynamicPropertyRegistry registry, String name, CekatSandbox fake, String apiKey) {
        String prefix = "shipsync.stores." + name + ".";
        registry.add(prefix + "platform", () -> "cekat");
        registry.add(prefix + "base-url", fake::baseUrl);
        registry.add(prefix + "api-key", () -> apiKey);
        registry.add(prefix + "status-updates.max-requests", () -> 10);
        registry.add(prefix + "status-updates.period", () -> "1s");
    }

    @AfterAll
    static void stopFakes() {
        cekat.stop();
        strictCekat.stop();
        refusingCekat.stop();
    }

    /**
     * Every test leaves the fake healthy and the working stores' outbox settled, so the
     * next one starts clean.
     */
    @AfterEach
    void settleLeftovers() {
        cekat.clearFaults();
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
    // mapping

    @Test
    void sends_each_status_in_cekat_words_with_tracking_number_and_link() throws IOException {
        String toProcessing = newCekatOrder("paid");
        String toShipped = newCekatOrder("processing");
        String toShippedWithLink = newCekatOrder("processing");
        String toDelivered = newCekatOrder("shipped");
        String toCancelled = newCekatOrder("processing");

        drop("mapping.csv",
                HEADER + STORE + "," + toProcessing + ",processing,,,\n" + STORE + "," + toShipped
                        + ",dispatched,,delhivery,DLVY7272\n" + STORE + "," + toShippedWithLink
                        + ",dispatched,https://courier.example/track?id=XY-9,,\n" + STORE + "," + toDelivered
                        + ",delivered,,,\n" + STORE + "," + toCancelled + ",cancelled,,,\n");

        List<String> report = awaitReport("mapping");
        assertThat(reportLine(report, 2)).startsWith("2," + toProcessing + ",processing,applied,");
        assertThat(reportLine(report, 3)).startsWith("3," + toShipped + ",dispatched,applied,");
        assertThat(reportLine(report, 4)).startsWith("4," + toShippedWithLink + ",dispatched,applied,");
        assertThat(reportLine(report, 5)).startsWith("5," + toDelivered + ",delivered,applied,");
        assertThat(reportLine(report, 6)).startsWith("6," + toCancelled + ",cancelled,applied,");

        assertThat(cekat.order(toProcessing).status()).isEqualTo("processing");
        CekatSandbox.Order shipped = cekat.order(toShipped);
        assertThat(shipped.status()).isEqualTo("shipped");
        assertThat(shipped.trackingNumber()).as("a known courier's AWB").isEqualTo("DLVY7272");
        assertThat(shipped.trackingUrl()).isEqualTo("https://delhivery.com/track/DLVY7272");
        CekatSandbox.Order shippedWithLink = cekat.order(toShippedWithLink);
        assertThat(shippedWithLink.status()).isEqualTo("shipped");
        assertThat(shippedWithLink.trackingNumber()).as("no AWB is made up for an unknown courier").isNull();
        assertThat(shippedWithLink.trackingUrl()).isEqualTo("https://courier.example/track?id=XY-9");
        assertThat(cekat.order(toDelivered).status()).isEqualTo("delivered");
        assertThat(cekat.order(toCancelled).status()).isEqualTo("cancelled");
        for (String order : List.of(toProcessing, toShipped, toShippedWithLink, toDelivered, toCancelled)) {
            assertThat(putsFor(cekat, order)).as("PUTs for %s", order)
                .extracting(RecordedRequest::status)
                .containsExactly(200);
            assertThat(cekat.notifications(order)).as("notifications of %s", order).isEqualTo(1);
        }
    }

    // ------------------------------------------------------------------------------------------
    // failures that pass

    @Test
    void sends_the_same_put_again_when_the_answer_is_lost_and_the_customer_hears_once() throws IOException {
        String order = newCekatOrder("processing");
        cekat.injectFault("PUT", Fault.dropAfterApply(), 1);

        drop("lost-answer.csv", HEADER + STORE + "," + order + ",dispatched,,delhivery,DLVY8383\n");

        assertThat(reportLine(awaitReport("lost-answer"), 2)).startsWith("2," + order + ",dispatched,applied,");
        assertThat(putsFor(cekat, order)).extracting(RecordedRequest::status)
            .containsExactly(RecordedRequest.NO_RESPONSE, 200);
        CekatSandbox.Order now = cekat.order(order);
        assertThat(now.statusHistory()).extracting(CekatSandbox.StatusChange::status)
            .as("the PUT sent again found the order shipped already and changed nothing")
            .containsExactly("processing", "shipped");
        assertThat(cekat.notifications(order)).as("no second message to the customer").isEqualTo(1);
        assertThat(now.trackingNumber()).isEqualTo("DLVY8383");
        assertThat(now.trackingUrl()).isEqualTo("https://delhivery.com/track/DLVY8383");
        assertThat(deadLettersOf(STORE, order)).isZero();
    }

    @Test
    void sends_again_when_the_connection_dropped_before_cekat_applied_the_update() throws IOException {
        String order = newCekatOrder("paid");
        cekat.injectFault("PUT", Fault.dropBeforeApply(), 1);

        drop("dropped-before.csv", HEADER + STORE + "," + order + ",processing,,,\n");

        assertThat(reportLine(awaitReport("dropped-before"), 2)).startsWith("2," + order + ",processing,applied,");
        assertThat(putsFor(cekat, order)).extracting(RecordedRequest::status)
            .containsExactly(RecordedRequest.NO_RESPONSE, 200);
        assertThat(cekat.order(order).statusHistory()).extracting(CekatSandbox.StatusChange::status)
            .containsExactly("paid", "processing");
        assertThat(cekat.notifications(order)).isEqualTo(1);
    }

    @Test
    void retries_after_a_server_error_and_applies_the_update_once() throws IOException {
        String order = newCekatOrder("paid");
        cekat.injectFault("PUT", Fault.serverError(), 1);

        drop("server-error.csv", HEADER + STORE + "," + order + ",processing,,,\n");

        assertThat(reportLine(awaitReport("server-error"), 2)).startsWith("2," + order + ",processing,applied,");
        assertThat(putsFor(cekat, order)).extracting(RecordedRequest::status).containsExactly(500, 200);
        assertThat(cekat.order(order).status()).isEqualTo("processing");
        assertThat(cekat.notifications(order)).isEqualTo(1);
        assertThat(deadLettersOf(STORE, order)).isZero();
    }

    @Test
    void waits_as_long_as_retry_after_says_when_cekat_is_stricter_than_shipsync() throws IOException {
        List<String> orders = IntStream.range(0, 6).mapToObj(i -> {
            String id = "order_lim" + UUID.randomUUID().toString().substring(0, 8);
            strictCekat.addOrder(LIMITED_KEY, id, "paid");
            return id;
        }).toList();
        StringBuilder csv = new StringBuilder(HEADER);
        orders.forEach(order -> csv.append(LIMITED_STORE).append(",").append(order).append(",processing,,,\n"));

        drop("stricter.csv", csv.toString());

        List<String> report = awaitReport("stricter");
        for (int i = 0; i < orders.size(); i++) {
            assertThat(reportLine(report, i + 2)).startsWith((i + 2) + "," + orders.get(i) + ",processing,applied,");
            assertThat(strictCekat.notifications(orders.get(i))).isEqualTo(1);
        }
        assertThat(deadLettersOf(LIMITED_STORE, orders.toArray(String[]::new))).isZero();
        RetryAfterCheck.assertRetryAfterHonoured(strictCekat.requests(), LIMITED_WINDOW);
    }

    // ------------------------------------------------------------------------------------------
    // 401

    @Test
    void pauses_the_store_whose_key_cekat_refuses_and_keeps_its_updates_pending() throws Exception {
        String order = "order_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        refusingCekat.addOrder(KEY, order, "paid");

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
        assertThat(putsFor(refusingCekat, order)).isNotEmpty()
            .allSatisfy(put -> assertThat(put.status()).isEqualTo(401));
        assertThat(refusingCekat.order(order).status()).isEqualTo("paid");
        assertThat(reportOf("wrong-key")).as("the row is not settled, so its file has no report yet").doesNotExist();
    }

    // ------------------------------------------------------------------------------------------
    // dead letters

    @Test
    void dead_letters_an_update_of_an_order_cekat_does_not_have_with_its_reason() throws IOException {
        String unknown = "order_missing" + UUID.randomUUID().toString().substring(0, 8);

        drop("unknown-order.csv", HEADER + STORE + "," + unknown + ",processing,,,\n");

        assertThat(reportLine(awaitReport("unknown-order"), 2)).startsWith("2," + unknown + ",processing,dead-letter,")
            .contains("Order not found");
        assertThat(deadLetterReason(STORE, unknown)).contains("Order not found");
        assertThat(putsFor(cekat, unknown)).extracting(RecordedRequest::status).containsExactly(404);
    }

    @Test
    void dead_letters_an_update_cekat_refuses_for_a_cancelled_order_and_never_retries_it() throws IOException {
        String cancelled = newCekatOrder("cancelled");

        drop("cancelled-order.csv", HEADER + STORE + "," + cancelled + ",processing,,,\n");

        assertThat(reportLine(awaitReport("cancelled-order"), 2))
            .startsWith("2," + cancelled + ",processing,dead-letter,")
            .contains("Order is cancelled; its status cannot change to processing");
        assertThat(deadLetterReason(STORE, cancelled))
            .contains("Order is cancelled; its status cannot change to processing");
        await().during(Duration.ofMillis(1500))
            .atMost(Duration.ofSeconds(3))
            .until(() -> putsFor(cekat, cancelled).size() == 1);
        assertThat(putsFor(cekat, cancelled)).extracting(RecordedRequest::status).containsExactly(409);
        assertThat(cekat.order(cancelled).status()).isEqualTo("cancelled");
        assertThat(cekat.notifications(cancelled)).isZero();
    }

    // ------------------------------------------------------------------------------------------
    // helpers

    /** A new order of the store's account, with an id in Cekat's form. */
    static String newCekatOrder(String status) {
        String id = "order_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        cekat.addOrder(KEY, id, status);
        return id;
    }

    static List<RecordedRequest> putsFor(CekatSandbox fake, String order) {
        return fake.requests()
            .stream()
            .filter(r -> r.method().equals("PUT") && r.path().equals("/api/orders/" + order))
            .toList();
    }

    private long pendingOf(String store) {
        return jdbc
            .sql("SELECT COUNT(*) FROM status_update WHERE store_key = :store AND state IN ('PENDING', 'SENDING')")
            .param("store", store)
            .query(Long.class)
            .single();
    }

    private String stateOf(String store, String order) {
        return jdbc
            .sql("SELECT state FROM status_update WHERE store_key = :store AND order_id = :id ORDER BY id DESC LIMIT 1")
            .param("store", store)
            .param("id", order)
            .query(String.class)
            .single();
    }

    private long deadLettersOf(String store, String... orders) {
        return jdbc.sql("SELECT COUNT(*) FROM dead_letter WHERE store_key = :store AND order_id IN (:ids)")
            .param("store", store)
            .param("ids", List.of(orders))
            .query(Long.class)
            .single();
    }

    private String deadLetterReason(String store, String order) {
        Map<String, Object> row = jdbc.sql("SELECT reason FROM dead_letter WHERE store_key = :store AND order_id = :id")
            .param("store", store)
            .param("id", order)
            .query()
            .singleRow();
        return (String) row.get("reason");
    }

}
