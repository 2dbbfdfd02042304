package io.shipsync.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;

/**
 * In-process fake of the TribeMade order API: {@code GET /api/orders/{id}} and {@code PUT
 * /api/orders/{id}/status}, as written in the TribeMade reference (paths,
 * {@code X-API-Key}, bodies, error strings, status codes, rate limits and rate-limit
 * headers). Listens on 127.0.0.1 only. Plain Java so tests can start one per test on a
 * random port.
 *
 * <p>
 * Every API request goes through these steps, and the first one that answers wins:
 * <ol>
 * <li>routing: unknown path → 404 {@code "Not found"}, wrong method on a known path →
 * 405;</li>
 * <li>an injected {@link Fault.Kind#DROP_BEFORE_APPLY};</li>
 * <li>authentication → 401 (does not use rate budget);</li>
 * <li>rate limit, separate budgets for reads and updates → 429 (a 429 does not use budget
 * either);</li>
 * <li>an injected {@link Fault.Kind#SERVER_ERROR} → 500;</li>
 * <li>order lookup → 404 / 403, then body validation → 400, then the read or the
 * update;</li>
 * <li>an injected {@link Fault.Kind#DROP_AFTER_APPLY} or {@link Fault.Kind#DELAY} acts on
 * the finished answer.</li>
 * </ol>
 * Every answer from step 4 on carries {@code X-RateLimit-Limit/Remaining/Reset} of the
 * budget it used, unless the sandbox is built {@link Builder#withoutRateLimitHeaders()
 * without them}.
 *
 * <p>
 * The request log, fault injection and the writing of answers (also how a connection is
 * dropped) are {@link JsonApiSandbox}'s, shared with the other platform fakes.
 */
public final class TribeMadeSandbox extends JsonApiSandbox<TribeMadeSandbox> {

    private static final Pattern ORDER_PATH = Pattern.compile("/api/orders/([^/]+)");

    private static final Pattern STATUS_PATH = Pattern.compile("/api/orders/([^/]+)/status");

    // UUID.fromString alone also accepts short forms such as "1-1-1-1-1", which the real
    // API would not find.
    private static final Pattern CANONICAL_UUID = Pattern
        .compile("\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12}");

    private static final Set<String> ALL_STATUSES = Set.of("started", "processing", "dispatched", "delivered",
            "cancelled");

    private static final Set<String> SETTABLE_STATUSES = Set.of("processing", "dispatched", "cancelled", "delivered");

    private static final Set<String> FINAL_STATUSES = Set.of("delivered", "cancelled");

    private final SlidingWindowRateLimiter updateLimiter;

    private final SlidingWindowRateLimiter readLimiter;

    private final boolean rateLimitHeaders;

    private final Map<String, UUID> storeByApiKey = new HashMap<>();

    private final Set<String> revokedApiKeys = new HashSet<>();

    private final Map<UUID, StoredOrder> orders = new HashMap<>();

