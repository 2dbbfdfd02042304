package io.shipsync.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.shipsync.EndToEndTest;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook with {@code shipsync.webhook.hmac-secret} and no token: only requests
 * signed the way Tybrite Labs documents get in, X-Signature = base64(HMAC-SHA256(secret,
 * timestamp + "." + body)), within 5 minutes.
 */
class SignedWebhookTest extends EndToEndTest {

    private static final String SECRET = "whsec-test-8d1f0c3b7a";

    @LocalServerPort
    private int port;

    @Autowired
    private MeterRegistry metrics;

    private WebhookClient webhook;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        configure(registry, 20, 50);
        registry.add("shipsync.webhook.token", () -> "");
        registry.add("shipsync.webhook.hmac-secret", () -> SECRET);
    }

    @BeforeEach
    void client() {
        webhook = new WebhookClient(port);
    }

    @Test
    void a_signed_event_is_accepted() throws Exception {
        UUID order = UUID.randomUUID();
        String body = WebhookClient.orderCreated(order);
        String timestamp = String.valueOf(Instant.now().getEpochSecond());

        var response = webhook.post(body, "Content-Type", "application/json", "X-Timestamp", timestamp, "X-Signature",
                sign(SECRET, timestamp, body));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(storedEvents(order)).isEqualTo(1);
    }

    @Test
    void an_unsigned_event_is_refused() throws Exception {
        UUID order = UUID.randomUUID();
        double refusedBefore = refusedForSignature();

        var response = webhook.post(WebhookClient.orderCreated(order), "Content-Type", "application/json");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("signature required").contains("X-Timestamp").contains("X-Signature");
        assertThat(storedEvents(order)).isZero();
        assertThat(refusedForSignature() - refusedBefore).isEqualTo(1);
    }

    @Test
    void a_body_changed_after_signing_is_refused() throws Exception {
        UUID order = UUID.randomUUID();
        String body = WebhookClient.orderCreated(order);
        String timestamp = String.valueOf(Instant.now().getEpochSecond());
        String signature = sign(SECRET, timestamp, body);

        var response = webhook.post(body.replace("\"quantity\": 2", "\"quantity\": 20"), "Content-Type",
                "application/json", "X-Timestamp", timestamp, "X-Signature", signature);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("signature does not match");
        assertThat(storedEvents(order)).isZero();
    }

    @Test
    void a_signature_made_with_another_secret_is_refused() throws Exception {
        UUID order = UUID.randomUUID();
        String body = WebhookClient.orderCreated(order);
        String timestamp = String.valueOf(Instant.now().getEpochSecond());

        var response = webhook.post(body, "Content-Type", "application/json", "X-Timestamp", timestamp, "X-Signature",
                sign("another-secret", timestamp, body));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(storedEvents(order)).isZero();
    }

    @Test
    void a_request_signed_more_than_five_minutes_ago_is_refused_as_a_possible_replay() throws Exception {
        UUID order = UUID.randomUUID();
        String body = WebhookClient.orderCreated(order);
        String sixMinutesAgo = String.valueOf(Instant.now().minusSeconds(360).getEpochSecond());
        String fourMinutesAgo = String.valueOf(Instant.now().minusSeconds(240).getEpochSecond());

        var stale = webhook.post(body, "Content-Type", "application/json", "X-Timestamp", sixMinutesAgo, "X-Signature",
                sign(SECRET, sixMinutesAgo, body));
        var recent = webhook.post(body, "Content-Type", "application/json", "X-Timestamp", fourMinutesAgo,
                "X-Signature", sign(SECRET, fourMinutesAgo, body));

        assertThat(stale.statusCode()).isEqualTo(401);
        assertThat(stale.body()).contains("from shipsync's clock");
        assertThat(recent.statusCode()).isEqualTo(200);
    }

    @Test
    void a_timestamp_that_is_not_unix_seconds_is_refused() throws Exception {
        String body = WebhookClient.orderCreated(UUID.randomUUID());

        var response = webhook.post(body, "Content-Type", "application/json", "X-Timestamp", "2026-11-23T10:00:00Z",
                "X-Signature", sign(SECRET, "2026-11-23T10:00:00Z", body));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("must be unix seconds");
    }

    private static String sign(String secret, String timestamp, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return Base64.getEncoder()
            .encodeToString(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
    }

    private double refusedForSignature() {
        return metrics.get("shipsync.webhook.events").tag("reason", "bad-signature").counter().count();
    }

    private long storedEvents(UUID order) {
        return jdbc.sql("SELECT COUNT(*) FROM webhook_event WHERE order_id = :o")
            .param("o", order)
            .query(Long.class)
            .single();
    }

}
