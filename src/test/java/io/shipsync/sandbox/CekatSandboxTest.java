package io.shipsync.sandbox;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class CekatSandboxTest {

    private static final String KEY = "cekat-test-key-0001";

    private static final String OTHER_KEY = "cekat-test-key-0002";

    private static final String PENDING = "order_pending01";

    private static final String PAID = "order_paid01";

    private static final String PROCESSING = "order_processing01";

    private static final String SHIPPED = "order_shipped01";

    private static final String DELIVERED = "order_delivered01";

    private static final String CANCELLED = "order_cancelled01";

    private static final String REFUNDED = "order_refunded01";

    private static final String FOREIGN = "order_foreign01";

    private static final Instant START = Instant.parse("2025-03-27T15:00:00Z");

    private static final String SHIP = """
            {"status": "shipped", "tracking_number": "TRK123456789",
             "tracking_url": "https://tracking.example.com/TRK123456789"}""";

    private final ObjectMapper mapper = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final ManualClock clock = new ManualClock(START);

    private CekatSandbox sandbox;

    @AfterEach
    void stopSandbox() {
        if (sandbox != null) {
            sandbox.stop();
        }
    }

    // ------------------------------------------------------------------ updates

    @Test
    void a_put_applies_the_fields_and_answers_the_order_in_the_success_envelope() throws Exception {
        start(b -> b);
        clock.advance(Duration.ofMinutes(30));

        HttpResponse<String> response = put(PROCESSING, KEY, SHIP);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode answer = json(response);
        assertThat(answer.fieldNames()).toIterable().containsExactly("success", "data");
        assertThat(answer.get("success").asBoolean()).isTrue();
        JsonNode data = answer.get("data");
        assertThat(data.fieldNames()).toIterable()
            .containsExactly("id", "order_number", "status", "tracking_number", "tracking_url", "notes", "updated_at",
                    "status_history");
        assertThat(data.get("id").asText()).isEqualTo(PROCESSING);
        assertThat(data.get("order_number").asText()).matches("ORD-2025-0327-\\d{3}");
        assertThat(data.get("status").asText()).isEqualTo("shipped");
        assertThat(data.get("tracking_number").asText()).isEqualTo("TRK123456789");
        assertThat(data.get("tracking_url").asText()).isEqualTo("https://tracking.example.com/TRK123456789");
        assertThat(data.get("notes").isNull()).isTrue();
        assertThat(data.get("updated_at").asText()).isEqualTo("2025-03-27T15:30:00Z");
        assertThat(mapper.writeValueAsString(data.get("status_history")))
            .isEqualTo("[{\"status\":\"processing\",\"timestamp\":\"2025-03-27T15:00:00Z\"},"
                    + "{\"status\":\"shipped\",\"timestamp\":\"2025-03-27T15:30:00Z\"}]");
        CekatSandbox.Order order = sandbox.order(PROCESSING);
        assertThat(order.status()).isEqualTo("shipped");
        assertThat(order.trackingNumber()).isEqualTo("TRK123456789");
        assertThat(order.trackingUrl()).isEqualTo("https://tracking.example.com/TRK123456789");
        assertThat(order.notifications()).isEqualTo(1);
    }

    @Test
    void fields_left_out_are_kept() throws Exception {
        start(b -> b);
        put(PROCESSING, KEY, SHIP);

        JsonNode data = json(put(PROCESSING, KEY, "{\"notes\": \"Left at reception\"}")).get("data");

        assertThat(data.get("status").asText()).isEqualTo("shipped");
        assertThat(data.get("tracking_number").asText()).isEqualTo("TRK123456789");
        assertThat(data.get("notes").asText()).isEqualTo("Left at reception");
        assertThat(sandbox.order(PROCESSING).notes()).isEqualTo("Left at reception");
        assertThat(sandbox.notifications(PROCESSING)).isEqualTo(1);
    }

    @Test
    void metadata_is_merged_into_what_the_order_has() throws Exception {
        start(b -> b);
        put(PAID, KEY, "{\"metadata\": {\"gift_wrap\": true, \"gift_message\": \"Happy Birthday!\"}}");

        put(PAID, KEY, "{\"metadata\": {\"gift_message\": \"Happy Anniversary!\", \"channel\": \"whatsapp\"}}");
        put(PAID, KEY, "{\"metadata\": {\"channel\": null}}");

        assertThat(sandbox.order(PAID).metadata())
            .isEqualTo(Map.of("gift_wrap", true, "gift_message", "Happy Anniversary!"));
        assertThat(sandbox.notifications(PAID)).isZero();
    }

    @Test
    void a_status_outside_the_seven_answers_400_and_changes_nothing() throws Exception {
        start(b -> b);

        assertError(put(PAID, KEY, "{\"status\": \"dispatched\"}"), 400, "invalid_request",
                "status must be one of: pending, paid, processing, shipped, delivered, cancelled, refunded");
        assertError(put(PAID, KEY, "{\"status\": null}"), 400, "invalid_request",
                "status must be one of: pending, paid, processing, shipped, delivered, cancelled, refunded");
        assertError(put(PAID, KEY, "{\"status\": \"SHIPPED\"}"), 400, "invalid_request",
                "status must be one of: pending, paid, processing, shipped, delivered, cancelled, refunded");

        assertThat(sandbox.order(PAID).status()).isEqualTo("paid");
        assertThat(sandbox.order(PAID).statusHistory()).hasSize(1);
    }

    @Test
    void a_body_that_is_not_a_json_object_or_has_badly_typed_fields_answers_400() throws Exception {
        start(b -> b);

        assertError(put(PAID, KEY, "{\"status\": "), 400, "invalid_request", "Request body must be a JSON object");
        assertError(put(PAID, KEY, "\"shipped\""), 400, "invalid_request", "Request body must be a JSON object");
        assertError(put(PAID, KEY, "{\"tracking_url\": 7}"), 400, "invalid_request", "tracking_url must be a string");
        assertError(put(PAID, KEY, "{\"metadata\": [1]}"), 400, "invalid_request", "metadata must be an object");
        assertError(put(PAID, KEY, "{\"shipping_address\": \"Jl. Sudirman 1\"}"), 400, "invalid_request",
                "shipping_address must be an object");

        assertThat(sandbox.order(PAID).trackingUrl()).isNull();
    }

    @Test
    void an_unknown_order_and_an_order_of_another_account_answer_404() throws Exception {
        start(b -> b);

        assertError(put("order_nope", KEY, SHIP), 404, "not_found", "Order not found");
        assertError(put(FOREIGN, KEY, SHIP), 404, "not_found", "Order not found");

        assertThat(sandbox.order(FOREIGN).status()).isEqualTo("processing");
    }

    @Test
    void other_paths_answer_404_and_other_methods_405() throws Exception {
        start(b -> b);

        assertError(send("PUT", "/api/orders", KEY, SHIP), 404, "not_found", "Not found");
        assertError(send("PUT", "/api/orders/" + PAID + "/status", KEY, SHIP), 404, "not_found", "Not found");
        assertError(send("GET", "/", null, null), 404, "not_found", "Not found");
        HttpResponse<String> patch = send("PATCH", "/api/orders/" + PAID, KEY, SHIP);
        assertError(patch, 405, "method_not_allowed", "Method not allowed");
        assertThat(patch.headers().firstValue("Allow")).hasValue("PUT");
        assertError(send("GET", "/api/orders/" + PAID, KEY, null), 405, "method_not_allowed", "Method not allowed");
    }

    // ------------------------------------------------------------------ status flow and
    // notifications

    @Test
    void each_step_of_the_flow_appends_history_and_notifies_once() throws Exception {
        start(b -> b);

        for (String status : List.of("paid", "processing", "shipped", "delivered")) {
            clock.advance(Duration.ofMinutes(30));
            assertThat(put(PENDING, KEY, "{\"status\": \"" + status + "\"}").statusCode()).isEqualTo(200);
        }

        assertThat(sandbox.order(PENDING).statusHistory()).containsExactly(
                new CekatSandbox.StatusChange("pending", START),
                new CekatSandbox.StatusChange("paid", START.plus(Duration.ofMinutes(30))),
                new CekatSandbox.StatusChange("processing", START.plus(Duration.ofMinutes(60))),
                new CekatSandbox.StatusChange("shipped", START.plus(Duration.ofMinutes(90))),
                new CekatSandbox.StatusChange("delivered", START.plus(Duration.ofMinutes(120))));
        assertThat(sandbox.notifications(PENDING)).isEqualTo(4);
    }

    @Test
    void setting_the_current_status_again_adds_no_history_and_notifies_nobody() throws Exception {
        start(b -> b);
        put(PROCESSING, KEY, SHIP);
        clock.advance(Duration.ofMinutes(5));

        HttpResponse<String> again = put(PROCESSING, KEY, SHIP);

        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again).at("/data/status_history")).hasSize(2);
        assertThat(json(again).at("/data/updated_at").asText()).isEqualTo("2025-03-27T15:05:00Z");
        assertThat(sandbox.order(PROCESSING).statusHistory()).extracting(CekatSandbox.StatusChange::status)
            .containsExactly("processing", "shipped");
        assertThat(sandbox.notifications(PROCESSING)).isEqualTo(1);
    }

    @Test
    void skipping_forward_in_the_flow_is_allowed() throws Exception {
        start(b -> b);

        assertThat(put(PROCESSING, KEY, "{\"status\": \"delivered\"}").statusCode()).isEqualTo(200);
        assertThat(put(PENDING, KEY, "{\"status\": \"shipped\"}").statusCode()).isEqualTo(200);

        assertThat(sandbox.order(PROCESSING).statusHistory()).extracting(CekatSandbox.StatusChange::status)
            .containsExactly("processing", "delivered");
        assertThat(sandbox.notifications(PENDING)).isEqualTo(1);
    }

    @Test
    void moving_back_in_the_flow_answers_409_and_changes_nothing() throws Exception {
        start(b -> b);

        assertError(put(SHIPPED, KEY, "{\"status\": \"processing\", \"notes\": \"oops\"}"), 409, "invalid_transition",
                "Order is shipped; its status cannot move back to processing");
        assertError(put(DELIVERED, KEY, "{\"status\": \"pending\"}"), 409, "invalid_transition",
                "Order is delivered; its status cannot move back to pending");

        CekatSandbox.Order shipped = sandbox.order(SHIPPED);
        assertThat(shipped.status()).isEqualTo("shipped");
        assertThat(shipped.notes()).isNull();
        assertThat(shipped.statusHistory()).hasSize(1);
        assertThat(shipped.notifications()).isZero();
    }

    @Test
    void cancelled_and_refunded_are_reachable_from_any_status() throws Exception {
        start(b -> b);

        assertThat(put(PENDING, KEY, "{\"status\": \"cancelled\", \"notes\": \"Customer request\"}").statusCode())
            .isEqualTo(200);
        assertThat(put(DELIVERED, KEY, "{\"status\": \"refunded\"}").statusCode()).isEqualTo(200);
        // the reference: "to cancelled or refunded from any status", so also from each
        // other
        assertThat(put(CANCELLED, KEY, "{\"status\": \"refunded\"}").statusCode()).isEqualTo(200);

        assertThat(sandbox.order(PENDING).status()).isEqualTo("cancelled");
        assertThat(sandbox.order(DELIVERED).status()).isEqualTo("refunded");
        assertThat(sandbox.order(CANCELLED).statusHistory()).extracting(CekatSandbox.StatusChange::status)
            .containsExactly("cancelled", "refunded");
        assertThat(sandbox.notifications(CANCELLED)).isEqualTo(1);
    }

    @Test
    void a_cancelled_or_refunded_order_cannot_return_to_the_flow_409() throws Exception {
        start(b -> b);

        assertError(put(CANCELLED, KEY, "{\"status\": \"processing\"}"), 409, "invalid_transition",
                "Order is cancelled; its status cannot change to processing");
        assertError(put(REFUNDED, KEY, "{\"status\": \"delivered\"}"), 409, "invalid_transition",
                "Order is refunded; its status cannot change to delivered");

        assertThat(sandbox.order(CANCELLED).status()).isEqualTo("cancelled");
        assertThat(sandbox.order(REFUNDED).status()).isEqualTo("refunded");
        assertThat(sandbox.notifications(CANCELLED)).isZero();
    }

    @Test
    void a_cancelled_order_still_takes_its_own_status_and_notes() throws Exception {
        start(b -> b);

        HttpResponse<String> response = put(CANCELLED, KEY,
                "{\"status\": \"cancelled\", \"notes\": \"Customer requested cancellation - refund processed\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sandbox.order(CANCELLED).notes()).isEqualTo("Customer requested cancellation - refund processed");
        assertThat(sandbox.order(CANCELLED).statusHistory()).hasSize(1);
        assertThat(sandbox.notifications(CANCELLED)).isZero();
    }

    // ------------------------------------------------------------------ authentication

    @Test
    void a_request_without_a_key_answers_401() throws Exception {
        start(b -> b);

        assertError(put(PAID, null, SHIP), 401, "unauthorized", "Missing API key");
        assertError(send("PUT", "/api/orders/" + PAID, "   ", SHIP), 401, "unauthorized", "Missing API key");
        assertThat(sandbox.order(PAID).status()).isEqualTo("paid");
    }

    @Test
    void an_unknown_key_answers_401_and_uses_no_budget() throws Exception {
        start(b -> b.updateLimit(1, Duration.ofMinutes(1)));

        HttpResponse<String> refused = put(PAID, "cekat-nope", SHIP);
        put(PAID, null, SHIP);

        assertError(refused, 401, "unauthorized", "Invalid API key");
        assertThat(refused.headers().firstValue("X-RateLimit-Limit")).isEmpty();
        HttpResponse<String> first = put(PAID, KEY, SHIP);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
    }

    // ------------------------------------------------------------------ rate limit

    @Test
    void the_eleventh_update_within_a_minute_answers_429_with_retry_after() throws Exception {
        start(b -> b);
        for (int i = 0; i < 10; i++) {
            assertThat(put(PAID, KEY, "{\"status\": \"paid\"}").statusCode()).isEqualTo(200);
            clock.advance(Duration.ofSeconds(3));
        }

        HttpResponse<String> limited = put(PAID, KEY, "{\"status\": \"paid\"}");

        assertError(limited, 429, "rate_limited", "Rate limit exceeded; retry in 30 seconds");
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("30");
        assertThat(limited.headers().firstValue("X-RateLimit-Limit")).hasValue("10");
        assertThat(limited.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
    }

    @Test
    void a_429_uses_no_budget_and_a_slot_frees_when_the_oldest_update_leaves_the_window() throws Exception {
        start(b -> b.updateLimit(2, Duration.ofSeconds(10)));
        put(PAID, KEY, "{}");
        clock.advance(Duration.ofSeconds(4));
        put(PAID, KEY, "{}");
        for (int i = 0; i < 5; i++) {
            assertThat(put(PAID, KEY, "{}").statusCode()).isEqualTo(429);
        }

        clock.advance(Duration.ofSeconds(5));
        assertThat(put(PAID, KEY, "{}").headers().firstValue("Retry-After")).hasValue("1");
        clock.advance(Duration.ofSeconds(1));

        assertThat(put(PAID, KEY, "{}").statusCode()).isEqualTo(200);
        assertThat(put(PAID, KEY, "{}").statusCode()).isEqualTo(429);
    }

    @Test
    void budgets_are_per_api_key() throws Exception {
        start(b -> b.updateLimit(1, Duration.ofMinutes(1)));

        assertThat(put(PAID, KEY, "{}").statusCode()).isEqualTo(200);
        assertThat(put(PAID, KEY, "{}").statusCode()).isEqualTo(429);
        assertThat(put(FOREIGN, OTHER_KEY, "{}").statusCode()).isEqualTo(200);
    }

    @Test
    void without_rate_limit_headers_only_the_429_says_when_to_retry() throws Exception {
        start(b -> b.updateLimit(1, Duration.ofSeconds(20)).withoutRateLimitHeaders());

        HttpResponse<String> ok = put(PAID, KEY, "{}");
        HttpResponse<String> limited = put(PAID, KEY, "{}");

        assertThat(ok.headers().firstValue("X-RateLimit-Remaining")).isEmpty();
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("X-RateLimit-Limit")).isEmpty();
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("20");
    }

    // ------------------------------------------------------------------ faults

    @Test
    void a_server_error_fault_answers_500_in_the_envelope_and_changes_nothing() throws Exception {
        start(b -> b);
        sandbox.injectFault("PUT", Fault.serverError(), 1);

        HttpResponse<String> failed = put(PROCESSING, KEY, SHIP);

        assertError(failed, 500, "internal_error", "Internal server error");
        assertThat(failed.headers().firstValue("X-RateLimit-Remaining")).hasValue("9");
        assertThat(sandbox.order(PROCESSING).status()).isEqualTo("processing");
        assertThat(put(PROCESSING, KEY, SHIP).statusCode()).isEqualTo(200);
    }

    @Test
    void faults_wait_for_an_authenticated_request() throws Exception {
        start(b -> b);
        sandbox.injectFault("put", Fault.serverError("bad gateway"), 1);

        assertThat(put(PROCESSING, "cekat-nope", SHIP).statusCode()).isEqualTo(401);
        assertError(put(PROCESSING, KEY, SHIP), 500, "internal_error", "bad gateway");
        assertThat(put(PROCESSING, KEY, SHIP).statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> sandbox.injectFault("PATCH", Fault.serverError(), 1))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("PUT");
    }

    @Test
    void cleared_faults_are_not_played() throws Exception {
        start(b -> b);
        sandbox.injectFault("PUT", Fault.serverError(), 3);

        sandbox.clearFaults();

        assertThat(put(PROCESSING, KEY, SHIP).statusCode()).isEqualTo(200);
    }

    @Test
    void drop_before_apply_fails_the_client_and_changes_nothing() throws Exception {
        start(b -> b);
        sandbox.injectFault("PUT", Fault.dropBeforeApply(), 1);

        assertThatThrownBy(() -> put(PROCESSING, KEY, SHIP)).isInstanceOf(IOException.class);

        assertThat(sandbox.order(PROCESSING).status()).isEqualTo("processing");
        assertThat(sandbox.requests()).singleElement().satisfies(r -> assertThat(r.dropped()).isTrue());
        assertThat(put(PROCESSING, KEY, SHIP).headers().firstValue("X-RateLimit-Remaining")).hasValue("9");
    }

    @Test
    void drop_after_apply_applies_and_the_retry_sets_the_same_state_without_a_second_notification() throws Exception {
        start(b -> b);
        sandbox.injectFault("PUT", Fault.dropAfterApply(), 1);

        assertThatThrownBy(() -> put(PROCESSING, KEY, SHIP)).isInstanceOf(IOException.class);
        assertThat(sandbox.order(PROCESSING).status()).isEqualTo("shipped");

        HttpResponse<String> retry = put(PROCESSING, KEY, SHIP);

        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(sandbox.order(PROCESSING).statusHistory()).extracting(CekatSandbox.StatusChange::status)
            .containsExactly("processing", "shipped");
        assertThat(sandbox.notifications(PROCESSING)).isEqualTo(1);
    }

    @Test
    void delay_fault_applies_at_once_and_holds_the_answer_back() throws Exception {
        start(b -> b);
        sandbox.injectFault("PUT", Fault.delay(Duration.ofSeconds(5)), 1);

        HttpRequest impatient = HttpRequest
            .newBuilder(request("PUT", "/api/orders/" + PROCESSING, KEY, SHIP), (name, value) -> true)
            .timeout(Duration.ofMillis(300))
            .build();
        assertThatThrownBy(() -> http.send(impatient, HttpResponse.BodyHandlers.ofString()))
            .isInstanceOf(HttpTimeoutException.class);

        assertThat(sandbox.order(PROCESSING).status()).isEqualTo("shipped");
    }

    @Test
    void delay_fault_answers_normally_after_the_delay() throws Exception {
        start(b -> b);
        sandbox.injectFault("PUT", Fault.delay(Duration.ofMillis(300)), 1);

        long startNanos = System.nanoTime();
        HttpResponse<String> response = put(PROCESSING, KEY, SHIP);

        assertThat(Duration.ofNanos(System.nanoTime() - startNanos)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(response.statusCode()).isEqualTo(200);
    }

    // ------------------------------------------------------------------ request log and
    // test data

    @Test
    void the_request_log_records_arrival_method_path_key_presence_and_status_in_order() throws Exception {
        start(b -> b);

        put(PAID, KEY, "{}");
        clock.advance(Duration.ofSeconds(1));
        put(PAID, null, "{}");
        send("PUT", "/api/orders/order_nope?x=1", KEY, "{}");

        assertThat(sandbox.requests())
            .extracting(RecordedRequest::arrivedAt, RecordedRequest::method, RecordedRequest::path,
                    RecordedRequest::apiKeyPresent, RecordedRequest::status)
            .containsExactly(tuple(START, "PUT", "/api/orders/" + PAID, true, 200),
                    tuple(START.plusSeconds(1), "PUT", "/api/orders/" + PAID, false, 401),
                    tuple(START.plusSeconds(1), "PUT", "/api/orders/order_nope", true, 404));
    }

    @Test
    void test_data_is_checked() {
        sandbox = CekatSandbox.builder().clock(clock).build();

        assertThatThrownBy(() -> sandbox.addOrder(KEY, PAID, "paid")).isInstanceOf(IllegalArgumentException.class);
        sandbox.addAccount(KEY);
        assertThatThrownBy(() -> sandbox.addAccount(KEY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sandbox.addOrder(KEY, PAID, "dispatched"))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sandbox.addOrder(KEY, "a/b", "paid")).isInstanceOf(IllegalArgumentException.class);
        sandbox.addOrder(KEY, PAID, "paid");
        assertThatThrownBy(() -> sandbox.addOrder(KEY, PAID, "paid")).isInstanceOf(IllegalArgumentException.class);
        assertThat(sandbox.order(PAID)).isEqualTo(new CekatSandbox.Order("paid", null, null,
                List.of(new CekatSandbox.StatusChange("paid", START)), 0, null, Map.of()));
        assertThatThrownBy(() -> sandbox.notifications("order_nope")).isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ helpers

    private void start(UnaryOperator<CekatSandbox.Builder> customizer) throws IOException {
        sandbox = customizer.apply(CekatSandbox.builder().clock(clock)).build();
        sandbox.addAccount(KEY);
        sandbox.addAccount(OTHER_KEY);
        sandbox.addOrder(KEY, PENDING, "pending");
        sandbox.addOrder(KEY, PAID, "paid");
        sandbox.addOrder(KEY, PROCESSING, "processing");
        sandbox.addOrder(KEY, SHIPPED, "shipped");
        sandbox.addOrder(KEY, DELIVERED, "delivered");
        sandbox.addOrder(KEY, CANCELLED, "cancelled");
        sandbox.addOrder(KEY, REFUNDED, "refunded");
        sandbox.addOrder(OTHER_KEY, FOREIGN, "processing");
        sandbox.start();
    }

    private HttpResponse<String> put(String orderId, String apiKey, String body)
            throws IOException, InterruptedException {
        return send("PUT", "/api/orders/" + orderId, apiKey, body);
    }

    private HttpResponse<String> send(String method, String path, String apiKey, String body)
            throws IOException, InterruptedException {
        return http.send(request(method, path, apiKey, body), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String method, String path, String apiKey, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path))
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json")
            .method(method,
                    body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null) {
            builder.header("Authorization", "Bearer " + apiKey);
        }
        return builder.build();
    }

    private JsonNode json(HttpResponse<String> response) throws IOException {
        return mapper.readTree(response.body());
    }

    private void assertError(HttpResponse<String> response, int status, String code, String message)
            throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode expected = mapper.createObjectNode()
            .put("success", false)
            .set("error", mapper.createObjectNode().put("code", code).put("message", message));
        assertThat(json(response)).isEqualTo(expected);
    }

}
