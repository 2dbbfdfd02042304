package io.shipsync.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;

/**
 * In-process fake of the Cekat order update, {@code PUT /api/orders/{id}}, as written in
 * the Cekat reference (Bearer API key, the body fields, the status values and flow, the
 * {@code {"success": true, "data": {...}}} answer with its {@code status_history}). Where
 * the reference is silent the fake decides, see below. Listens on 127.0.0.1 only.
 *
 * <p>
 * Every API request goes through these steps, and the first one that answers wins:
 * <ol>
 * <li>routing: unknown path → 404 {@code not_found}, another method on the order path →
 * 405 {@code method_not_allowed};</li>
 * <li>an injected {@link Fault.Kind#DROP_BEFORE_APPLY};</li>
 * <li>authentication: no or unknown key → 401 {@code unauthorized} (uses no rate
 * budget);</li>
 * <li>rate limit per API key (the reference publishes none; default 10 per 60 s) → 429
 * {@code rate_limited} with {@code Retry-After}; a 429 uses no budget;</li>
 * <li>an injected {@link Fault.Kind#SERVER_ERROR} → 500 {@code internal_error};</li>
 * <li>order lookup (unknown or another account's → 404 {@code not_found}), body
 * validation → 400 {@code invalid_request}, a status move the flow forbids → 409
 * {@code invalid_transition}; then the update → 200 with the order;</li>
 * <li>an injected {@link Fault.Kind#DROP_AFTER_APPLY} or {@link Fault.Kind#DELAY} acts on
 * the finished answer.</li>
 * </ol>
 * Errors are {@code {"success": false, "error": {"code": "...", "message": "..."}}} (the
 * reference shows no error). Every answer from step 4 on carries
 * {@code X-RateLimit-Limit/Remaining/Reset}, unless the sandbox is built
 * {@link Builder#withoutRateLimitHeaders() without them}.
 *
 * <p>
 * Status flow: forward along pending → paid → processing → shipped → delivered, skipping
 * steps allowed; to cancelled or refunded from any status, as the reference says (so also
 * cancelled → refunded and back). Decided here: moving back along the flow, or from
 * cancelled or refunded back into it, is a 409. Setting the status the order already has
 * is accepted but changes nothing: no {@code status_history} entry and no customer
 * notification. A real change appends {@code {status, timestamp}} to the history and
 * counts one notification.
 */
public final class CekatSandbox extends JsonApiSandbox<CekatSandbox> {

    private static final Pattern ORDER_PATH = Pattern.compile("/api/orders/([^/]+)");

    private static final List<String> FLOW = List.of("pending", "paid", "processing", "shipped", "delivered");

    private static final Set<String> EXITS = Set.of("cancelled", "refunded");

    private static final List<String> STATUSES = List.of("pending", "paid", "processing", "shipped", "delivered",
            "cancelled", "refunded");

    private static final List<String> TEXT_FIELDS = List.of("tracking_number", "tracking_url", "notes");

    private static final DateTimeFormatter ORDER_DATE = DateTimeFormatter.ofPattern("uuuu-MMdd")
        .withZone(ZoneOffset.UTC);

    private final SlidingWindowRateLimiter updateLimiter;

    private final boolean rateLimitHeaders;

    private final Set<String> apiKeys = new HashSet<>();

    private final Map<String, StoredOrder> orders = new HashMap<>();

    private int ordersAdded;

    private CekatSandbox(Builder builder) {
        super(builder.port, "cekat-sandbox", builder.clock, Set.of("PUT"));
        this.updateLimiter = new SlidingWindowRateLimiter(builder.updateLimit, builder.updateWindow);
        this.rateLimitHeaders = builder.rateLimitHeaders;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Snapshot of an order.
     *
     * @param statusHistory the starting status, then one entry per real status change,
     * oldest first
     * @param notifications customer notifications sent so far: real status changes
     * @param notes null when none was set
     * @param metadata the merged metadata, empty when none was set
     */
    public record Order(String status, String trackingNumber, String trackingUrl, List<StatusChange> statusHistory,
            int notifications, String notes, Map<String, Object> metadata) {
    }

    /** One entry of an order's {@code status_history}. */
    public record StatusChange(String status, Instant timestamp) {
    }

    // ---------------------------------------------------------------- test data

    /** An account; its API key is its identity. */
    public void addAccount(String apiKey) {
        requireText(apiKey, "apiKey");
        synchronized (lock) {
            if (!apiKeys.add(apiKey)) {
                throw new IllegalArgumentException("API key already registered");
            }
        }
    }

    /**
     * Adds an order of the account of {@code apiKey}; its status history starts with
     * {@code status}, now.
     */
    public void addOrder(String apiKey, String id, String status) {
        requireText(id, "id");
        if (id.contains("/")) {
            throw new IllegalArgumentException("order ids cannot contain '/'");
        }
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("status must be one of " + STATUSES + ", was " + status);
        }
        synchronized (lock) {
            if (!apiKeys.contains(apiKey)) {
                throw new IllegalArgumentException("unknown API key; add the account first");
            }
            if (orders.containsKey(id)) {
                throw new IllegalArgumentException("order already exists: " + id);
            }
            Instant now = clock.instant();
            String orderNumber = String.format("ORD-%s-%03d", ORDER_DATE.format(now), ++ordersAdded);
            orders.put(id, new StoredOrder(id, apiKey, orderNumber, now, status));
        }
    }

