package io.shipsync.webhook;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * The webhook's answers, always JSON. Every refusal says what to change; a 2xx goes out
 * only for an event that is committed to the database.
 */
@Component("webhookReplies")
public class WebhookReplies {

    private final ObjectMapper json;

    private final WebhookOutcomes outcomes;

    WebhookReplies(ObjectMapper json, WebhookOutcomes outcomes) {
        this.json = json;
        this.outcomes = outcomes;
    }

    /**
     * The event is stored: 200, for a redelivery too, so the platform stops sending it.
     */
    public void accepted(Exchange exchange) {
        WebhookEvents.Stored stored = exchange.getMessage().getBody(WebhookEvents.Stored.class);
        outcomes.stored(stored);
        var body = new LinkedHashMap<String, Object>();
        body.put("status", stored.duplicate() ? "duplicate" : "accepted");
        body.put("event_id", stored.eventId());
        reply(exchange, 200, body);
    }

    /** A request shipsync does not accept, with the reason. */
    public void refused(Exchange exchange) {
        WebhookRefusedException refusal = exchange.getProperty(Exchange.EXCEPTION_CAUGHT,
                WebhookRefusedException.class);
        outcomes.refused(refusal.reason(), refusal.getMessage());
        reply(exchange, refusal.httpStatus(), Map.of("error", refusal.getMessage()));
    }

    /** The event could not be committed: 503, so the platform sends it again. */
    public void unavailable(Exchange exchange) {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        outcomes.unavailable(failure);
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
        outcomes.failed(failure);
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
