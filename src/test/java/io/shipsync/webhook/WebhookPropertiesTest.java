package io.shipsync.webhook;

import java.time.Duration;

import io.shipsync.order.OrderStatus;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Settings the webhook cannot work with are refused at start-up, with the key and what to
 * do.
 */
class WebhookPropertiesTest {

    @Test
    void an_auto_status_a_new_order_cannot_reach_without_a_tracking_link_is_refused() {
        assertThat(properties(OrderStatus.PROCESSING, DataSize.ofKilobytes(64)).autoStatus())
            .isEqualTo(OrderStatus.PROCESSING);
        for (OrderStatus unreachable : new OrderStatus[] { OrderStatus.STARTED, OrderStatus.DISPATCHED,
                OrderStatus.DELIVERED }) {
            assertThatThrownBy(() -> properties(unreachable, DataSize.ofKilobytes(64)))
                .hasMessageContaining("shipsync.webhook.auto-status")
                .hasMessageContaining("use processing");
        }
    }

    @Test
    void a_body_limit_over_one_megabyte_is_refused() {
        assertThatThrownBy(() -> properties(null, DataSize.ofMegabytes(2)))
            .hasMessageContaining("shipsync.webhook.max-body-size (2097152B) may be at most 1048576B");
    }

    @Test
    void secrets_never_show_in_its_text() {
        String text = new WebhookProperties("the-token-value", "the-secret-value", DataSize.ofKilobytes(64), null,
                Duration.ofMillis(500))
            .toString();

        assertThat(text).doesNotContain("the-token-value").doesNotContain("the-secret-value").contains("token=(set)");
    }

    private static WebhookProperties properties(OrderStatus autoStatus, DataSize maxBodySize) {
        return new WebhookProperties("token", "", maxBodySize, autoStatus, Duration.ofMillis(500));
    }

}
