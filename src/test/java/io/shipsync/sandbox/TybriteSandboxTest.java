package io.shipsync.sandbox;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class TybriteSandboxTest {

    private static final String KEY = "tybrite_sk_test_0001";

    private static final String SECRET = "hmac-secret-0001";

    private static final String OTHER_KEY = "tybrite_sk_test_0002";

    private static final String OTHER_SECRET = "hmac-secret-0002";

    private static final String PUBLISHABLE_KEY = "tybrite_pk_test_0001";

    private static final UUID PENDING = UUID.fromString("880e8400-e29b-41d4-a716-446655440001");

    private static final UUID PROCESSING = UUID.fromString("880e8400-e29b-41d4-a716-446655440002");

    private static final UUID DELIVERED = UUID.fromString("880e8400-e29b-41d4-a716-446655440003");

    private static final UUID CANCELLED = UUID.fromString("880e8400-e29b-41d4-a716-446655440004");

    private static final UUID FOREIGN = UUID.fromString("880e8400-e29b-41d4-a716-446655440005");

    private static final UUID UNKNOWN = UUID.fromString("880e8400-e29b-41d4-a716-4466554400ff");

    private static final Instant START = Instant.parse("2026-02-10T10:30:00Z");

    private static final String SHIP = """
            {"order_status": "shipped", "tracking_number": "1Z999AA10123456784",
             "shipped_at": "2026-02-10T10:30:00Z"}""";

    private final ObjectMapper mapper = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final ManualClock clock = new ManualClock(START);

    private TybriteSandbox sandbox;

    @AfterEach
    void stopSandbox() {
        if (sandbox != null) {
            sandbox.stop();
        }
    }

    // ------------------------------------------------------------------ updates

    @Test
    void a_signed_patch_applies_the_fields_and_answers_the_order() throws Exception {
        start(b -> b);
        clock.advance(Duration.ofMinutes(5));

        HttpResponse<String> response = patch(PENDING, SHIP);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode order = json(response);
        assertThat(order.fieldNames()).toIterable()
            .contains("id", "order_number", "customer_id", "order_status", "payment_status", "tracking_number",
                    "shipped_at", "delivered_at", "created_at", "updated_at");
        assertThat(order.get("id").asText()).isEqualTo(PENDING.toString());
        assertThat(order.get("order_number").asText()).matches("ORD-2026-\\d{6}");
        assertThat(UUID.fromString(order.get("customer_id").asText())).isNotNull();
        assertThat(order.get("order_status").asText()).isEqualTo("shipped");
        assertThat(order.get("payment_status").asText()).isEqualTo("paid");
        assertThat(order.get("tracking_number").asText()).isEqualTo("1Z999AA10123456784");
        assertThat(order.get("shipped_at").asText()).isEqualTo("2026-02-10T10:30:00Z");
        assertThat(order.get("delivered_at").isNull()).isTrue();
        assertThat(order.get("created_at").asText()).isEqualTo("2026-02-10T10:30:00Z");
        assertThat(order.get("updated_at").asText()).isEqualTo("2026-02-10T10:35:00Z");
        assertThat(sandbox.order(PENDING)).isEqualTo(new TybriteSandbox.Order("shipped", "1Z999AA10123456784",
                Instant.parse("2026-02-10T10:30:00Z"), null, 1));
    }

    @Test
    void fields_left_out_are_kept_and_the_documented_optional_fields_are_applied() throws Exception {
        start(b -> b);
        patch(PENDING, SHIP);

        JsonNode order = json(patch(PENDING, """
                {"order_status": "delivered", "delivered_at": "2026-02-15T16:30:00+02:00",
                 "notes": "Left with neighbour", "estimated_delivery": "2026-02-15T14:00:00Z",
                 "payment_status": "refunded"}"""));

        assertThat(order.get("tracking_number").asText()).isEqualTo("1Z999AA10123456784");
        assertThat(order.get("shipped_at").asText()).isEqualTo("2026-02-10T10:30:00Z");
        assertThat(order.get("delivered_at").asText()).isEqualTo("2026-02-15T14:30:00Z");
        assertThat(order.get("notes").asText()).isEqualTo("Left with neighbour");
        assertThat(order.get("estimated_delivery").asText()).isEqualTo("2026-02-15T14:00:00Z");
        assertThat(order.get("payment_status").asText()).isEqualTo("refunded");
        assertThat(sandbox.order(PENDING).orderStatus()).isEqualTo("delivered");
    }

    @Test
    void an_order_status_outside_the_five_answers_400_and_changes_nothing() throws Exception {
        start(b -> b);

        assertError(patch(PENDING, "{\"order_status\": \"dispatched\"}"), 400, "invalid_request",
                "order_status must be one of: pending, processing, shipped, delivered, cancelled");
        assertError(patch(PENDING, "{\"order_status\": null}"), 400, "invalid_request",
                "order_status must be one of: pending, processing, shipped, delivered, cancelled");
        assertError(patch(PENDING, "{\"payment_status\": \"settled\"}"), 400, "invalid_request",
                "payment_status must be one of: pending, paid, failed, refunded");

        assertThat(sandbox.order(PENDING).orderStatus()).isEqualTo("pending");
        assertThat(sandbox.notifications(PENDING)).isZero();
    }

    @Test
    void a_body_that_is_not_a_json_object_or_has_badly_typed_fields_answers_400() throws Exception {
        start(b -> b);

        assertError(patch(PENDING, "{\"order_status\": "), 400, "invalid_request",
                "Request body must be a JSON object");
        assertError(patch(PENDING, "[\"shipped\"]"), 400, "invalid_request", "Request body must be a JSON object");
        assertError(patch(PENDING, "{\"tracking_number\": 42}"), 400, "invalid_request",
                "tracking_number must be a string");
        assertError(patch(PENDING, "{\"shipped_at\": \"yesterday\"}"), 400, "invalid_request",
                "shipped_at must be an ISO 8601 date-time such as 2026-02-10T10:30:00Z");

        assertThat(sandbox.order(PENDING)).isEqualTo(new TybriteSandbox.Order("pending", null, null, null, 0));
    }

    @Test
    void an_unknown_order_an_order_of_another_account_and_an_id_that_is_not_a_uuid_answer_404() throws Exception {
        start(b -> b);

        assertError(patch(UNKNOWN, SHIP), 404, "not_found", "Order not found");
        assertError(patch(FOREIGN, SHIP), 404, "not_found", "Order not found");
        assertError(send("PATCH", "/v1/orders/order-1", signed(KEY, SECRET, SHIP), SHIP), 404, "not_found",
                "Order not found");

        assertThat(sandbox.order(FOREIGN).orderStatus()).isEqualTo("pending");
    }

    @Test
    void other_paths_answer_404_and_other_methods_405() throws Exception {
        start(b -> b);

        assertError(send("PATCH", "/v1/orders", signed(KEY, SECRET, SHIP), SHIP), 404, "not_found", "Not found");
        assertError(send("PATCH", "/v1/orders/" + PENDING + "/items", signed(KEY, SECRET, SHIP), SHIP), 404,
                "not_found", "Not found");
        assertError(send("GET", "/", Map.of(), null), 404, "not_found", "Not found");
        HttpResponse<String> put = send("PUT", "/v1/orders/" + PENDING, signed(KEY, SECRET, SHIP), SHIP);
        assertError(put, 405, "method_not_allowed", "Method not allowed");
        assertThat(put.headers().firstValue("Allow")).hasValue("PATCH");
        assertError(send("GET", "/v1/orders/" + PENDING, Map.of(), null), 405, "method_not_allowed",
                "Method not allowed");
    }

    // ------------------------------------------------------------------ order status and
    // notifications

    @Test
    void each_change_of_order_status_notifies_the_customer_once() throws Exception {
        start(b -> b);

        patch(PENDING, "{\"order_status\": \"processing\"}");
        patch(PENDING, SHIP);
        patch(PENDING, "{\"order_status\": \"delivered\"}");

        assertThat(sandbox.notifications(PENDING)).isEqualTo(3);
        assertThat(sandbox.order(PENDING).notifications()).isEqualTo(3);
    }

    @Test
    void setting_the_current_order_status_again_notifies_nobody() throws Exception {
        start(b -> b);
        patch(PENDING, SHIP);

        HttpResponse<String> again = patch(PENDING, SHIP);

        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again).get("order_status").asText()).isEqualTo("shipped");
        assertThat(sandbox.notifications(PENDING)).isEqualTo(1);
    }

    @Test
    void a_body_without_order_status_notifies_nobody() throws Exception {
        start(b -> b);

        assertThat(patch(PENDING, "{\"tracking_number\": \"1Z1\"}").statusCode()).isEqualTo(200);

        assertThat(sandbox.order(PENDING)).isEqualTo(new TybriteSandbox.Order("pending", "1Z1", null, null, 0));
    }

    @Test
    void a_delivered_or_cancelled_order_cannot_change_order_status_409() throws Exception {
        start(b -> b);

        assertError(patch(DELIVERED, "{\"order_status\": \"cancelled\"}"), 409, "invalid_transition",
                "Order is already delivered; its order_status cannot change to cancelled");
        assertError(patch(CANCELLED, SHIP), 409, "invalid_transition",
                "Order is already cancelled; its order_status cannot change to shipped");

        assertThat(sandbox.order(DELIVERED)).isEqualTo(new TybriteSandbox.Order("delivered", null, null, null, 0));
        assertThat(sandbox.order(CANCELLED)).isEqualTo(new TybriteSandbox.Order("cancelled", null, null, null, 0));
    }

    @Test
    void a_delivered_order_still_takes_its_own_status_and_other_fields() throws Exception {
        start(b -> b);

        HttpResponse<String> response = patch(DELIVERED,
                "{\"order_status\": \"delivered\", \"delivered_at\": \"2026-02-15T14:30:00Z\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sandbox.order(DELIVERED).deliveredAt()).isEqualTo(Instant.parse("2026-02-15T14:30:00Z"));
        assertThat(sandbox.notifications(DELIVERED)).isZero();
    }

    @Test
    void moving_back_in_the_flow_is_accepted() throws Exception {
        start(b -> b);

        assertThat(patch(PROCESSING, "{\"order_status\": \"pending\"}").statusCode()).isEqualTo(200);

        assertThat(sandbox.order(PROCESSING).orderStatus()).isEqualTo("pending");
    }

    // ------------------------------------------------------------------ authentication

    @Test
    void a_request_without_a_key_answers_401() throws Exception {
        start(b -> b);
        Map<String, String> headers = signed(KEY, SECRET, SHIP);
        headers.remove("Authorization");

        assertError(send("PATCH", "/v1/orders/" + PENDING, headers, SHIP), 401, "unauthorized", "Missing API key");
        headers.put("Authorization", "Basic dXNlcjpwYXNz");
        assertError(send("PATCH", "/v1/orders/" + PENDING, headers, SHIP), 401, "unauthorized", "Missing API key");
    }

    @Test
    void an_unknown_key_answers_401() throws Exception {
        start(b -> b);

        assertError(send("PATCH", "/v1/orders/" + PENDING, signed("tybrite_sk_test_nope", SECRET, SHIP), SHIP), 401,
                "unauthorized", "Invalid API key");
        assertError(send("PATCH", "/v1/orders/" + PENDING, signed("tybrite_pk_test_nope", SECRET, SHIP), SHIP), 401,
                "unauthorized", "Invalid API key");
    }

    @Test
    void a_publishable_key_answers_403() throws Exception {
        start(b -> b);

        HttpResponse<String> response = send("PATCH", "/v1/orders/" + PENDING, signed(PUBLISHABLE_KEY, SECRET, SHIP),
                SHIP);

        assertError(response, 403, "forbidden", "Publishable keys cannot perform write operations");
        assertThat(sandbox.order(PENDING).orderStatus()).isEqualTo("pending");
    }

    @Test
    void a_missing_timestamp_or_one_that_is_not_unix_seconds_is_refused() throws Exception {
        start(b -> b);
        Map<String, String> headers = signed(KEY, SECRET, SHIP);

        headers.remove("X-Timestamp");
        assertError(send("PATCH", "/v1/orders/" + PENDING, headers, SHIP), 401, "invalid_timestamp",
                "X-Timestamp header is required");
        headers.put("X-Timestamp", "2026-02-10T10:30:00Z");
        assertError(send("PATCH", "/v1/orders/" + PENDING, headers, SHIP), 401, "invalid_timestamp",
                "X-Timestamp must be a unix timestamp in seconds");
        headers.put("X-Timestamp", Long.toString(START.toEpochMilli()));
        assertError(send("PATCH", "/v1/orders/" + PENDING, headers, SHIP), 401, "invalid_timestamp",
                "X-Timestamp must be within 5 minutes of server time");
    }

    @Test
    void a_timestamp_six_minutes_old_is_refused() throws Exception {
        start(b -> b);
        long sixMinutesAgo = START.minus(Duration.ofMinutes(6)).getEpochSecond();

        HttpResponse<String> response = send("PATCH", "/v1/orders/" + PENDING,
                signed(KEY, SECRET, sixMinutesAgo, SHIP, UUID.randomUUID().toString()), SHIP);

        assertError(response, 401, "invalid_timestamp", "X-Timestamp must be within 5 minutes of server time");
        assertThat(sandbox.order(PENDING).orderStatus()).isEqualTo("pending");
    }

    @Test
    void a_timestamp_six_minutes_ahead_is_refused() throws Exception {
        start(b -> b);
        long sixMinutesAhead = START.plus(Duration.ofMinutes(6)).getEpochSecond();

        assertError(
                send("PATCH", "/v1/orders/" + PENDING,
                        signed(KEY, SECRET, sixMinutesAhead, SHIP, UUID.randomUUID().toString()), SHIP),
                401, "invalid_timestamp", "X-Timestamp must be within 5 minutes of server time");
    }

    @Test
    void a_timestamp_exactly_five_minutes_off_is_accepted_and_one_second_more_is_not() throws Exception {
        start(b -> b);
        long fiveMinutesAgo = START.minus(Duration.ofMinutes(5)).getEpochSecond();
        long fiveMinutesAhead = START.plus(Duration.ofMinutes(5)).getEpochSecond();

        assertThat(send("PATCH", "/v1/orders/" + PENDING,
                signed(KEY, SECRET, fiveMinutesAgo, SHIP, UUID.randomUUID().toString()), SHIP)
            .statusCode()).isEqualTo(200);
        assertThat(send("PATCH", "/v1/orders/" + PENDING,
                signed(KEY, SECRET, fiveMinutesAhead, SHIP, UUID.randomUUID().toString()), SHIP)
            .statusCode()).isEqualTo(200);
        assertThat(send("PATCH", "/v1/orders/" + PENDING,
                signed(KEY, SECRET, fiveMinutesAgo - 1, SHIP, UUID.randomUUID().toString()), SHIP)
            .statusCode()).isEqualTo(401);
    }

    @Test
    void a_signature_over_other_bytes_is_refused() throws Exception {
        start(b -> b);
        String reformatted = SHIP.replace(": ", ":");

        HttpResponse<String> response = send("PATCH", "/v1/orders/" + PENDING, signed(KEY, SECRET, SHIP), reformatted);

        assertError(response, 401, "invalid_signature", "X-Signature does not match the request");
        assertThat(sandbox.order(PENDING).orderStatus()).isEqualTo("pending");
    }

    @Test
    void a_signature_over_another_timestamp_is_refused() throws Exception {
        start(b -> b);
        Map<String, String> headers = signed(KEY, SECRET, SHIP);
        headers.put("X-Timestamp", Long.toString(START.getEpochSecond() + 1));

        assertError(send("PATCH", "/v1/orders/" + PENDING, headers, SHIP), 401, "invalid_signature",
                "X-Signature does not match the request");
    }

    @Test
    void a_signature_made_with_another_accounts_secret_or_none_at_all_is_refused() throws Exception {
        start(b -> b);

        assertError(send("PATCH", "/v1/orders/" + PENDING, signed(KEY, OTHER_SECRET, SHIP), SHIP), 401,
                "invalid_signature", "X-Signature does not match the request");
        Map<String, String> unsigned = signed(KEY, SECRET, SHIP);
        unsigned.remove("X-Signature");
        assertError(send("PATCH", "/v1/orders/" + PENDING, unsigned, SHIP), 401, "invalid_signature",
                "X-Signature header is required");
    }

    @Test
    void refused_authentication_uses_no_rate_budget() throws Exception {
        start(b -> b.updateLimit(1, Duration.ofMinutes(1)));
        Map<String, String> badSignature = signed(KEY, OTHER_SECRET, SHIP);
        Map<String, String> oldTimestamp = signed(KEY, SECRET, START.getEpochSecond() - 400, SHIP, "k-old");

        assertThat(send("PATCH", "/v1/orders/" + PENDING, signed("tybrite_sk_nope", SECRET, SHIP), SHIP).statusCode())
            .isEqualTo(401);
        assertThat(send("PATCH", "/v1/orders/" + PENDING, signed(PUBLISHABLE_KEY, SECRET, SHIP), SHIP).statusCode())
            .isEqualTo(403);
        assertThat(send("PATCH", "/v1/orders/" + PENDING, badSignature, SHIP).statusCode()).isEqualTo(401);
        assertThat(send("PATCH", "/v1/orders/" + PENDING, oldTimestamp, SHIP).statusCode()).isEqualTo(401);
        HttpResponse<String> first = patch(PENDING, SHIP);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
    }

    // ------------------------------------------------------------------ idempotency

    @Test
    void a_request_without_idempotency_key_answers_400() throws Exception {
        start(b -> b);
        Map<String, String> headers = signed(KEY, SECRET, SHIP);
        headers.remove("Idempotency-Key");

        assertError(send("PATCH", "/v1/orders/" + PENDING, headers, SHIP), 400, "missing_idempotency_key",
                "Idempotency-Key header is required");
        assertThat(sandbox.order(PENDING).orderStatus()).isEqualTo("pending");
    }

    @Test
    void a_replayed_idempotency_key_returns_the_first_answer_and_applies_nothing() throws Exception {
        start(b -> b);
        HttpResponse<String> first = send("PATCH", "/v1/orders/" + PENDING,
                signed(KEY, SECRET, START.getEpochSecond(), SHIP, "ship-1"), SHIP);
        // Meanwhile the order moves on under another key; a replay must not put it back.
        patch(PENDING, "{\"order_status\": \"delivered\"}");
        clock.advance(Duration.ofMinutes(2));

        HttpResponse<String> replay = send("PATCH", "/v1/orders/" + PENDING,
                signed(KEY, SECRET, clock.instant().getEpochSecond(), SHIP, "ship-1"), SHIP);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(replay.body()).isEqualTo(first.body());
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(sandbox.order(PENDING).orderStatus()).isEqualTo("delivered");
        assertThat(sandbox.notifications(PENDING)).isEqualTo(2);
    }

    @Test
    void a_replayed_idempotency_key_returns_a_first_error_answer_too() throws Exception {
        start(b -> b);
        String cancel = "{\"order_status\": \"cancelled\"}";
        HttpResponse<String> first = send("PATCH", "/v1/orders/" + DELIVERED,
                signed(KEY, SECRET, START.getEpochSecond(), cancel, "cancel-1"), cancel);

        HttpResponse<String> replay = send("PATCH", "/v1/orders/" + DELIVERED,
                signed(KEY, SECRET, START.getEpochSecond(), cancel, "cancel-1"), cancel);

        assertThat(first.statusCode()).isEqualTo(409);
        assertThat(replay.statusCode()).isEqualTo(409);
        assertThat(replay.body()).isEqualTo(first.body());
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    }

    @Test
    void a_replayed_idempotency_key_with_another_body_answers_422_and_applies_nothing() throws Exception {
        start(b -> b);
        String cancel = "{\"order_status\": \"cancelled\"}";
        send("PATCH", "/v1/orders/" + PENDING, signed(KEY, SECRET, START.getEpochSecond(), SHIP, "key-1"), SHIP);

        HttpResponse<String> reused = send("PATCH", "/v1/orders/" + PENDING,
                signed(KEY, SECRET, START.getEpochSecond(), cancel, "key-1"), cancel);
        HttpResponse<String> otherOrder = send("PATCH", "/v1/orders/" + PROCESSING,
                signed(KEY, SECRET, START.getEpochSecond(), SHIP, "key-1"), SHIP);

        assertError(reused, 422, "idempotency_key_reused", "Idempotency-Key was already used with a different request");
        assertError(otherOrder, 422, "idempotency_key_reused",
                "Idempotency-Key was already used with a different request");
        assertThat(sandbox.order(PENDING).orderStatus()).isEqualTo("shipped");
        assertThat(sandbox.order(PROCESSING).orderStatus()).isEqualTo("processing");
    }

    @Test
    void idempotency_keys_are_remembered_per_account() throws Exception {
        start(b -> b);
        String ship = "{\"order_status\": \"shipped\"}";
        send("PATCH", "/v1/orders/" + PENDING, signed(KEY, SECRET, START.getEpochSecond(), ship, "same-key"), ship);

        HttpResponse<String> other = send("PATCH", "/v1/orders/" + FOREIGN,
                signed(OTHER_KEY, OTHER_SECRET, START.getEpochSecond(), ship, "same-key"), ship);

        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(sandbox.order(FOREIGN).orderStatus()).isEqualTo("shipped");
    }

    @Test
    void a_replay_uses_rate_budget_like_any_request() throws Exception {
        start(b -> b.updateLimit(2, Duration.ofMinutes(1)));
        Map<String, String> headers = signed(KEY, SECRET, START.getEpochSecond(), SHIP, "ship-1");

        send("PATCH", "/v1/orders/" + PENDING, headers, SHIP);
        HttpResponse<String> replay = send("PATCH", "/v1/orders/" + PENDING, headers, SHIP);
        HttpResponse<String> limited = send("PATCH", "/v1/orders/" + PENDING, headers, SHIP);

        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(replay.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
        assertThat(limited.statusCode()).isEqualTo(429);
    }

    // ------------------------------------------------------------------ rate limit

    @Test
    void the_eleventh_update_within_a_minute_answers_429_with_retry_after() throws Exception {
        start(b -> b);
        for (int i = 0; i < 10; i++) {
            assertThat(patch(PENDING, SHIP).statusCode()).isEqualTo(200);
            clock.advance(Duration.ofSeconds(2));
        }

        HttpResponse<String> limited = patch(PENDING, SHIP);

        // the first update was at START, so its slot frees at START + 60 s, 40 s from now
        assertError(limited, 429, "rate_limited", "Rate limit exceeded; retry in 40 seconds");
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("40");
        assertThat(limited.headers().firstValue("X-RateLimit-Limit")).hasValue("10");
        assertThat(limited.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
    }

    @Test
    void a_429_uses_no_budget_and_a_slot_frees_when_the_oldest_update_leaves_the_window() throws Exception {
        start(b -> b.updateLimit(2, Duration.ofSeconds(10)));
        patch(PENDING, SHIP);
        clock.advance(Duration.ofSeconds(3));
        patch(PENDING, SHIP);
        for (int i = 0; i < 5; i++) {
            assertThat(patch(PENDING, SHIP).statusCode()).isEqualTo(429);
        }

        clock.advance(Duration.ofMillis(6_500));
        HttpResponse<String> late = patch(PENDING, SHIP);
        assertThat(late.statusCode()).isEqualTo(429);
        assertThat(late.headers().firstValue("Retry-After")).hasValue("1");
        clock.advance(Duration.ofMillis(500));

        assertThat(patch(PENDING, SHIP).statusCode()).isEqualTo(200);
        assertThat(patch(PENDING, SHIP).statusCode()).isEqualTo(429);
    }

    @Test
    void budgets_are_per_secret_key() throws Exception {
        start(b -> b.updateLimit(1, Duration.ofMinutes(1)));

        assertThat(patch(PENDING, SHIP).statusCode()).isEqualTo(200);
        assertThat(patch(PENDING, SHIP).statusCode()).isEqualTo(429);
        assertThat(send("PATCH", "/v1/orders/" + FOREIGN, signed(OTHER_KEY, OTHER_SECRET, SHIP), SHIP).statusCode())
            .isEqualTo(200);
    }

    @Test
    void without_rate_limit_headers_only_the_429_says_when_to_retry() throws Exception {
        start(b -> b.updateLimit(1, Duration.ofSeconds(30)).withoutRateLimitHeaders());

        HttpResponse<String> ok = patch(PENDING, SHIP);
        HttpResponse<String> limited = patch(PENDING, SHIP);

        assertThat(ok.headers().firstValue("X-RateLimit-Limit")).isEmpty();
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("X-RateLimit-Remaining")).isEmpty();
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("30");
    }

    // ------------------------------------------------------------------ faults

    @Test
    void a_server_error_fault_answers_500_changes_nothing_and_a_retry_with_the_same_key_applies() throws Exception {
        start(b -> b);
        sandbox.injectFault("PATCH", Fault.serverError(), 1);
        Map<String, String> headers = signed(KEY, SECRET, START.getEpochSecond(), SHIP, "ship-1");

        HttpResponse<String> failed = send("PATCH", "/v1/orders/" + PENDING, headers, SHIP);
        assertError(failed, 500, "internal_error", "Internal server error");
        assertThat(failed.headers().firstValue("X-RateLimit-Remaining")).hasValue("9");
        assertThat(sandbox.order(PENDING).orderStatus()).isEqualTo("pending");

        HttpResponse<String> retry = send("PATCH", "/v1/orders/" + PENDING, headers, SHIP);
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(sandbox.notifications(PENDING)).isEqualTo(1);
    }

    @Test
    void faults_wait_for_a_request_that_passes_authentication() throws Exception {
        start(b -> b);
        sandbox.injectFault("patch", Fault.serverError("upstream timeout"), 1);

        assertThat(send("PATCH", "/v1/orders/" + PENDING, signed(KEY, OTHER_SECRET, SHIP), SHIP).statusCode())
            .isEqualTo(401);
        assertError(patch(PENDING, SHIP), 500, "internal_error", "upstream timeout");
        assertThat(patch(PENDING, SHIP).statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> sandbox.injectFault("PUT", Fault.serverError(), 1))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("PATCH");
    }

    @Test
    void drop_before_apply_fails_the_client_and_changes_nothing() throws Exception {
        start(b -> b);
        sandbox.injectFault("PATCH", Fault.dropBeforeApply(), 1);

        assertThatThrownBy(() -> patch(PENDING, SHIP)).isInstanceOf(IOException.class);

        assertThat(sandbox.order(PENDING).orderStatus()).isEqualTo("pending");
        assertThat(sandbox.requests()).singleElement().satisfies(r -> assertThat(r.dropped()).isTrue());
        assertThat(patch(PENDING, SHIP).headers().firstValue("X-RateLimit-Remaining")).hasValue("9");
    }

    @Test
    void drop_after_apply_applies_and_a_retry_with_the_same_key_replays_without_a_second_notification()
            throws Exception {
        start(b -> b);
        sandbox.injectFault("PATCH", Fault.dropAfterApply(), 1);
        Map<String, String> headers = signed(KEY, SECRET, START.getEpochSecond(), SHIP, "ship-1");

        assertThatThrownBy(() -> send("PATCH", "/v1/orders/" + PENDING, headers, SHIP)).isInstanceOf(IOException.class);
        assertThat(sandbox.order(PENDING).orderStatus()).isEqualTo("shipped");

        HttpResponse<String> retry = send("PATCH", "/v1/orders/" + PENDING, headers, SHIP);

        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(json(retry).get("order_status").asText()).isEqualTo("shipped");
        assertThat(sandbox.notifications(PENDING)).isEqualTo(1);
        assertThat(sandbox.requests()).extracting(RecordedRequest::status)
            .containsExactly(RecordedRequest.NO_RESPONSE, 200);
    }

    @Test
    void delay_fault_applies_at_once_and_holds_the_answer_back() throws Exception {
        start(b -> b);
        sandbox.injectFault("PATCH", Fault.delay(Duration.ofSeconds(5)), 1);

        HttpRequest impatient = HttpRequest
            .newBuilder(request("PATCH", "/v1/orders/" + PENDING, signed(KEY, SECRET, SHIP), SHIP),
                    (name, value) -> true)
            .timeout(Duration.ofMillis(300))
            .build();
        assertThatThrownBy(() -> http.send(impatient, HttpResponse.BodyHandlers.ofString()))
            .isInstanceOf(HttpTimeoutException.class);

        assertThat(sandbox.order(PENDING).orderStatus()).isEqualTo("shipped");
    }

    @Test
    void delay_fault_answers_normally_after_the_delay() throws Exception {
        start(b -> b);
        sandbox.injectFault("PATCH", Fault.delay(Duration.ofMillis(300)), 1);

        long startNanos = System.nanoTime();
        HttpResponse<String> response = patch(PENDING, SHIP);

        assertThat(Duration.ofNanos(System.nanoTime() - startNanos)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(response.statusCode()).isEqualTo(200);
    }

    // ------------------------------------------------------------------ request log and
    // test data

    @Test
    void the_request_log_records_arrival_method_path_key_presence_and_status_in_order() throws Exception {
        start(b -> b);

        patch(PENDING, SHIP);
        clock.advance(Duration.ofSeconds(1));
        Map<String, String> keyless = signed(KEY, SECRET, SHIP);
        keyless.remove("Authorization");
        send("PATCH", "/v1/orders/" + PENDING, keyless, SHIP);
        send("GET", "/v1/orders/" + UNKNOWN + "?expand=items", Map.of(), null);

        assertThat(sandbox.requests())
            .extracting(RecordedRequest::arrivedAt, RecordedRequest::method, RecordedRequest::path,
                    RecordedRequest::apiKeyPresent, RecordedRequest::status)
            .containsExactly(tuple(START, "PATCH", "/v1/orders/" + PENDING, true, 200),
                    tuple(START.plusSeconds(1), "PATCH", "/v1/orders/" + PENDING, false, 401),
                    tuple(START.plusSeconds(1), "GET", "/v1/orders/" + UNKNOWN, false, 405));
    }

    @Test
    void test_data_is_checked() {
        sandbox = TybriteSandbox.builder().clock(clock).build();

        assertThatThrownBy(() -> sandbox.addAccount("sk_live_123", SECRET))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sandbox.addPublishableKey(KEY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sandbox.addOrder(KEY, PENDING, "pending"))
            .isInstanceOf(IllegalArgumentException.class);
        sandbox.addAccount(KEY, SECRET);
        assertThatThrownBy(() -> sandbox.addOrder(KEY, PENDING, "dispatched"))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sandbox.order(UNKNOWN)).isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ helpers

    private void start(UnaryOperator<TybriteSandbox.Builder> customizer) throws IOException {
        sandbox = customizer.apply(TybriteSandbox.builder().clock(clock)).build();
        sandbox.addAccount(KEY, SECRET);
        sandbox.addAccount(OTHER_KEY, OTHER_SECRET);
        sandbox.addPublishableKey(PUBLISHABLE_KEY);
        sandbox.addOrder(KEY, PENDING, "pending");
        sandbox.addOrder(KEY, PROCESSING, "processing");
        sandbox.addOrder(KEY, DELIVERED, "delivered");
        sandbox.addOrder(KEY, CANCELLED, "cancelled");
        sandbox.addOrder(OTHER_KEY, FOREIGN, "pending");
        sandbox.start();
    }

    /**
     * A PATCH of the order with the test account, signed at the clock's time, under a
     * fresh idempotency key.
     */
    private HttpResponse<String> patch(UUID orderId, String body) throws IOException, InterruptedException {
        return send("PATCH", "/v1/orders/" + orderId, signed(KEY, SECRET, body), body);
    }

    private Map<String, String> signed(String key, String secret, String body) {
        return signed(key, secret, clock.instant().getEpochSecond(), body, UUID.randomUUID().toString());
    }

    /**
     * The headers the reference asks for; a mutable map, so a test can leave one out or
     * change it.
     */
    private static Map<String, String> signed(String key, String secret, long timestamp, String body,
            String idempotencyKey) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + key);
        headers.put("Content-Type", "application/json");
        headers.put("Idempotency-Key", idempotencyKey);
        headers.put("X-Timestamp", Long.toString(timestamp));
        headers.put("X-Signature", sign(secret, Long.toString(timestamp), body));
        return headers;
    }

    /**
     * base64(HMAC-SHA256(secret, timestamp + "." + body)), as the Tybrite reference
     * describes the signature.
     */
    private static String sign(String secret, String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] signature = mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signature);
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> send(String method, String path, Map<String, String> headers, String body)
            throws IOException, InterruptedException {
        return http.send(request(method, path, headers, body), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String method, String path, Map<String, String> headers, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path))
            .timeout(Duration.ofSeconds(5))
            .method(method,
                    body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(builder::header);
        return builder.build();
    }

    private JsonNode json(HttpResponse<String> response) throws IOException {
        return mapper.readTree(response.body());
    }

    private void assertError(HttpResponse<String> response, int status, String code, String message)
            throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(json(response)).isEqualTo(mapper.readTree(mapper.createObjectNode()
            .set("error", mapper.createObjectNode().put("code", code).put("message", message))
            .toString()));
    }

}
