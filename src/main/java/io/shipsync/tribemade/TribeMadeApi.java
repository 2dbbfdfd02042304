package io.shipsync.tribemade;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.shipsync.order.OrderStatus;
import io.shipsync.platform.AnswerReader;
import io.shipsync.platform.PlatformAdapter;
import io.shipsync.platform.PlatformAnswer;
import io.shipsync.platform.PlatformRequest;
import io.shipsync.store.Platform;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * The TribeMade order API as documented at https://docs.tribemade.in/api-reference, for the wire routes
 * {@code direct:tribemade-update} ({@code PUT /api/orders/{id}/status}) and {@code direct:tribemade-read}
 * ({@code GET /api/orders/{id}}).
 */
@Component("tribemadeApi")
public class TribeMadeApi implements PlatformAdapter {

    private final AnswerReader answers;
    private final ObjectMapper json;

    public TribeMadeApi(AnswerReader answers, ObjectMapper json) {
        this.answers = answers;
        this.json = json;
    }

    @Override
    public Platform platform() {
        return Platform.TRIBEMADE;
    }

    /** {@code status} and, on the way to dispatched or at the update's target, its {@code tracking_url}. */
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
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        try {
            message.setBody(json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serialises", e);
        }
    }

    @Override
    public PlatformAnswer classifyUpdate(Message message) {
        JsonNode body = answers.body(message);
        return new PlatformAnswer(answers.common(message, body)
                .orElseGet(() -> success(message) ? new PlatformAnswer.Applied(Optional.empty())
                        : refusal(message, body)),
                answers.rateLimit(message));
    }

    @Override
    public void prepareRead(Message message, @ExchangeProperty(PlatformRequest.PROPERTY) PlatformRequest request) {
        credentials(message, request);
        message.setBody(null);
    }

    @Override
    public PlatformAnswer classifyRead(Message message) {
        JsonNode body = answers.body(message);
        return new PlatformAnswer(answers.common(message, body).orElseGet(() -> {
            if (!success(message)) {
                return refusal(message, body);
            }
            return OrderStatus.parse(body.path("status").asText(null))
                    .<PlatformAnswer.Outcome>map(status -> new PlatformAnswer.OrderRead(status,
                            body.path("tracking_url").asText(null)))
                    .orElseGet(() -> new PlatformAnswer.Failed(answers.status(message),
                            "the order answer had no known status: " + body.path("status")));
        }), answers.rateLimit(message));
    }

    private boolean success(Message message) {
        int status = answers.status(message);
        return status >= 200 && status < 300;
    }

    /** 400, 403 and 404 are TribeMade's documented refusals; any other code is not one it documents. */
    private PlatformAnswer.Outcome refusal(Message message, JsonNode body) {
        int status = answers.status(message);
        return switch (status) {
            case 400, 403, 404 -> answers.refusal(status, body);
            default -> new PlatformAnswer.Failed(status, AnswerReader.errorText(body).isEmpty() ? "no error text"
                    : AnswerReader.errorText(body));
        };
    }

    private static void credentials(Message message, PlatformRequest request) {
        // nothing of the exchange's own headers may leak into the request
        message.removeHeaders("*");
        message.setHeader("Accept", "application/json");
        message.setHeader("X-API-Key", request.store().apiKey());
    }
}