    public Order order(String id) {
        synchronized (lock) {
            return requireOrder(id).snapshot();
        }
    }

    /** Customer notifications for the order so far: one per real status change. */
    public int notifications(String id) {
        synchronized (lock) {
            return requireOrder(id).notifications;
        }
    }

    // ---------------------------------------------------------------- HTTP

    @Override
    String apiKey(Headers headers) {
        return bearerToken(headers);
    }

    @Override
    JsonNode serverErrorBody(String message) {
        return errorBody("internal_error", message);
    }

    @Override
    JsonReply route(Instant now, String method, String path, Headers headers, String apiKey, byte[] body) {
        Matcher orderPath = ORDER_PATH.matcher(path);
        if (!orderPath.matches()) {
            return error(404, "not_found", "Not found");
        }
        if (!method.equals("PUT")) {
            return error(405, "method_not_allowed", "Method not allowed").withHeader("Allow", "PUT");
        }
        Fault dropBefore = takeDropBeforeApply(method);
        if (dropBefore != null) {
            return JsonReply.dropped(dropBefore);
        }

        if (apiKey == null) {
            return error(401, "unauthorized", "Missing API key");
        }
        if (!apiKeys.contains(apiKey)) {
            return error(401, "unauthorized", "Invalid API key");
        }

        SlidingWindowRateLimiter.Decision budget = updateLimiter.tryAcquire(apiKey, now);
        if (!budget.allowed()) {
            return error(429, "rate_limited",
                    "Rate limit exceeded; retry in " + budget.retryAfterSeconds() + " seconds")
                .withHeaders(headersOf(budget))
                .withHeader("Retry-After", Long.toString(budget.retryAfterSeconds()));
        }

        Fault fault = takeFault(method);
        JsonReply reply = fault != null && fault.kind() == Fault.Kind.SERVER_ERROR
                ? error(500, "internal_error", fault.error()) : update(now, apiKey, orderPath.group(1), body);
        return reply.withHeaders(headersOf(budget)).withFault(fault);
    }

    private JsonReply update(Instant now, String apiKey, String orderId, byte[] body) {
        StoredOrder order = orders.get(orderId);
        if (order == null || !order.apiKey.equals(apiKey)) {
            return error(404, "not_found", "Order not found");
        }
        ObjectNode request = parseObject(body);
        if (request == null) {
            return invalid("Request body must be a JSON object");
        }
        JsonNode status = request.get("status");
        if (status != null && !(status.isTextual() && STATUSES.contains(status.textValue()))) {
            return invalid("status must be one of: " + String.join(", ", STATUSES));
        }
        for (String field : TEXT_FIELDS) {
            JsonNode value = request.get(field);
            if (value != null && !value.isNull() && !value.isTextual()) {
                return invalid(field + " must be a string");
            }
        }
        for (String field : List.of("metadata", "shipping_address")) {
            JsonNode value = request.get(field);
            if (value != null && !value.isObject()) {
                return invalid(field + " must be an object");
            }
        }
        String newStatus = status == null ? null : status.textValue();
        if (newStatus != null) {
            String refusal = refuseMove(order.status, newStatus);
            if (refusal != null) {
                return error(409, "invalid_transition", refusal);
            }
        }

        if (newStatus != null && !newStatus.equals(order.status)) {
            order.status = newStatus;
            order.statusHistory.add(new StatusChange(newStatus, now));
            order.notifications++;
        }
        if (request.has("tracking_number")) {
            order.trackingNumber = request.get("tracking_number").textValue();
        }
        if (request.has("tracking_url")) {
            order.trackingUrl = request.get("tracking_url").textValue();
        }
        if (request.has("notes")) {
            order.notes = request.get("notes").textValue();
        }
        if (request.has("metadata")) {
            // A partial update, as the reference says: given keys are set, a key given as
            // null is removed.
            request.get("metadata").fields().forEachRemaining(entry -> {
                if (entry.getValue().isNull()) {
                    order.metadata.remove(entry.getKey());
                }
                else {
                    order.metadata.set(entry.getKey(), entry.getValue().deepCopy());
                }
            });
        }
        if (request.has("shipping_address")) {
            order.shippingAddress = request.get("shipping_address").deepCopy();
        }
        order.updatedAt = now;
        ObjectNode answer = JSON.createObjectNode().put("success", true);
        answer.set("data", order.render());
        return JsonReply.ok(answer);
    }

