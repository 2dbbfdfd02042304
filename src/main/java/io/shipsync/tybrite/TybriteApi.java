package io.shipsync.tybrite;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.shipsync.courier.CourierCatalog;
import io.shipsync.order.OrderStatus;
import io.shipsync.outbox.StatusUpdate;
import io.shipsync.platform.PlatformAdapter;
import io.shipsync.platform.PlatformAnswer;
import io.shipsync.platform.PlatformHttp;
import io.shipsync.platform.PlatformRequest;
import io.shipsync.store.Platform;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * The Tybrite Labs order API ({@code PATCH /v1/orders/{id}}), for the wire route
 * {@code direct:tybrite-update}.
 *
 * <p>
 * Every request is signed: {@code X-Timestamp} (unix seconds; the server takes five
 * minutes either way) and {@code X-Signature} = base64(HMAC-SHA256(HMAC secret, timestamp
 * + "." + body)). Its {@code Idempotency-Key} is the same for every try of one step of
 * one update, and so is its body, so a request sent again after a lost answer can never
 * apply twice: the platform answers a replayed key with its first answer. That is how an
 * unknown outcome is resolved here, as Tybrite documents no order read: the request is
 * sent again, re-signed with a fresh timestamp.
 */
@Component("tybriteApi")
public class TybriteApi implements PlatformAdapter {

    private final PlatformHttp http;

    private final CourierCatalog couriers;

    private final Clock clock;

    public TybriteApi(PlatformHttp http, CourierCatalog couriers, Clock clock) {
        this.http = http;
        this.couriers = couriers;
        this.clock = clock;
    }

    @Override
    public Platform platform() {
        return Platform.TYBRITE;
    }

    @Override
    public void prepareUpdate(Message message, @ExchangeProperty(PlatformRequest.PROPERTY) PlatformRequest request) {
        http.newRequest(message);
        byte[] body = http.jsonBody(message, body(request.update(), request.status()));
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        message.setHeader("Authorization", "Bearer " + request.store().apiKey());
        message.setHeader("Idempotency-Key", idempotencyKey(request.update(), request.status()));
        message.setHeader("X-Timestamp", timestamp);
        message.setHeader("X-Signature", signature(request.store().hmacSecret(), timestamp, body));
    }

    /**
     * The documented shape {@code update-{operation}-{order_id}-...}, ended by the
     * update's id rather than a time: one key per step of one update, whenever and
     * however often it is sent. A replay from a dead letter (a person's decision after a
     * refusal) is a new request, so it adds {@code -r<n>}: the same key would only fetch
     * the platform's stored answer to the refused one.
     */
    static String idempotencyKey(StatusUpdate update, OrderStatus status) {
        String key = "update-" + wireStatus(status) + "-" + update.orderId() + "-" + update.id();
        return update.replays() == 0 ? key : key + "-r" + update.replays();
    }

    /**
     * shipsync's status in Tybrite's words. The times are when the update joined the
     * outbox (the warehouse's word that it happened), not when it is sent: the body of a
     * try sent again must be the same.
     */
    Map<String, String> body(StatusUpdate update, OrderStatus status) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("order_status", wireStatus(status));
        String when = update.createdAt().truncatedTo(ChronoUnit.SECONDS).toString();
        if (status == OrderStatus.DISPATCHED && update.trackingUrl() != null) {
            // Tybrite keeps a tracking number, not a link: the AWB when the link is a
            // known courier's
            body.put("tracking_number",
                    couriers.recognise(update.trackingUrl())
                        .map(CourierCatalog.Recognised::awb)
                        .orElse(update.trackingUrl()));
        }
        if (status == OrderStatus.DISPATCHED) {
            body.put("shipped_at", when);
        }
        else if (status == OrderStatus.DELIVERED) {
            body.put("delivered_at", when);
        }
        return body;
    }

    static String signature(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(mac.doFinal(body));
        }
        catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /**
     * 200 is the order after the change; 403 is a publishable key (read-only): a
     * credential problem, as 401 is. Other 4xx with an error are refusals.
     */
    @Override
    public PlatformAnswer classifyUpdate(Message message) {
        JsonNode body = http.body(message);
        int status = http.status(message);
        PlatformAnswer.Outcome outcome = http.common(message, body).orElseGet(() -> {
            if (status >= 200 && status < 300) {
                return new PlatformAnswer.Applied(fromWire(body.path("order_status").asText(null)));
            }
            if (status == 403) {
                return PlatformHttp.keyMayNotWrite(body, "; a publishable key (tybrite_pk_...) cannot update orders");
            }
            return http.refusal(status, body);
        });
        return http.answer(message, outcome);
    }

    private static String wireStatus(OrderStatus status) {
        return switch (status) {
            case DISPATCHED -> "shipped";
            case STARTED -> "pending";
            default -> status.wireName();
        };
    }

    /**
     * Tybrite's {@code order_status} in shipsync's words: pending comes before
     * processing.
     */
    static Optional<OrderStatus> fromWire(String status) {
        if (status == null) {
            return Optional.empty();
        }
        return switch (status) {
            case "pending" -> Optional.of(OrderStatus.STARTED);
            case "shipped" -> Optional.of(OrderStatus.DISPATCHED);
            case "processing", "delivered", "cancelled" -> OrderStatus.parse(status);
            default -> Optional.empty();
        };
    }

}
