package io.shipsync.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

class TribeMadeSandboxTest {

    private static final String KEY = "tb-test-key-0001";

    private static final String OTHER_KEY = "tb-test-key-0002";

    private static final UUID STORE = UUID.fromString("5a4db0c5-0000-4000-8000-00000000000a");

    private static final UUID OTHER_STORE = UUID.fromString("5a4db0c5-0000-4000-8000-00000000000b");

    private static final UUID STARTED = UUID.fromString("00000000-0000-4000-8000-000000000001");

    private static final UUID DISPATCHED = UUID.fromString("00000000-0000-4000-8000-000000000002");

    private static final UUID DELIVERED = UUID.fromString("00000000-0000-4000-8000-000000000003");

    private static final UUID CANCELLED = UUID.fromString("00000000-0000-4000-8000-000000000004");

    private static final UUID FOREIGN = UUID.fromString("00000000-0000-4000-8000-000000000005");

    private static final UUID UNKNOWN = UUID.fromString("00000000-0000-4000-8000-0000000000ff");

    private final ObjectMapper mapper = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private TribeMadeSandbox sandbox;

    @AfterEach
    void stopSandbox() {
        if (sandbox != null) {
            sandbox.stop();
        }
    }

    // ------------------------------------------------------------------ reads

    @Test
    void returns_full_order_document_for_an_order_of_the_callers_store() throws Exception {
        start(b -> b);

        HttpResponse<String> response = get(DISPATCHED, KEY);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode order = json(response);
        assertThat(order.get("id").asText()).isEqualTo(DISPATCHED.toString());
        assertThat(order.get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
        assertThat(order.get("status").asText()).isEqualTo("dispatched");
        assertThat(order.get("tracking_url").asText()).isEqualTo("https://delhivery.com/track/DLVY000002");
        assertThat(order.get("product_id").asText()).hasSize(36);
        assertThat(order.get("product_name").isTextual()).isTrue();
        assertThat(order.get("product_image").isTextual()).isTrue();
        for (String field : List.of("name", "email", "number", "pincode")) {
            assertThat(order.get("customer").get(field).isTextual()).as(field).isTrue();
        }
        assertThat(order.at("/customer/full_address").fieldNames()).toIterable()
            .containsExactly("line1", "line2", "city", "state", "country");
        assertThat(order.get("order_details").fieldNames()).toIterable()
            .containsExactly("variation", "size", "color", "quantity", "amount", "special_instructions",
                    "custom_questions");
        assertThat(order.at("/order_details/quantity").isInt()).isTrue();
        assertThat(order.at("/order_details/amount").isNumber()).isTrue();
        assertThat(order.at("/order_details/custom_questions").isArray()).isTrue();
        // Nullable fields are present as null, not missing.
        assertThat(order.get("rating").isNull()).isTrue();
        assertThat(order.get("review").isNull()).isTrue();
        assertThat(get(STARTED, KEY).body()).contains("\"tracking_url\":null");
    }

    @Test
    void answers_404_for_an_unknown_order_and_for_an_id_that_is_not_a_uuid() throws Exception {
        start(b -> b);

        assertError(get(UNKNOWN, KEY), 404, "Order not found");
        assertError(send("GET", "/api/orders/not-a-uuid", KEY, null), 404, "Order not found");
        assertError(send("GET", "/api/orders/1-1-1-1-1", KEY, null), 404, "Order not found");
        assertError(put(UNKNOWN, KEY, "{\"status\": \"processing\"}"), 404, "Order not found");
    }

    @Test
    void answers_403_for_an_order_of_another_store_and_leaves_it_alone() throws Exception {
        start(b -> b);

        assertError(get(FOREIGN, KEY), 403, "Order does not belong to this store");
        assertError(put(FOREIGN, KEY, "{\"status\": \"cancelled\"}"), 403, "Order does not belong to this store");

        assertThat(sandbox.order(FOREIGN).status()).isEqualTo("started");
        assertThat(sandbox.statusHistory(FOREIGN)).isEmpty();
    }

    @Test
    void answers_404_not_found_for_any_other_path_and_405_for_a_wrong_method() throws Exception {
        start(b -> b);

        assertError(send("GET", "/api/products/123", KEY, null), 404, "Not found");
        assertError(send("GET", "/api/orders/", KEY, null), 404, "Not found");
        assertError(send("GET", "/", null, null), 404, "Not found");
        HttpResponse<String> wrongMethod = send("POST", "/api/orders/" + STARTED + "/status", KEY, "{}");
        assertError(wrongMethod, 405, "Method not allowed");
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("PUT");
    }

    // ------------------------------------------------------------------ authentication

    @Test
    void rejects_requests_without_api_key() throws Exception {
        start(b -> b);

        assertError(get(STARTED, null), 401, "Missing API key");
        assertError(put(STARTED, null, "{\"status\": \"processing\"}"), 401, "Missing API key");
        assertError(get(STARTED, "  "), 401, "Missing API key");
    }

    @Test
    void rejects_unknown_api_key_without_rate_limit_headers() throws Exception {
        start(b -> b);

        HttpResponse<String> response = get(STARTED, "tb-nope-nop-nope");

        assertError(response, 401, "Invalid API key");
        assertThat(response.headers().firstValue("X-RateLimit-Limit")).isEmpty();
    }

    @Test
    void rejects_revoked_api_key_until_it_is_restored() throws Exception {
        start(b -> b);

        sandbox.revokeApiKey(KEY);
        assertError(get(STARTED, KEY), 401, "Invalid API key");
        assertError(put(STARTED, KEY, "{\"status\": \"processing\"}"), 401, "Invalid API key");
        assertThat(sandbox.order(STARTED).status()).isEqualTo("started");

        sandbox.restoreApiKey(KEY);
        assertThat(get(STARTED, KEY).statusCode()).isEqualTo(200);
    }

    // ------------------------------------------------------------------ updates

    @Test
    void updates_status_and_saves_tracking_url() throws Exception {
        start(b -> b);

        HttpResponse<String> response = put(STARTED, KEY,
                "{\"status\": \"dispatched\", \"tracking_url\": \"https://bluedart.com/tracking/AWB1\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response)).isEqualTo(json("{\"message\": \"Order status updated successfully\"}"));
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(sandbox.order(STARTED))
            .isEqualTo(new SandboxOrder(STARTED, STORE, "dispatched", "https://bluedart.com/tracking/AWB1"));
        assertThat(json(get(STARTED, KEY)).get("tracking_url").asText())
            .isEqualTo("https://bluedart.com/tracking/AWB1");
    }

    @Test
    void keeps_tracking_url_when_an_update_leaves_it_out() throws Exception {
        start(b -> b);

        assertThat(put(DISPATCHED, KEY, "{\"status\": \"delivered\"}").statusCode()).isEqualTo(200);

        assertThat(sandbox.order(DISPATCHED).trackingUrl()).isEqualTo("https://delhivery.com/track/DLVY000002");
    }

    @Test
    void records_every_applied_status_as_customer_notification_history() throws Exception {
        start(b -> b);

        put(STARTED, KEY, "{\"status\": \"processing\"}");
        put(STARTED, KEY, "{\"status\": \"processing\"}");
        put(STARTED, KEY, "{\"status\": \"bogus\"}");
        put(STARTED, KEY, "{\"status\": \"dispatched\"}");

        // The repeated update is accepted and mails the customer again: what a blind
        // retry costs.
        assertThat(sandbox.statusHistory(STARTED)).containsExactly("processing", "processing", "dispatched");
    }

    @Test
    void accepts_skipped_steps_and_backward_moves() throws Exception {
        start(b -> b);

        assertThat(put(STARTED, KEY, "{\"status\": \"dispatched\"}").statusCode()).isEqualTo(200);
        assertThat(put(STARTED, KEY, "{\"status\": \"processing\"}").statusCode()).isEqualTo(200);
        assertThat(put(STARTED, KEY, "{\"status\": \"delivered\"}").statusCode()).isEqualTo(200);

        assertThat(sandbox.statusHistory(STARTED)).containsExactly("dispatched", "processing", "delivered");
    }

    @Test
    void rejects_update_without_status() throws Exception {
        start(b -> b);

        assertError(put(STARTED, KEY, "{\"tracking_url\": \"https://delhivery.com/track/X\"}"), 400,
                "Status is required");
        assertError(put(STARTED, KEY, "{\"status\": null}"), 400, "Status is required");
        assertError(put(STARTED, KEY, "{\"status\": \"\"}"), 400, "Status is required");
        assertError(put(STARTED, KEY, ""), 400, "Status is required");
        assertThat(sandbox.order(STARTED).trackingUrl()).isNull();
    }

    @Test
    void rejects_status_outside_the_settable_four() throws Exception {
        start(b -> b);

        for (String body : List.of("{\"status\": \"started\"}", "{\"status\": \"shipped\"}",
                "{\"status\": \"Processing\"}", "{\"status\": 3}")) {
            assertError(put(STARTED, KEY, body), 400,
                    "Status must be one of: processing, dispatched, cancelled, delivered");
        }
        assertThat(sandbox.order(STARTED).status()).isEqualTo("started");
    }

    @Test
    void rejects_malformed_json() throws Exception {
        start(b -> b);

        for (String body : List.of("{\"status\": ", "not json", "[\"processing\"]",
                "{\"status\": \"processing\"} trailing")) {
            HttpResponse<String> response = put(STARTED, KEY, body);
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(json(response).get("error").asText()).as(body).isNotBlank();
        }
        assertThat(sandbox.statusHistory(STARTED)).isEmpty();
    }

    @Test
    void rejects_update_of_delivered_order() throws Exception {
        start(b -> b);

        assertError(put(DELIVERED, KEY, "{\"status\": \"cancelled\"}"), 400,
                "Cannot update order status. Order is already delivered.");
        assertThat(sandbox.order(DELIVERED).status()).isEqualTo("delivered");
    }

    @Test
    void rejects_update_of_cancelled_order() throws Exception {
        start(b -> b);

        assertError(put(CANCELLED, KEY, "{\"status\": \"processing\"}"), 400,
                "Cannot update order status. Order is already cancelled.");
    }

    @Test
    void order_becomes_final_once_delivered_through_the_api() throws Exception {
        start(b -> b);

        assertThat(put(STARTED, KEY, "{\"status\": \"delivered\"}").statusCode()).isEqualTo(200);

        assertError(put(STARTED, KEY, "{\"status\": \"delivered\"}"), 400,
                "Cannot update order status. Order is already delivered.");
        assertThat(sandbox.statusHistory(STARTED)).containsExactly("delivered");
    }

    // ------------------------------------------------------------------ rate limits

    @Test
    void rejects_the_sixth_update_in_the_window_and_accepts_again_once_a_slot_frees() throws Exception {
        // 2 s rather than 1 s: five real round trips must fit into the window even on a
        // slow build machine.
        start(b -> b.updateLimit(5, Duration.ofSeconds(2)));
        for (int i = 0; i < 5; i++) {
            assertThat(put(STARTED, KEY, "{\"status\": \"processing\"}").statusCode()).isEqualTo(200);
        }
        Instant firstArrival = sandbox.requests().get(0).arrivedAt();

        HttpResponse<String> sixth = put(STARTED, KEY, "{\"status\": \"processing\"}");

        assertThat(sixth.statusCode()).isEqualTo(429);
        assertThat(sixth.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode body = json(sixth);
        assertThat(body.get("error").asText()).isEqualTo("Rate limit exceeded");
        assertThat(body.get("retry_after").isIntegralNumber()).isTrue();
        assertThat(body.get("retry_after").asLong()).isBetween(1L, 2L);
        assertThat(sixth.headers().firstValue("X-RateLimit-Limit")).hasValue("5");
        assertThat(sixth.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
        assertThat(sixth.headers().firstValue("X-RateLimit-Reset"))
            .hasValue(Long.toString(ceilEpochSecond(firstArrival.plusSeconds(2))));

        await().atMost(Duration.ofSeconds(5))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> put(STARTED, KEY, "{\"status\": \"processing\"}").statusCode() == 200);
        assertThat(sandbox.statusHistory(STARTED)).hasSize(6);
    }

    @Test
    void sliding_window_counts_accepted_requests_only_and_frees_slots_one_by_one() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2024-11-16T10:30:00.250Z"));
        start(b -> b.updateLimit(3, Duration.ofSeconds(10)).clock(clock));
        long t0 = clock.instant().getEpochSecond();

        HttpResponse<String> first = put(STARTED, KEY, "{\"status\": \"processing\"}");
        assertRateHeaders(first, 3, 2, t0 + 11); // 10:30:10.250 rounded up
        clock.advance(Duration.ofSeconds(4));
        assertRateHeaders(put(STARTED, KEY, "{\"status\": \"processing\"}"), 3, 1, t0 + 11);
        clock.advance(Duration.ofSeconds(4));
        assertRateHeaders(put(STARTED, KEY, "{\"status\": \"processing\"}"), 3, 0, t0 + 11);

        clock.advance(Duration.ofMillis(1500)); // t = 9.5 s after the first
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> limited = put(STARTED, KEY, "{\"status\": \"processing\"}");
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(json(limited).get("retry_after").asLong()).isEqualTo(1); // 0.5 s,
                                                                                // rounded
                                                                                // up
            assertRateHeaders(limited, 3, 0, t0 + 11);
        }

        clock.advance(Duration.ofMillis(500)); // exactly 10 s after the first: its slot
                                               // is free, the 429s took none
        HttpResponse<String> fourth = put(STARTED, KEY, "{\"status\": \"processing\"}");
        assertRateHeaders(fourth, 3, 0, t0 + 15); // the second, at 10:30:04.250, leaves
                                                  // next
        HttpResponse<String> fifth = put(STARTED, KEY, "{\"status\": \"processing\"}");
        assertThat(fifth.statusCode()).isEqualTo(429);
        assertThat(json(fifth).get("retry_after").asLong()).isEqualTo(4);
    }