    private TribeMadeSandbox(Builder builder) {
        super(builder.port, "tribemade-sandbox", builder.clock, Set.of("GET", "PUT"));
        this.updateLimiter = new SlidingWindowRateLimiter(builder.updateLimit, builder.updateWindow);
        this.readLimiter = new SlidingWindowRateLimiter(builder.readLimit, builder.readWindow);
        this.rateLimitHeaders = builder.rateLimitHeaders;
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- test data

    public void addStore(String apiKey, UUID storeId) {
        requireText(apiKey, "apiKey");
        Objects.requireNonNull(storeId, "storeId");
        synchronized (lock) {
            if (storeByApiKey.containsKey(apiKey)) {
                throw new IllegalArgumentException("API key already registered");
            }
            storeByApiKey.put(apiKey, storeId);
        }
    }

    /**
     * Later requests with this key get 401 "Invalid API key", as for a key regenerated in
     * the dashboard.
     */
    public void revokeApiKey(String apiKey) {
        synchronized (lock) {
            requireKnownKey(apiKey);
            revokedApiKeys.add(apiKey);
        }
    }

    public void restoreApiKey(String apiKey) {
        synchronized (lock) {
            requireKnownKey(apiKey);
            revokedApiKeys.remove(apiKey);
        }
    }

    /**
     * Adds an order; its store needs no API key, which is how "an order of another store"
     * is made.
     */
    public void addOrder(UUID storeId, UUID orderId, String status) {
        addOrder(storeId, orderId, status, null);
    }

    public void addOrder(UUID storeId, UUID orderId, String status, String trackingUrl) {
        Objects.requireNonNull(storeId, "storeId");
        Objects.requireNonNull(orderId, "orderId");
        if (!ALL_STATUSES.contains(status)) {
            throw new IllegalArgumentException("status must be one of " + ALL_STATUSES + ", was " + status);
        }
        synchronized (lock) {
            if (orders.containsKey(orderId)) {
                throw new IllegalArgumentException("order already exists: " + orderId);
            }
            orders.put(orderId, new StoredOrder(orderId, storeId, clock.instant(), status, trackingUrl));
        }
    }

    public SandboxOrder order(UUID orderId) {
        synchronized (lock) {
            return requireOrder(orderId).snapshot();
        }
    }

    /**
     * Statuses set by successful PUTs, oldest first: one entry per email the customer
     * would have received.
     */
    public List<String> statusHistory(UUID orderId) {
        synchronized (lock) {
            return List.copyOf(requireOrder(orderId).statusHistory);
        }
    }

    // ---------------------------------------------------------------- HTTP

    @Override
    String apiKey(Headers headers) {
        String apiKey = headers.getFirst("X-API-Key");
        return apiKey == null || apiKey.isBlank() ? null : apiKey;
    }

    @Override
    JsonNode serverErrorBody(String message) {
        return errorBody(message);
    }

    @Override
    JsonReply route(Instant now, String method, String path, Headers headers, String apiKey, byte[] body) {
        Matcher update = STATUS_PATH.matcher(path);
        Matcher read = ORDER_PATH.matcher(path);
        boolean isUpdate = update.matches();
        if (!isUpdate && !read.matches()) {
            return error(404, "Not found");
        }
        String allowed = isUpdate ? "PUT" : "GET";
        if (!method.equals(allowed)) {
            return error(405, "Method not allowed").withHeaders(Map.of("Allow", allowed));
        }
        String orderId = isUpdate ? update.group(1) : read.group(1);

        Fault dropBefore = takeDropBeforeApply(method);
        if (dropBefore != null) {
            return JsonReply.dropped(dropBefore);
        }

        if (apiKey == null) {
            return error(401, "Missing API key");
        }
        UUID storeId = storeByApiKey.get(apiKey);
        if (storeId == null || revokedApiKeys.contains(apiKey)) {
            return error(401, "Invalid API key");
        }

        SlidingWindowRateLimiter.Decision budget = (isUpdate ? updateLimiter : readLimiter).tryAcquire(apiKey, now);
        if (!budget.allowed()) {
            ObjectNode tooMany = JSON.createObjectNode()
                .put("error", "Rate limit exceeded")
                .put("retry_after", budget.retryAfterSeconds());
            return JsonReply.of(429, tooMany).withHeaders(headersOf(budget));
        }

        Fault fault = takeFault(method);
        JsonReply reply;
        if (fault != null && fault.kind() == Fault.Kind.SERVER_ERROR) {
            reply = error(500, fault.error());
        }
        else {
            reply = isUpdate ? updateStatus(storeId, orderId, body) : readOrder(storeId, orderId);
        }
        return reply.withHeaders(headersOf(budget)).withFault(fault);
    }

    private Map<String, String> headersOf(SlidingWindowRateLimiter.Decision budget) {
        return rateLimitHeaders ? budget.headers() : Map.of();
    }

    private JsonReply readOrder(UUID storeId, String orderId) {
        StoredOrder order = findOrder(orderId);
        JsonReply refusal = refuseAccess(order, storeId);
        if (refusal != null) {
            return refusal;
        }
        return JsonReply.ok(OrderDocument.render(JSON, order.id, order.createdAt, order.status, order.trackingUrl));
    }

    private JsonReply updateStatus(UUID storeId, String orderId, byte[] body) {
        StoredOrder order = findOrder(orderId);
        JsonReply refusal = refuseAccess(order, storeId);
        if (refusal != null) {
            return refusal;
        }
        JsonNode request = parseObject(body);
        if (request == null) {
            return error(400, "Invalid JSON body");
        }
        JsonNode status = request.get("status");
        if (status == null || status.isNull() || (status.isTextual() && status.textValue().isEmpty())) {
            return error(400, "Status is required");
        }
        if (!status.isTextual() || !SETTABLE_STATUSES.contains(status.textValue())) {
            return error(400, "Status must be one of: processing, dispatched, cancelled, delivered");
        }
        JsonNode trackingUrl = request.get("tracking_url");
        if (trackingUrl != null && !trackingUrl.isNull() && !trackingUrl.isTextual()) {
            return error(400, "tracking_url must be a string");
        }
        if (FINAL_STATUSES.contains(order.status)) {
            return error(400, "Cannot update order status. Order is already " + order.status + ".");
        }
        // Only final statuses are enforced. The docs advise against skipping steps or
        // going backwards
        // (started → delivered, dispatched → processing) but do not say the API rejects
        // it, so the sandbox accepts
        // it; a client that relies on the platform to stop such moves finds out here, not
        // in production.
        order.status = status.textValue();
        if (trackingUrl != null && trackingUrl.isTextual() && !trackingUrl.textValue().isBlank()) {
            order.trackingUrl = trackingUrl.textValue();
        }
        order.statusHistory.add(order.status);
        return JsonReply.ok(JSON.createObjectNode().put("message", "Order status updated successfully"));
    }

    private StoredOrder findOrder(String orderId) {
        return CANONICAL_UUID.matcher(orderId).matches() ? orders.get(UUID.fromString(orderId)) : null;
    }

    private static JsonReply refuseAccess(StoredOrder order, UUID storeId) {
        if (order == null) {
            return error(404, "Order not found");
        }
        if (!order.storeId.equals(storeId)) {
            return error(403, "Order does not belong to this store");
        }
        return null;
    }

    private StoredOrder requireOrder(UUID orderId) {
        StoredOrder order = orders.get(orderId);
        if (order == null) {
            throw new IllegalArgumentException("no such order: " + orderId);
        }
        return order;
    }

    private void requireKnownKey(String apiKey) {
        if (!storeByApiKey.containsKey(apiKey)) {
            throw new IllegalArgumentException("unknown API key");
        }
    }

    // ---------------------------------------------------------------- internals

    private static JsonReply error(int status, String message) {
        return JsonReply.of(status, errorBody(message));
    }

    private static ObjectNode errorBody(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    private static final class StoredOrder {

        final UUID id;

        final UUID storeId;

        final Instant createdAt;

        String status;

        String trackingUrl;

        final List<String> statusHistory = new ArrayList<>();

        StoredOrder(UUID id, UUID storeId, Instant createdAt, String status, String trackingUrl) {
            this.id = id;
            this.storeId = storeId;
            this.createdAt = createdAt;
            this.status = status;
            this.trackingUrl = trackingUrl;
        }

        SandboxOrder snapshot() {
            return new SandboxOrder(id, storeId, status, trackingUrl);
        }

    }

    public static final class Builder {

        private int port = 0;

        private int updateLimit = 20;

        private Duration updateWindow = Duration.ofSeconds(60);

        private int readLimit = 50;

        private Duration readWindow = Duration.ofSeconds(60);

        private Clock clock = Clock.systemUTC();

        private boolean rateLimitHeaders = true;

        private Builder() {
        }

        /** 0 (the default) picks a free port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Budget for PUT status updates per API key; the platform's is 20 per minute. */
        public Builder updateLimit(int requests, Duration window) {
            this.updateLimit = requests;
            this.updateWindow = Objects.requireNonNull(window, "window");
            return this;
        }

        /** Budget for GET order reads per API key; the platform's is 50 per minute. */
        public Builder readLimit(int requests, Duration window) {
            this.readLimit = requests;
            this.readWindow = Objects.requireNonNull(window, "window");
            return this;
        }

        /**
         * Time source for arrival times, rate limiting and created_at; lets tests step
         * time instead of waiting.
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Without X-RateLimit-* headers: a platform that only says 429 once its limit is
         * passed.
         */
        public Builder withoutRateLimitHeaders() {
            this.rateLimitHeaders = false;
            return this;
        }

        public TribeMadeSandbox build() {
            return new TribeMadeSandbox(this);
        }

    }

}
