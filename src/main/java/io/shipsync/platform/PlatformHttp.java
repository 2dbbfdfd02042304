package io.shipsync.platform;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * What the platforms' HTTP calls share: a request of JSON with nothing of the exchange's
 * own headers, and an answer with a status code, a JSON body and rate-limit headers.
 */
@Component
public class PlatformHttp {

    /**
     * When a 429 says nothing of when to come back: a minute, the window every documented
     * limit uses.
     */
    static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(60);

    private final ObjectMapper json;

    private final Clock clock;

    public PlatformHttp(ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    /**
     * Starts a request on the message: the exchange's own headers are removed, so none of
     * them can leak to the platform, and JSON is asked for.
     */
    public void newRequest(Message message) {
        message.removeHeaders("*");
        message.setHeader("Accept", "application/json");
    }

    /**
     * A JSON object of strings as the request body; its bytes, for a signature over them.
     */
    public byte[] jsonBody(Message message, Map<String, String> fields) {
        byte[] body;
        try {
            body = json.writeValueAsBytes(fields);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serialises", e);
        }
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(body);
        return body;
    }

    public int status(Message message) {
        return message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
    }

    public JsonNode body(Message message) {
        String body = message.getBody(String.class);
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return json.readTree(body);
        }
        catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }

    /**
     * The platform's words for an error: {@code "error": "..."}, {@code "error":
     * {"message": "..."}} or {@code "message"}.
     */
    public static String errorText(JsonNode body) {
        JsonNode error = body.path("error");
        if (error.isTextual()) {
            return error.asText();
        }
        if (error.path("message").isTextual()) {
            return error.path("message").asText();
        }
        return body.path("message").asText("");
    }

    /**
     * The answer with its outcome, its rate-limit headers, and the time it came: now, as
     * it is classified.
     */
    public PlatformAnswer answer(Message message, PlatformAnswer.Outcome outcome) {
        return new PlatformAnswer(outcome, rateLimit(message), clock.instant());
    }

    /** {@code X-RateLimit-Remaining} and {@code X-RateLimit-Reset}, when both came. */
    public Optional<PlatformAnswer.RateLimit> rateLimit(Message message) {
        Long remaining = message.getHeader("X-RateLimit-Remaining", Long.class);
        Long reset = message.getHeader("X-RateLimit-Reset", Long.class);
        if (remaining == null || reset == null) {
            return Optional.empty();
        }
        return Optional.of(new PlatformAnswer.RateLimit(remaining.intValue(), Instant.ofEpochSecond(reset)));
    }

    /**
     * When a 429 lets requests go again: a {@code retry_after} in the body, a
     * {@code Retry-After} header (seconds or an HTTP date), {@code X-RateLimit-Reset}, or
     * a minute.
     */
    public Instant retryAt(Message message, JsonNode body) {
        Instant now = clock.instant();
        if (body.path("retry_after").isNumber()) {
            return now.plusSeconds(body.path("retry_after").asLong());
        }
        String header = message.getHeader("Retry-After", String.class);
        if (header != null && !header.isBlank()) {
            try {
                return now.plusSeconds(Long.parseLong(header.trim()));
            }
            catch (NumberFormatException notSeconds) {
                try {
                    return ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                }
                catch (DateTimeParseException notADate) {
                    // neither form: fall through to the other signs
                }
            }
        }
        return rateLimit(message).map(PlatformAnswer.RateLimit::reset).orElse(now.plus(DEFAULT_RETRY_AFTER));
    }

    /**
     * The codes every platform shares: 401 (credentials), 429 (wait), 5xx and anything
     * unexpected (may pass; the request may have been applied). Empty for the codes each
     * adapter reads itself.
     */
    public Optional<PlatformAnswer.Outcome> common(Message message, JsonNode body) {
        int status = status(message);
        String error = errorText(body);
        if (status == 401) {
            return Optional.of(new PlatformAnswer.Unauthorized(status, error.isEmpty() ? "Unauthorized" : error));
        }
        if (status == 429) {
            return Optional.of(new PlatformAnswer.RateLimited(retryAt(message, body)));
        }
        if (status >= 500 || status < 200 || (status >= 300 && status < 400)) {
            return Optional.of(new PlatformAnswer.Failed(status, error.isEmpty() ? "no error text" : error));
        }
        return Optional.empty();
    }

    /**
     * A 403 from a platform whose 403 means the key may not write: a credential problem,
     * as a 401 is.
     */
    public static PlatformAnswer.Outcome keyMayNotWrite(JsonNode body, String hint) {
        String error = errorText(body);
        return new PlatformAnswer.Unauthorized(403, (error.isEmpty() ? "Forbidden" : error) + hint);
    }

    /**
     * A 4xx refusal, read only when the platform said why: without its error text it is
     * not the platform speaking.
     */
    public PlatformAnswer.Outcome refusal(int status, JsonNode body) {
        String error = errorText(body);
        return error.isEmpty() ? new PlatformAnswer.Failed(status, "answer without the platform's error text")
                : new PlatformAnswer.Refused(status, error);
    }

}