    @Test
    void unauthenticated_requests_do_not_consume_budget() throws Exception {
        start(b -> b.updateLimit(2, Duration.ofMinutes(1)));

        for (int i = 0; i < 5; i++) {
            assertThat(put(STARTED, null, "{\"status\": \"processing\"}").statusCode()).isEqualTo(401);
            assertThat(put(STARTED, "tb-wrong", "{\"status\": \"processing\"}").statusCode()).isEqualTo(401);
        }

        assertRateHeaders(put(STARTED, KEY, "{\"status\": \"processing\"}"), 2, 1, null);
        assertRateHeaders(put(STARTED, KEY, "{\"status\": \"processing\"}"), 2, 0, null);
        assertThat(put(STARTED, KEY, "{\"status\": \"processing\"}").statusCode()).isEqualTo(429);
    }

    @Test
    void rejected_requests_after_the_limiter_still_consume_budget_and_carry_headers() throws Exception {
        start(b -> b.updateLimit(3, Duration.ofMinutes(1)));

        assertRateHeaders(put(UNKNOWN, KEY, "{\"status\": \"processing\"}"), 3, 2, null);
        assertRateHeaders(put(FOREIGN, KEY, "{\"status\": \"processing\"}"), 3, 1, null);
        assertRateHeaders(put(DELIVERED, KEY, "{\"status\": \"processing\"}"), 3, 0, null);
        assertThat(put(STARTED, KEY, "{\"status\": \"processing\"}").statusCode()).isEqualTo(429);
    }