    /** Why the order cannot move from {@code from} to {@code to}, or null when it can. */
    private static String refuseMove(String from, String to) {
        if (from.equals(to) || EXITS.contains(to)) {
            return null;
        }
        if (EXITS.contains(from)) {
            return "Order is " + from + "; its status cannot change to " + to;
        }
        if (FLOW.indexOf(to) < FLOW.indexOf(from)) {
            return "Order is " + from + "; its status cannot move back to " + to;
        }
        return null;
    }

    private Map<String, String> headersOf(SlidingWindowRateLimiter.Decision budget) {
        return rateLimitHeaders ? budget.headers() : Map.of();
    }

    private static JsonReply invalid(String message) {
        return error(400, "invalid_request", message);
    }

    private static JsonReply error(int status, String code, String message) {
        return JsonReply.of(status, errorBody(code, message));
    }

    private static ObjectNode errorBody(String code, String message) {
        ObjectNode body = JSON.createObjectNode().put("success", false);
        body.putObject("error").put("code", code).put("message", message);
        return body;
    }

    private StoredOrder requireOrder(String id) {
        StoredOrder order = orders.get(id);
        if (order == null) {
            throw new IllegalArgumentException("no such order: " + id);
        }
        return order;
    }

    // ---------------------------------------------------------------- internals

    private static final class StoredOrder {

        final String id;

        final String apiKey;

        final String orderNumber;

        Instant updatedAt;

        String status;

        String trackingNumber;

        String trackingUrl;

        String notes;

        final ObjectNode metadata = JSON.createObjectNode();

        JsonNode shippingAddress;

        final List<StatusChange> statusHistory = new ArrayList<>();

        int notifications;

        StoredOrder(String id, String apiKey, String orderNumber, Instant createdAt, String status) {
            this.id = id;
            this.apiKey = apiKey;
            this.orderNumber = orderNumber;
            this.updatedAt = createdAt;
            this.status = status;
            this.statusHistory.add(new StatusChange(status, createdAt));
        }

        Order snapshot() {
            Map<String, Object> metadataCopy = JSON.convertValue(metadata, new TypeReference<Map<String, Object>>() {
            });
            return new Order(status, trackingNumber, trackingUrl, List.copyOf(statusHistory), notifications, notes,
                    metadataCopy);
        }

        ObjectNode render() {
            ObjectNode order = JSON.createObjectNode();
            order.put("id", id);
            order.put("order_number", orderNumber);
            order.put("status", status);
            order.put("tracking_number", trackingNumber);
            order.put("tracking_url", trackingUrl);
            order.put("notes", notes);
            order.put("updated_at", text(updatedAt));
            ArrayNode history = order.putArray("status_history");
            for (StatusChange change : statusHistory) {
                history.addObject().put("status", change.status()).put("timestamp", text(change.timestamp()));
            }
            return order;
        }

        private static String text(Instant instant) {
            return instant.truncatedTo(ChronoUnit.SECONDS).toString();
        }

    }

    public static final class Builder {

        private int port = 0;

        private int updateLimit = 10;

        private Duration updateWindow = Duration.ofSeconds(60);

        private Clock clock = Clock.systemUTC();

        private boolean rateLimitHeaders = true;

        private Builder() {
        }

        /** 0 (the default) picks a free port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Budget for order updates per API key; the reference publishes none, the default
         * is 10 per minute.
         */
        public Builder updateLimit(int requests, Duration window) {
            this.updateLimit = requests;
            this.updateWindow = Objects.requireNonNull(window, "window");
            return this;
        }

        /**
         * Time source for rate limiting, updated_at and status_history timestamps; lets
         * tests step time.
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Without X-RateLimit-* headers: only the 429's Retry-After tells the client
         * about the limit.
         */
        public Builder withoutRateLimitHeaders() {
            this.rateLimitHeaders = false;
            return this;
        }

        public CekatSandbox build() {
            return new CekatSandbox(this);
        }

    }

}
