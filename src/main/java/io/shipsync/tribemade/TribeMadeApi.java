package io.shipsync.tribemade;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import io.shipsync.order.OrderStatus;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * The TribeMade order API as documented at https://docs.tribemade.in/api-reference: builds the Camel message for a
 * request to the endpoint in the status-dispatch route, and classifies the answer.
 */
@Component
public class TribeMadeApi {

    /** When a 429 carries neither {@code retry_after} nor {@code X-RateLimit-Reset}: the documented window. */
    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(60);

    private final TribeMadeProperties properties;
    private final ObjectMapper json;
    private final Clock clock;

    public TribeMadeApi(TribeMadeProperties properties, ObjectMapper json, Clock clock) {
        this.properties = properties;
        this.json = json;
        this.clock = clock;
    }

    /** {@code PUT /api/orders/{id}/status} with {@code status} and, when known, {@code tracking_url}. */
    public void prepareStatusUpdate(Message message, UUID orderId, OrderStatus status, String trackingUrl) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("status", status.wireName());
        if (trackingUrl != null) {
            body.put("tracking_url", trackingUrl);
        }
        prepare(message, "PUT", "/api/orders/" + orderId + "/status");
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        try {
            message.setBody(json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serialises", e);
        }
    }

    /** {@code GET /api/orders/{id}}: the order's current status, to verify before sending again. */
    public void prepareOrderRead(Message message, UUID orderId) {
        prepare(message, "GET", "/api/orders/" + orderId);
        message.setBody(null);
    }

    public PlatformAnswer classify(Message message) {
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        JsonNode body = parse(message.getBody(String.class));
        Optional<PlatformAnswer.RateLimit> rateLimit = rateLimit(message);
        String error = body.path("error").asText("");
        if (status >= 200 && status < 300) {
            return new PlatformAnswer.Success(body, rateLimit);
        }
        return switch (status) {
            // without the platform's JSON error this is not TribeMade speaking (a proxy, a wrong base URL):
            // retrying is right, dead-lettering the backlog would not be
            case 400, 403, 404 -> error.isEmpty()
                    ? new PlatformAnswer.Failed(status, "answer without the platform's error text", rateLimit)
                    : new PlatformAnswer.Refused(status, error, rateLimit);
            case 401 -> new PlatformAnswer.Unauthorized(error, rateLimit);
            case 429 -> new PlatformAnswer.RateLimited(retryAt(body, rateLimit), rateLimit);
            default -> new PlatformAnswer.Failed(status, error.isEmpty() ? "no error text" : error, rateLimit);
        };
    }

    private void prepare(Message message, String method, String path) {
        // nothing of the exchange's own headers may leak into the request
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_METHOD, method);
        message.setHeader(Exchange.HTTP_PATH, path);
        message.setHeader("Accept", "application/json");
        message.setHeader("X-API-Key", properties.apiKey());
    }

    private Instant retryAt(JsonNode body, Optional<PlatformAnswer.RateLimit> rateLimit) {
        if (body.path("retry_after").isNumber()) {
            return clock.instant().plusSeconds(body.path("retry_after").asLong());
        }
        return rateLimit.map(PlatformAnswer.RateLimit::reset).orElse(clock.instant().plus(DEFAULT_RETRY_AFTER));
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }

    private static Optional<PlatformAnswer.RateLimit> rateLimit(Message message) {
        Long remaining = message.getHeader("X-RateLimit-Remaining", Long.class);
        Long reset = message.getHeader("X-RateLimit-Reset", Long.class);
        if (remaining == null || reset == null) {
            return Optional.empty();
        }
        return Optional.of(new PlatformAnswer.RateLimit(remaining.intValue(), Instant.ofEpochSecond(reset)));
    }
}
