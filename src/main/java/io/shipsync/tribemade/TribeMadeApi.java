package io.shipsync.tribemade;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

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
 * The TribeMade order API as documented at https://docs.tribemade.in/api-reference, for
 * the wire routes {@code direct:tribemade-update} ({@code PUT /api/orders/{id}/status})
 * and {@code direct:tribemade-read} ({@code GET /api/orders/{id}}).
 */
@Component("tribemadeApi")
public class TribeMadeApi implements PlatformAdapter {

    private final PlatformHttp http;

    public TribeMadeApi(PlatformHttp http) {
        this.http = http;
    }

    @Override
    public Platform platform() {
        return Platform.TRIBEMADE;
    }

    /**
     * {@code status} and, on the way to dispatched or at the update's target, its
     * {@code tracking_url}.
     */
    @Override
    public void prepareUpdate(Message message, @ExchangeProperty(PlatformRequest.PROPERTY) PlatformRequest request) {
        OrderStatus status = request.status();
        Map<String, String> body = new LinkedHashMap<>();
        body.put("status", status.wireName());
        String trackingUrl = request.update().trackingUrl();
        if (trackingUrl != null && (status == OrderStatus.DISPATCHED || status == request.update().targetStatus())) {
            body.put("tracking_url", trackingUrl);
        }
        credentials(message, request);
        http.jsonBody(message, body);
    }

    @Override
    public PlatformAnswer classifyUpdate(Message message) {
        JsonNode body = http.body(message);
        return http.answer(message, http.common(message, body)
            .orElseGet(() -> success(message) ? new PlatformAnswer.Applied(Optional.empty()) : refusal(message, body)));
    }

    @Override
    public void prepareRead(Message message, @ExchangeProperty(PlatformRequest.PROPERTY) PlatformRequest request) {
        credentials(message, request);
        message.setBody(null);
    }

    @Override
    public PlatformAnswer classifyRead(Message message) {
        JsonNode body = http.body(message);
        return http.answer(message, http.common(message, body).orElseGet(() -> {
            if (!success(message)) {
                return refusal(message, body);
            }
            return OrderStatus
                .parse(body.path("status").asText(null)).<PlatformAnswer
                        .Outcome>map(
                                status -> new PlatformAnswer.OrderRead(status, body.path("tracking_url").asText(null)))
                .orElseGet(() -> new PlatformAnswer.Failed(http.status(message),
                        "the order answer had no known status: " + body.path("status")));
        }));
    }

    private boolean success(Message message) {
        int status = http.status(message);
        return status >= 200 && status < 300;
    }

    /**
     * 400, 403 and 404 are TribeMade's documented refusals; any other code is not one it
     * documents.
     */
    private PlatformAnswer.Outcome refusal(Message message, JsonNode body) {
        int status = http.status(message);
        return switch (status) {
            case 400, 403, 404 -> http.refusal(status, body);
            default -> new PlatformAnswer.Failed(status,
                    PlatformHttp.errorText(body).isEmpty() ? "no error text" : PlatformHttp.errorText(body));
        };
    }

    private void credentials(Message message, PlatformRequest request) {
        http.newRequest(message);
        message.setHeader("X-API-Key", request.store().apiKey());
    }

}
