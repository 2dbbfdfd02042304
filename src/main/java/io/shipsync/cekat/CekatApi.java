package io.shipsync.cekat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.shipsync.courier.CourierCatalog;
import io.shipsync.order.OrderStatus;
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
 * The Cekat order API ({@code PUT /api/orders/{id}}), for the wire route
 * {@code direct:cekat-update}. Answers come in Cekat's envelope, {@code {"success": true,
 * "data": {..., "status", "status_history"}}}.
 *
 * <p>
 * Cekat documents no order read. A {@code PUT} sets a state: sending the same status
 * again, after an answer was lost, changes nothing if the first request arrived (the
 * order is already in it, and {@code status_history} shows it entered once) and applies
 * it if not. So an unknown outcome is resolved by sending the same request again.
 */
@Component("cekatApi")
public class CekatApi implements PlatformAdapter {

    private final PlatformHttp http;

    private final CourierCatalog couriers;

    public CekatApi(PlatformHttp http, CourierCatalog couriers) {
        this.http = http;
        this.couriers = couriers;
    }

    @Override
    public Platform platform() {
        return Platform.CEKAT;
    }

    @Override
    public void prepareUpdate(Message message, @ExchangeProperty(PlatformRequest.PROPERTY) PlatformRequest request) {
        OrderStatus status = request.status();
        Map<String, String> body = new LinkedHashMap<>();
        body.put("status", status == OrderStatus.DISPATCHED ? "shipped" : status.wireName());
        String trackingUrl = request.update().trackingUrl();
        if (status == OrderStatus.DISPATCHED && trackingUrl != null) {
            couriers.recognise(trackingUrl).ifPresent(known -> body.put("tracking_number", known.awb()));
            body.put("tracking_url", trackingUrl);
        }
        http.newRequest(message);
        http.jsonBody(message, body);
        message.setHeader("Authorization", "Bearer " + request.store().apiKey());
    }

    /**
     * 2xx with {@code success: true} is the order after the change; 403 is a key without
     * write access.
     */
    @Override
    public PlatformAnswer classifyUpdate(Message message) {
        JsonNode body = http.body(message);
        int status = http.status(message);
        PlatformAnswer.Outcome outcome = http.common(message, body).orElseGet(() -> {
            if (status >= 200 && status < 300) {
                return body.path("success").asBoolean(false)
                        ? new PlatformAnswer.Applied(fromWire(body.path("data").path("status").asText(null)))
                        : new PlatformAnswer.Failed(status, "answer without Cekat's success envelope");
            }
            if (status == 403) {
                return PlatformHttp.keyMayNotWrite(body, "");
            }
            return http.refusal(status, body);
        });
        return http.answer(message, outcome);
    }

    /**
     * Cekat's {@code status} in shipsync's words: pending and paid come before
     * processing; refunded is final, as cancelled is.
     */
    static Optional<OrderStatus> fromWire(String status) {
        if (status == null) {
            return Optional.empty();
        }
        return switch (status) {
            case "pending", "paid" -> Optional.of(OrderStatus.STARTED);
            case "shipped" -> Optional.of(OrderStatus.DISPATCHED);
            case "processing", "delivered", "cancelled", "refunded" -> OrderStatus.parse(status);
            default -> Optional.empty();
        };
    }

}
