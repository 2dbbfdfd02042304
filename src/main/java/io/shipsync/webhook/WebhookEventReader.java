package io.shipsync.webhook;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.shipsync.order.OrderStatus;
import io.shipsync.store.Store;
import io.shipsync.store.Stores;
import io.shipsync.webhook.WebhookRefusedException.Reason;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * Turns a webhook request into an {@link OrderCreatedEvent}, or refuses it with a reason
 * the sender can act on: 413 above the size limit, 400 for what is not a well-formed
 * {@code order.created} event as the TribeMade reference describes it ("Webhook Payload";
 * nullable fields may be null).
 */
@Component("webhookEventReader")
public class WebhookEventReader {

    // UUID.fromString alone also accepts short forms such as "1-1-1-1-1"
    private static final Pattern CANONICAL_UUID = Pattern
        .compile("\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12}");

    /**
     * What is kept of an event: enough to audit and replay it, none of the customer's
     * personal data.
     */
    private static final List<String> KEPT_FIELDS = List.of("event", "order_id", "store_id", "product_id", "status",
            "created_at");

    private static final List<String> KEPT_ORDER_DETAILS = List.of("quantity", "amount", "variation", "size", "color");

    private final WebhookProperties properties;

    private final Stores stores;

    private final ObjectMapper json;

    private final ObjectReader reader;

    public WebhookEventReader(WebhookProperties properties, Stores stores, ObjectMapper json) {
        this.properties = properties;
        this.stores = stores;
        this.json = json;
        this.reader = json.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // two order_id keys in one event would leave it to the parser which one
            // counts
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }

    /**
     * Checks the size and leaves the exact bytes received as the body. The content type
     * is checked before, by the {@link WebhookRequestGuard}.
     */
    public void readBody(Exchange exchange) {
        Message message = exchange.getMessage();
        long limit = properties.maxBodySize().toBytes();
        Long declared = message.getHeader(Exchange.CONTENT_LENGTH, Long.class);
        byte[] body = Optional.ofNullable(message.getBody(byte[].class)).orElse(new byte[0]);
        // the body cap lets one byte more than the limit through, so a longer body shows
        // here whatever it declared
        if ((declared != null && declared > limit) || body.length > limit) {
            throw new WebhookRefusedException(Reason.TOO_LARGE, "body is larger than " + limit
                    + " bytes (shipsync.webhook.max-body-size); an order.created event is far smaller");
        }
        message.setBody(body);
    }

    public OrderCreatedEvent parse(byte[] body) {
        if (body.length == 0) {
            throw badRequest("body is empty: expected an order.created event");
        }
        JsonNode event;
        try {
            event = reader.readTree(body);
        }
        catch (JsonProcessingException e) {
            throw badRequest("body is not valid JSON: " + e.getOriginalMessage() + " (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
        catch (IOException e) {
            throw badRequest("body could not be read as JSON: " + e.getMessage());
        }
        if (!event.isObject()) {
            throw badRequest("body must be a JSON object: an order.created event");
        }
        String type = text(event, "event");
        if (!OrderCreatedEvent.TYPE.equals(type)) {
            throw new WebhookRefusedException(Reason.NOT_ORDER_CREATED, "event \"" + type
                    + "\" is not handled here: this endpoint takes " + OrderCreatedEvent.TYPE + " events only");
        }
        UUID orderId = uuid(event, "order_id");
        UUID storeId = uuid(event, "store_id");
        Store store = stores.forPlatformStoreId(storeId.toString())
            .orElseThrow(() -> new WebhookRefusedException(Reason.UNKNOWN_STORE,
                    "store_id " + storeId
                            + " is not a store shipsync works for: no TribeMade store has it as platform-store-id, "
                            + "and none takes the events of other stores"));
        String text = text(event, "status");
        OrderStatus status = OrderStatus.parse(text)
            .orElseThrow(() -> badRequest("status \"" + text + "\" is not an order status; expected one of "
                    + Arrays.stream(OrderStatus.values())
                        .map(OrderStatus::wireName)
                        .collect(Collectors.joining(", "))));
        // what a new order is; anything else would be written into what shipsync believes
        // of the order
        if (status != OrderStatus.STARTED) {
            throw new WebhookRefusedException(Reason.NOT_NEW_ORDER, "status \"" + status
                    + "\" is not the status of a new order: an order.created event carries \"started\"");
        }
        return new OrderCreatedEvent(store.name(), orderId, storeId, status, timestamp(event, "created_at"),
                kept(event).toString());
    }

    private static String text(JsonNode event, String field) {
        JsonNode value = event.get(field);
        if (value == null || value.isNull()) {
            throw badRequest(field + " is missing");
        }
        if (!value.isTextual()) {
            throw badRequest(field + " must be a string, not " + value);
        }
        return value.asText();
    }

    private static UUID uuid(JsonNode event, String field) {
        String value = text(event, field);
        if (!CANONICAL_UUID.matcher(value).matches()) {
            throw badRequest(
                    field + " must be a UUID such as 770e8400-e29b-41d4-a716-446655440789, not \"" + value + "\"");
        }
        return UUID.fromString(value);
    }

    /** ISO 8601; the reference's example has no zone, and its timestamps are UTC. */
    private static Instant timestamp(JsonNode event, String field) {
        String value = text(event, field);
        try {
            return OffsetDateTime.parse(value).toInstant();
        }
        catch (DateTimeParseException withoutZone) {
            try {
                return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
            }
            catch (DateTimeParseException e) {
                throw badRequest(field + " must be an ISO 8601 timestamp such as 2024-11-16T10:30:45.123456Z, not \""
                        + value + "\"");
            }
        }
    }

    private ObjectNode kept(JsonNode event) {
        ObjectNode kept = json.createObjectNode();
        KEPT_FIELDS.stream().filter(event::has).forEach(f -> kept.set(f, event.get(f)));
        JsonNode details = event.get("order_details");
        if (details != null && details.isObject()) {
            ObjectNode keptDetails = kept.putObject("order_details");
            KEPT_ORDER_DETAILS.stream().filter(details::has).forEach(f -> keptDetails.set(f, details.get(f)));
        }
        return kept;
    }

    private static WebhookRefusedException badRequest(String reason) {
        return new WebhookRefusedException(Reason.MALFORMED, reason);
    }

}
