package io.shipsync.webhook;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The webhook's answers, always JSON. Every refusal says what to change; a 2xx goes out
 * only for an event that is committed to the database.
 */
@Component("webhookReplies")
public class WebhookReplies {

    private static final Logger log = LoggerFactory.getLogger(WebhookReplies.class);

    private final ObjectMapper json;

    public WebhookReplies(ObjectMapper json) {
        this.json = json;
    }

    /**
     * The event is stored: 200, for a redelivery too, so the platform stops sending it.
     */
    public void accepted(Exchange exchange) {
        WebhookEvents.Stored stored = exchange.getMessage().getBody(WebhookEvents.Stored.class);
        OrderCreatedEvent event = stored.event();
        if (stored.duplicate()) {
            log.info("Webhook {} for order {} (store {}) received again, delivery {}: already stored as event {}",
                    OrderCreatedEvent.TYPE, event.orderId(), event.storeId(), stored.deliveries(), stored.eventId());
        }
        else {
            log.info("Webhook {} for order {} (store {}, placed {}, {}) stored as event {}: {}", OrderCreatedEvent.TYPE,
                    event.orderId(), event.storeId(), event.orderedAt(), event.status(), stored.eventId(),
                    event.payload());
        }
        var body = new LinkedHashMap<String, Object>();
        body.put("status", stored.duplicate() ? "duplicate" : "accepted");
        body.put("event_id", stored.eventId());
        reply(exchange, 200, body);
    }

    /** A request shipsync does not accept, with the reason. */
    public void refused(Exchange exchange) {
        WebhookRefusedException refusal = exchange.getProperty(Exchange.EXCEPTION_CAUGHT,
                WebhookRefusedException.class);
        log.warn("Webhook request refused with {}: {}", refusal.httpStatus(), refusal.getMessage());
        reply(exchange, refusal.httpStatus(), Map.of("error", refusal.getMessage()));
    }

    /** The event could not be committed: 503, so the platform sends it again. */
    public void unavailable(Exchange exchange) {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        log.error("Webhook event not stored, answered 503 so that the platform sends it again: {}", failure.toString());
        reply(exchange, 503, Map.of("error",
                "shipsync cannot store the event right now; it was not accepted, send it " + "again later"));
        exchange.getMessage().setHeader("Retry-After", "30");
    }

    /**
     * Anything else that went wrong: the event was not stored, and the answer says so
     * without internals.
     */
    public void failed(Exchange exchange) {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        log.error("Webhook request failed; the event was not stored", failure);
        reply(exchange, 500,
                Map.of("error", "shipsync failed to handle the event; it was not accepted, send it again"));
    }

    /** The JSON body of a refusal. */
    public String error(String reason) {
        return json(Map.of("error", reason));
    }

    private void reply(Exchange exchange, int status, Map<String, Object> body) {
        Message message = exchange.getMessage();
        // platform-http writes message headers back as response headers: the request's,
        // credentials included,
        // must not be echoed
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(json(body));
    }

    private String json(Map<String, Object> body) {
        try {
            return json.writeValueAsString(body);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and numbers is always JSON", e);
        }
    }

}
