package io.shipsync.webhook;

import java.util.UUID;

import io.shipsync.EndToEndTest;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Authentication is on by default: with no token and no secret configured, the webhook
 * takes nothing.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnconfiguredWebhookTest extends EndToEndTest {

    @LocalServerPort
    private int port;

    @Autowired
    private MeterRegistry metrics;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        configure(registry, 20, 50);
        registry.add("shipsync.webhook.token", () -> "");
        registry.add("shipsync.webhook.hmac-secret", () -> "");
    }

    @Test
    void every_request_is_refused_and_the_log_says_why(CapturedOutput output) throws Exception {
        UUID order = UUID.randomUUID();

        var withToken = new WebhookClient(port).postWithQuery("?token=anything", WebhookClient.orderCreated(order),
                "Content-Type", "application/json", "X-Webhook-Token", "anything");

        assertThat(withToken.statusCode()).isEqualTo(401);
        assertThat(withToken.body()).contains("no credential configured");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM webhook_event").query(Long.class).single()).isZero();
        assertThat(output.getAll()).contains("The order webhook (POST /webhook/orders) refuses every request");
        assertThat(metrics.get("shipsync.webhook.events").tag("reason", "no-credential").counter().count())
            .isEqualTo(1);
    }

}