    @Test
    void read_and_update_budgets_are_separate() throws Exception {
        start(b -> b.updateLimit(2, Duration.ofMinutes(1)).readLimit(3, Duration.ofMinutes(1)));

        for (int i = 0; i < 3; i++) {
            assertThat(get(STARTED, KEY).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> fourthRead = get(STARTED, KEY);
        assertThat(fourthRead.statusCode()).isEqualTo(429);
        assertRateHeaders(fourthRead, 3, 0, null);

        assertRateHeaders(put(STARTED, KEY, "{\"status\": \"processing\"}"), 2, 1, null);
        assertRateHeaders(put(STARTED, KEY, "{\"status\": \"processing\"}"), 2, 0, null);
        assertThat(put(STARTED, KEY, "{\"status\": \"processing\"}").statusCode()).isEqualTo(429);
    }

    @Test
    void budgets_are_per_api_key() throws Exception {
        start(b -> b.readLimit(1, Duration.ofMinutes(1)));
        sandbox.addStore(OTHER_KEY, STORE);

        assertThat(get(STARTED, KEY).statusCode()).isEqualTo(200);
        assertThat(get(STARTED, KEY).statusCode()).isEqualTo(429);
        assertThat(get(STARTED, OTHER_KEY).statusCode()).isEqualTo(200);
    }

    @Test
    void default_limits_are_20_updates_and_50_reads_per_minute() throws Exception {
        start(b -> b);

        assertRateHeaders(get(STARTED, KEY), 50, 49, null);
        assertRateHeaders(put(STARTED, KEY, "{\"status\": \"processing\"}"), 20, 19, null);
    }

    @Test
    void concurrent_updates_never_exceed_the_limit() {
        start(b -> b.updateLimit(20, Duration.ofMinutes(1)));

        List<CompletableFuture<HttpResponse<String>>> inFlight = IntStream.range(0, 40)
            .mapToObj(i -> http.sendAsync(
                    request("PUT", "/api/orders/" + STARTED + "/status", KEY, "{\"status\": \"processing\"}"),
                    HttpResponse.BodyHandlers.ofString()))
            .toList();
        List<Integer> statuses = inFlight.stream().map(f -> f.join().statusCode()).toList();

        assertThat(statuses).filteredOn(s -> s == 200).hasSize(20);
        assertThat(statuses).filteredOn(s -> s == 429).hasSize(20);
        assertThat(sandbox.statusHistory(STARTED)).hasSize(20);
        assertThat(sandbox.requests()).filteredOn(r -> r.status() == 429).hasSize(20);
    }

    // ------------------------------------------------------------------ faults

    @Test
    void server_error_fault_answers_500_without_touching_the_order() throws Exception {
        start(b -> b);
        sandbox.injectFault("PUT", Fault.serverError(), 1);

        HttpResponse<String> failed = put(STARTED, KEY, "{\"status\": \"processing\"}");

        assertError(failed, 500, "Internal server error");
        assertRateHeaders(failed, 20, 19, null);
        assertThat(sandbox.order(STARTED).status()).isEqualTo("started");
        assertThat(put(STARTED, KEY, "{\"status\": \"processing\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void faults_wait_for_an_authenticated_request_of_their_method() throws Exception {
        start(b -> b);
        sandbox.injectFault("PUT", Fault.serverError(), 1);

        assertThat(get(STARTED, KEY).statusCode()).isEqualTo(200);
        assertThat(put(STARTED, null, "{\"status\": \"processing\"}").statusCode()).isEqualTo(401);
        assertThat(put(STARTED, KEY, "{\"status\": \"processing\"}").statusCode()).isEqualTo(500);
        assertThat(put(STARTED, KEY, "{\"status\": \"processing\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void drop_before_apply_fails_the_client_with_io_exception_and_changes_nothing() throws Exception {
        start(b -> b);
        sandbox.injectFault("PUT", Fault.dropBeforeApply(), 1);

        assertThatThrownBy(() -> put(STARTED, KEY, "{\"status\": \"processing\"}")).isInstanceOf(IOException.class);

        assertThat(sandbox.order(STARTED).status()).isEqualTo("started");
        assertThat(sandbox.statusHistory(STARTED)).isEmpty();
        assertThat(sandbox.requests()).singleElement().satisfies(r -> assertThat(r.dropped()).isTrue());
        // Not counted against the budget: the next update still sees 19 of 20 left.
        assertRateHeaders(put(STARTED, KEY, "{\"status\": \"processing\"}"), 20, 19, null);
    }

    @Test
    void drop_after_apply_changes_the_status_although_the_client_got_no_response() throws Exception {
        start(b -> b);
        sandbox.injectFault("PUT", Fault.dropAfterApply(), 1);

        assertThatThrownBy(() -> put(STARTED, KEY,
                "{\"status\": \"dispatched\", \"tracking_url\": \"https://delhivery.com/track/AWB9\"}"))
            .isInstanceOf(IOException.class);

        assertThat(sandbox.order(STARTED))
            .isEqualTo(new SandboxOrder(STARTED, STORE, "dispatched", "https://delhivery.com/track/AWB9"));
        assertThat(sandbox.statusHistory(STARTED)).containsExactly("dispatched");
        assertThat(sandbox.requests()).singleElement()
            .satisfies(r -> assertThat(r.status()).isEqualTo(RecordedRequest.NO_RESPONSE));
    }

    @Test
    void dropped_get_is_retried_once_by_the_jdk_http_client() throws Exception {
        start(b -> b);
        // java.net.http retries a GET by itself when the connection closes before any
        // response byte,
        // so one dropped GET would go unnoticed; two make the failure reach the caller.
        sandbox.injectFault("GET", Fault.dropBeforeApply(), 2);

        assertThatThrownBy(() -> get(STARTED, KEY)).isInstanceOf(IOException.class);

        assertThat(sandbox.requests()).hasSize(2).allSatisfy(r -> assertThat(r.dropped()).isTrue());
    }

    @Test
    void dropped_connection_carries_no_http_bytes_at_all() throws Exception {
        start(b -> b);
        sandbox.injectFault("GET", Fault.dropAfterApply(), 1);

        try (Socket socket = new Socket("127.0.0.1", sandbox.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream()
                .write(("GET /api/orders/" + STARTED + " HTTP/1.1\r\nHost: sandbox\r\n" + "X-API-Key: " + KEY
                        + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();

            assertThat(in.read()).as("end of stream before any byte").isEqualTo(-1);
        }
    }

    @Test
    void delay_fault_answers_normally_after_the_delay() throws Exception {
        start(b -> b);
        sandbox.injectFault("PUT", Fault.delay(Duration.ofMillis(400)), 1);

        long startNanos = System.nanoTime();
        HttpResponse<String> response = put(STARTED, KEY, "{\"status\": \"processing\"}");

        assertThat(Duration.ofNanos(System.nanoTime() - startNanos)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("message").asText()).isEqualTo("Order status updated successfully");
    }

    @Test
    void delay_fault_applies_the_update_before_the_held_back_answer() throws Exception {
        start(b -> b);
        sandbox.injectFault("PUT", Fault.delay(Duration.ofSeconds(5)), 1);

        HttpRequest impatient = HttpRequest
            .newBuilder(request("PUT", "/api/orders/" + STARTED + "/status", KEY, "{\"status\": \"processing\"}"),
                    (name, value) -> true)
            .timeout(Duration.ofMillis(300))
            .build();
        assertThatThrownBy(() -> http.send(impatient, HttpResponse.BodyHandlers.ofString()))
            .isInstanceOf(HttpTimeoutException.class);

        assertThat(sandbox.order(STARTED).status()).isEqualTo("processing");
    }

    // ------------------------------------------------------------------ request log

    @Test
    void request_log_records_arrival_method_path_key_presence_and_status_in_order() throws Exception {
        start(b -> b);
        Instant before = Instant.now();

        get(STARTED, KEY);
        put(STARTED, null, "{\"status\": \"processing\"}");
        send("GET", "/api/orders/" + UNKNOWN + "?verbose=1", KEY, null);

        List<RecordedRequest> log = sandbox.requests();
        assertThat(log)
            .extracting(RecordedRequest::method, RecordedRequest::path, RecordedRequest::apiKeyPresent,
                    RecordedRequest::status)
            .containsExactly(tuple("GET", "/api/orders/" + STARTED, true, 200),
                    tuple("PUT", "/api/orders/" + STARTED + "/status", false, 401),
                    tuple("GET", "/api/orders/" + UNKNOWN, true, 404));
        assertThat(log).extracting(RecordedRequest::arrivedAt)
            .isSorted()
            .allSatisfy(t -> assertThat(t).isBetween(before.minusMillis(1), Instant.now()));
        assertThatThrownBy(() -> log.add(null)).isInstanceOf(UnsupportedOperationException.class);
    }

    // ------------------------------------------------------------------ helpers

    private void start(UnaryOperator<TribeMadeSandbox.Builder> customizer) {
        sandbox = customizer.apply(TribeMadeSandbox.builder()).build();
        sandbox.addStore(KEY, STORE);
        sandbox.addOrder(STORE, STARTED, "started");
        sandbox.addOrder(STORE, DISPATCHED, "dispatched", "https://delhivery.com/track/DLVY000002");
        sandbox.addOrder(STORE, DELIVERED, "delivered");
        sandbox.addOrder(STORE, CANCELLED, "cancelled");
        sandbox.addOrder(OTHER_STORE, FOREIGN, "started");
        try {
            sandbox.start();
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> get(UUID orderId, String apiKey) throws IOException, InterruptedException {
        return send("GET", "/api/orders/" + orderId, apiKey, null);
    }

    private HttpResponse<String> put(UUID orderId, String apiKey, String body)
            throws IOException, InterruptedException {
        return send("PUT", "/api/orders/" + orderId + "/status", apiKey, body);
    }

    private HttpResponse<String> send(String method, String path, String apiKey, String body)
            throws IOException, InterruptedException {
        return http.send(request(method, path, apiKey, body), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String method, String path, String apiKey, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path))
            .timeout(Duration.ofSeconds(10))
            .method(method,
                    body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            builder.header("Content-Type", "application/json");
        }
        if (apiKey != null) {
            builder.header("X-API-Key", apiKey);
        }
        return builder.build();
    }

    private JsonNode json(HttpResponse<String> response) throws IOException {
        return mapper.readTree(response.body());
    }

    private JsonNode json(String text) throws IOException {
        return mapper.readTree(text);
    }

    private void assertError(HttpResponse<String> response, int status, String message) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(json(response)).isEqualTo(mapper.createObjectNode().put("error", message));
    }

    /**
     * {@code reset} null: only check that it is a plausible epoch second within the next
     * few minutes.
     */
    private static void assertRateHeaders(HttpResponse<String> response, int limit, int remaining, Long reset) {
        assertThat(response.headers().firstValue("X-RateLimit-Limit")).hasValue(Integer.toString(limit));
        assertThat(response.headers().firstValue("X-RateLimit-Remaining")).hasValue(Integer.toString(remaining));
        long actualReset = Long.parseLong(response.headers().firstValue("X-RateLimit-Reset").orElseThrow());
        if (reset != null) {
            assertThat(actualReset).isEqualTo(reset);
        }
        else {
            long now = Instant.now().getEpochSecond();
            assertThat(actualReset).isBetween(now, now + 120);
        }
    }

    private static long ceilEpochSecond(Instant instant) {
        return instant.getEpochSecond() + (instant.getNano() > 0 ? 1 : 0);
    }

}
