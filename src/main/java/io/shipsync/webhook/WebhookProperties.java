package io.shipsync.webhook;

import java.time.Duration;

import io.shipsync.order.OrderStatus;
import io.shipsync.order.StatusTransitions;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The order webhook, {@code POST /webhook/orders}.
 *
 * @param token shared token the sender puts in {@code X-Webhook-Token} or the
 * {@code token} query parameter
 * @param hmacSecret when set, every request must also be signed: {@code X-Timestamp} and
 * {@code X-Signature}
 * @param maxBodySize a larger body is refused with 413 before more of it is read
 * @param autoStatus the status update each new order gets through the outbox; none when
 * empty
 * @param pollInterval how often stored events are checked for processing
 */
@Validated
@ConfigurationProperties("shipsync.webhook")
public record WebhookProperties(@DefaultValue("") String token, @DefaultValue("") String hmacSecret,
        @DefaultValue("64KB") DataSize maxBodySize, OrderStatus autoStatus,
        @DefaultValue("500ms") Duration pollInterval) {

    /**
     * A webhook body larger than this is no order event; it also bounds the stored
     * payload's column.
     */
    private static final DataSize LARGEST_BODY = DataSize.ofMegabytes(1);

    public WebhookProperties {
        if (maxBodySize.compareTo(LARGEST_BODY) > 0) {
            throw new IllegalArgumentException(
                    "shipsync.webhook.max-body-size (" + maxBodySize + ") may be at most " + LARGEST_BODY);
        }
        if (autoStatus != null && !(StatusTransitions.next(OrderStatus.STARTED, autoStatus, true,
                false) instanceof StatusTransitions.Send)) {
            throw new IllegalArgumentException("shipsync.webhook.auto-status: a new order cannot be moved to "
                    + autoStatus + " (it is started and an order.created event has no tracking link); use processing,"
                    + " or leave it empty");
        }
    }

    public boolean hasToken() {
        return !token.isBlank();
    }

    public boolean hasHmacSecret() {
        return !hmacSecret.isBlank();
    }

    @Override
    public String toString() {
        return "WebhookProperties[token=" + (hasToken() ? "(set)" : "(none)") + ", hmacSecret="
                + (hasHmacSecret() ? "(set)" : "(none)") + ", maxBodySize=" + maxBodySize + ", autoStatus=" + autoStatus
                + ", pollInterval=" + pollInterval + "]";
    }
}
