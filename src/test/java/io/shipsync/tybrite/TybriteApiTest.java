package io.shipsync.tybrite;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import io.shipsync.courier.CourierCatalog;
import io.shipsync.order.OrderStatus;
import io.shipsync.outbox.StatusUpdate;
import io.shipsync.outbox.UpdateState;
import io.shipsync.platform.PlatformAnswer;
import io.shipsync.platform.PlatformHttp;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The Tybrite Labs adapter's own rules, where the fake cannot show them. */
class TybriteApiTest {

    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    private final TybriteApi api = new TybriteApi(
            new PlatformHttp(new ObjectMapper(), Clock.fixed(NOW, ZoneOffset.UTC)), new CourierCatalog(Map.of()),
            Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void signs_the_timestamp_a_dot_and_the_exact_body_with_hmac_sha256_in_base64() {
        // echo -n '1700000000.{"order_status":"processing"}' | openssl dgst -sha256 -hmac
        // tybrite-secret -binary | base64
        assertThat(TybriteApi.signature("tybrite-secret", "1700000000",
                "{\"order_status\":\"processing\"}".getBytes(StandardCharsets.UTF_8)))
            .isEqualTo("u8QQUSMc5r01NomKpmmASjGi1chOlmckyjGY27iZxs0=");
    }

    @Test
    void one_step_of_one_update_has_one_idempotency_key_and_one_body_however_often_it_is_sent() {
        StatusUpdate update = new StatusUpdate(42, "shop", "770e8400-e29b-41d4-a716-446655440789",
                OrderStatus.DELIVERED, "https://example.com/t/1", "csv", null, null, null, UpdateState.SENDING,
                OrderStatus.DISPATCHED, null, 1, NOW, null, Instant.parse("2026-11-28T09:15:30.123Z"), null, 0);

        assertThat(TybriteApi.idempotencyKey(update, OrderStatus.DISPATCHED))
            .isEqualTo("update-shipped-770e8400-e29b-41d4-a716-446655440789-42");
        assertThat(TybriteApi.idempotencyKey(update, OrderStatus.DELIVERED))
            .isEqualTo("update-delivered-770e8400-e29b-41d4-a716-446655440789-42");
        assertThat(api.body(update, OrderStatus.DISPATCHED)).containsExactly(Map.entry("order_status", "shipped"),
                Map.entry("tracking_number", "https://example.com/t/1"),
                Map.entry("shipped_at", "2026-11-28T09:15:30Z"));
    }

    @Test
    void a_replay_from_a_dead_letter_is_a_new_request_with_a_key_of_its_own() {
        StatusUpdate replayed = new StatusUpdate(42, "shop", "770e8400-e29b-41d4-a716-446655440789",
                OrderStatus.DISPATCHED, null, "csv", null, null, null, UpdateState.PENDING, null, null, 0, NOW, null,
                NOW, null, 2);

        assertThat(TybriteApi.idempotencyKey(replayed, OrderStatus.DISPATCHED))
            .isEqualTo("update-shipped-770e8400-e29b-41d4-a716-446655440789-42-r2");
    }

    @Test
    void a_403_is_a_key_that_may_not_write_so_the_store_pauses_rather_than_the_update_failing() {
        PlatformAnswer answer = api.classifyUpdate(answer(403, "{\"error\":{\"code\":\"forbidden\","
                + "\"message\":\"Publishable keys cannot perform write operations\"}}"));

        assertThat(answer.outcome()).isEqualTo(new PlatformAnswer.Unauthorized(403, "Publishable keys cannot perform "
                + "write operations; a publishable key (tybrite_pk_...) cannot update orders"));
        assertThat(answer.answeredAt()).isEqualTo(NOW);
    }

    @Test
    void a_429_waits_for_retry_after_in_seconds_or_as_a_date() {
        Message seconds = answer(429, "{}");
        seconds.setHeader("Retry-After", "7");
        Message date = answer(429, "{}");
        date.setHeader("Retry-After", "Sun, 29 Nov 2026 12:01:00 GMT");

        assertThat(api.classifyUpdate(seconds).outcome()).isEqualTo(new PlatformAnswer.RateLimited(NOW.plusSeconds(7)));
        assertThat(api.classifyUpdate(date).outcome()).isEqualTo(new PlatformAnswer.RateLimited(NOW.plusSeconds(60)));
    }

    private static Message answer(int status, String body) {
        Message message = new DefaultMessage(new DefaultCamelContext());
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setBody(body);
        return message;
    }

}
