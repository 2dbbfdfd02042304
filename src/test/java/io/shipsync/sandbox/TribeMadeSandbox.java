package io.shipsync.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * In-process fake of the TribeMade order API: {@code GET /api/orders/{id}} and {@code PUT /api/orders/{id}/status},
 * as written in the TribeMade reference (paths, {@code X-API-Key}, bodies, error strings, status codes, rate limits
 * and rate-limit headers). Listens on 127.0.0.1 only. Plain Java so tests can start one per test on a random port.
 *
 * <p>Every API request goes through these steps, and the first one that answers wins:
 * <ol>
 *   <li>routing: unknown path → 404 {@code "Not found"}, wrong method on a known path → 405;</li>
 *   <li>an injected {@link Fault.Kind#DROP_BEFORE_APPLY};</li>
 *   <li>authentication → 401 (does not use rate budget);</li>
 *   <li>rate limit, separate budgets for reads and updates → 429 (a 429 does not use budget either);</li>
 *   <li>an injected {@link Fault.Kind#SERVER_ERROR} → 500;</li>
 *   <li>order lookup → 404 / 403, then body validation → 400, then the read or the update;</li>
 *   <li>an injected {@link Fault.Kind#DROP_AFTER_APPLY} or {@link Fault.Kind#DELAY} acts on the finished answer.</li>
 * </ol>
 * Every answer from step 4 on carries {@code X-RateLimit-Limit/Remaining/Reset} of the budget it used, unless the
 * sandbox is built {@link Builder#withoutRateLimitHeaders() without them}.
 *
 * <p>Dropping a connection relies on the JDK server: closing an exchange before {@code sendResponseHeaders} closes
 * the TCP connection without writing a byte (see the drop tests). A handler must never just return without
 * answering: the client would then hang until its own timeout.
 */
public final class TribeMadeSandbox extends LoopbackSandbox<TribeMadeSandbox> {

    private static final Logger log = LoggerFactory.getLogger(TribeMadeSandbox.class);

    private static final Pattern ORDER_PATH = Pattern.compile("/api/orders/([^/]+)");
    private static final Pattern STATUS_PATH = Pattern.compile("/api/orders/([^/]+)/status");
    // UUID.fromString alone also accepts short forms such as "1-1-1-1-1", which the real API would not find.
    private static final Pattern CANONICAL_UUID =
            Pattern.compile("\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12}");

    private static final Set<String> ALL_STATUSES = Set.of("started", "processing", "dispatched", "delivered", "cancelled");
    private static final Set<String> SETTABLE_STATUSES = Set.of("processing", "dispatched", "cancelled", "delivered");
    private static final Set<String> FINAL_STATUSES = Set.of("delivered", "cancelled");
    private static final Set<String> FAULTABLE_METHODS = Set.of("GET", "PUT");

    private final Clock clock;
    private final SlidingWindowRateLimiter updateLimiter;
    private final SlidingWindowRateLimiter readLimiter;
    private final boolean rateLimitHeaders;
    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    // One lock for all state: a sandbox sees a few requests per second, so obviously-correct beats fast.
    private final Object lock = new Object();
    private final Map<String, UUID> storeByApiKey = new HashMap<>();
    private final Set<String> revokedApiKeys = new HashSet<>();
    private final Map<UUID, StoredOrder> orders = new HashMap<>();
    private final Map<String, Deque<Fault>> faultsByMethod = Map.of("GET", new ArrayDeque<>(), "PUT", new ArrayDeque<>());
    private final List<RecordedRequest> requests = new ArrayList<>();

    private TribeMadeSandbox(Builder builder) {
        super(builder.port, "tribemade-sandbox");
        this.clock = builder.clock;
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

    /** Later requests with this key get 401 "Invalid API key", as for a key regenerated in the dashboard. */
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

    /** Adds an order; its store needs no API key, which is how "an order of another store" is made. */
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

    /** Statuses set by successful PUTs, oldest first: one entry per email the customer would have received. */
    public List<String> statusHistory(UUID orderId) {
        synchronized (lock) {
            return List.copyOf(requireOrder(orderId).statusHistory);
        }
    }

    /** Every request received so far, in arrival order. */
    public List<RecordedRequest> requests() {
        synchronized (lock) {
            return List.copyOf(requests);
        }
    }

    // ---------------------------------------------------------------- fault injection

    /**
     * Plays {@code fault} on the next {@code times} API requests with this method ("GET" or "PUT"). Faults queue up
     * in the order injected. See {@link Fault} for where each kind acts.
     */
    public void injectFault(String method, Fault fault, int times) {
        String normalized = method.toUpperCase(Locale.ROOT);
        if (!FAULTABLE_METHODS.contains(normalized)) {
            throw new IllegalArgumentException("faults apply to GET or PUT, not " + method);
        }
        Objects.requireNonNull(fault, "fault");
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1");
        }
        synchronized (lock) {
            for (int i = 0; i < times; i++) {
                faultsByMethod.get(normalized).addLast(fault);
            }
        }
    }

    public void clearFaults() {
        synchronized (lock) {
            faultsByMethod.values().forEach(Deque::clear);
        }
    }

    // ---------------------------------------------------------------- HTTP

    @Override
    void handle(HttpExchange exchange) {
        try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Reply reply;
            synchronized (lock) {
                reply = decide(exchange, body);
            }
            deliver(exchange, reply);
        } catch (IOException e) {
            log.debug("Sandbox could not answer {} {}: {}", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), e.toString());
        } finally {
            // Without response headers sent, this closes the TCP connection: that is how the drop faults drop.
            exchange.close();
        }
    }

    /** Decides the answer and logs the request in one step, so the log is in arrival order and complete on reply. */
    private Reply decide(HttpExchange exchange, byte[] body) {
        Instant now = clock.instant();
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String path = exchange.getRequestURI().getRawPath();
        String apiKey = exchange.getRequestHeaders().getFirst("X-API-Key");
        boolean apiKeyPresent = apiKey != null && !apiKey.isBlank();
        Reply reply;
        try {
            reply = route(now, method, path, apiKeyPresent ? apiKey : null, body);
        } catch (RuntimeException e) {
            log.warn("Sandbox failed on {} {}", method, path, e);
            reply = Reply.error(500, "Internal server error");
        }
        requests.add(new RecordedRequest(now, method, path, apiKeyPresent,
                reply.dropsConnection() ? RecordedRequest.NO_RESPONSE : reply.status()));
        log.debug("Sandbox {} {} -> {}", method, path, reply.dropsConnection() ? "dropped" : reply.status());
        return reply;
    }

    private Reply route(Instant now, String method, String path, String apiKey, byte[] body) {
        Matcher update = STATUS_PATH.matcher(path);
        Matcher read = ORDER_PATH.matcher(path);
        boolean isUpdate = update.matches();
        if (!isUpdate && !read.matches()) {
            return Reply.error(404, "Not found");
        }
        String allowed = isUpdate ? "PUT" : "GET";
        if (!method.equals(allowed)) {
            return Reply.error(405, "Method not allowed").withHeaders(Map.of("Allow", allowed));
        }
        String orderId = isUpdate ? update.group(1) : read.group(1);

        Deque<Fault> faults = faultsByMethod.get(method);
        if (faults.peekFirst() != null && faults.peekFirst().kind() == Fault.Kind.DROP_BEFORE_APPLY) {
            return Reply.dropped(faults.pollFirst());
        }

        if (apiKey == null) {
            return Reply.error(401, "Missing API key");
        }
        UUID storeId = storeByApiKey.get(apiKey);
        if (storeId == null || revokedApiKeys.contains(apiKey)) {
            return Reply.error(401, "Invalid API key");
        }

        SlidingWindowRateLimiter.Decision budget = (isUpdate ? updateLimiter : readLimiter).tryAcquire(apiKey, now);
        if (!budget.allowed()) {
            ObjectNode tooMany = json.createObjectNode()
                    .put("error", "Rate limit exceeded")
                    .put("retry_after", budget.retryAfterSeconds());
            return new Reply(429, tooMany, headersOf(budget), null);
        }

        Fault fault = faults.pollFirst();
        Reply reply;
        if (fault != null && fault.kind() == Fault.Kind.SERVER_ERROR) {
            reply = Reply.error(500, fault.error());
        } else {
            reply = isUpdate ? updateStatus(storeId, orderId, body) : readOrder(storeId, orderId);
        }
        return reply.withHeaders(headersOf(budget)).withFault(fault);
    }

    private Map<String, String> headersOf(SlidingWindowRateLimiter.Decision budget) {
        return rateLimitHeaders ? budget.headers() : Map.of();
    }

    private Reply readOrder(UUID storeId, String orderId) {
        StoredOrder order = findOrder(orderId);
        Reply refusal = refuseAccess(order, storeId);
        if (refusal != null) {
            return refusal;
        }
        return Reply.ok(OrderDocument.render(json, order.id, order.createdAt, order.status, order.trackingUrl));
    }

    private Reply updateStatus(UUID storeId, String orderId, byte[] body) {
        StoredOrder order = findOrder(orderId);
        Reply refusal = refuseAccess(order, storeId);
        if (refusal != null) {
            return refusal;
        }
        JsonNode request = parseObject(body);
        if (request == null) {
            return Reply.error(400, "Invalid JSON body");
        }
        JsonNode status = request.get("status");
        if (status == null || status.isNull() || (status.isTextual() && status.textValue().isEmpty())) {
            return Reply.error(400, "Status is required");
        }
        if (!status.isTextual() || !SETTABLE_STATUSES.contains(status.textValue())) {
            return Reply.error(400, "Status must be one of: processing, dispatched, cancelled, delivered");
        }
        JsonNode trackingUrl = request.get("tracking_url");
        if (trackingUrl != null && !trackingUrl.isNull() && !trackingUrl.isTextual()) {
            return Reply.error(400, "tracking_url must be a string");
        }
        if (FINAL_STATUSES.contains(order.status)) {
            return Reply.error(400, "Cannot update order status. Order is already " + order.status + ".");
        }
        // Only final statuses are enforced. The docs advise against skipping steps or going backwards
        // (started → delivered, dispatched → processing) but do not say the API rejects it, so the sandbox accepts
        // it; a client that relies on the platform to stop such moves finds out here, not in production.
        order.status = status.textValue();
        if (trackingUrl != null && trackingUrl.isTextual() && !trackingUrl.textValue().isBlank()) {
            order.trackingUrl = trackingUrl.textValue();
        }
        order.statusHistory.add(order.status);
        return Reply.ok(json.createObjectNode().put("message", "Order status updated successfully"));
    }

    private StoredOrder findOrder(String orderId) {
        return CANONICAL_UUID.matcher(orderId).matches() ? orders.get(UUID.fromString(orderId)) : null;
    }

    private static Reply refuseAccess(StoredOrder order, UUID storeId) {
        if (order == null) {
            return Reply.error(404, "Order not found");
        }
        if (!order.storeId.equals(storeId)) {
            return Reply.error(403, "Order does not belong to this store");
        }
        return null;
    }

    /**
     * The body as a JSON object, or null when it is malformed or not an object. An empty body counts as {@code {}},
     * so it gets "Status is required" like a body without the field.
     */
    private JsonNode parseObject(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return json.createObjectNode();
        }
        try {
            JsonNode node = json.readTree(text);
            return node != null && node.isObject() ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private void deliver(HttpExchange exchange, Reply reply) throws IOException {
        Fault fault = reply.fault();
        if (fault != null && fault.kind() == Fault.Kind.DELAY && !sleep(fault.delay())) {
            return; // stopped while holding the answer: drop it
        }
        if (reply.dropsConnection()) {
            return;
        }
        byte[] bytes = json.writeValueAsBytes(reply.body());
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(reply.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
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

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    // ---------------------------------------------------------------- internals

    private record Reply(int status, JsonNode body, Map<String, String> headers, Fault fault) {

        static Reply ok(JsonNode body) {
            return new Reply(200, body, Map.of(), null);
        }

        static Reply error(int status, String message) {
            return new Reply(status, JsonNodeFactory.instance.objectNode().put("error", message), Map.of(), null);
        }

        static Reply dropped(Fault fault) {
            return new Reply(0, null, Map.of(), fault);
        }

        Reply withHeaders(Map<String, String> more) {
            Map<String, String> merged = new LinkedHashMap<>(headers);
            merged.putAll(more);
            return new Reply(status, body, merged, fault);
        }

        Reply withFault(Fault fault) {
            return new Reply(status, body, headers, fault);
        }

        boolean dropsConnection() {
            return fault != null && fault.dropsConnection();
        }
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

        /** Time source for arrival times, rate limiting and created_at; lets tests step time instead of waiting. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Without X-RateLimit-* headers: a platform that only says 429 once its limit is passed. */
        public Builder withoutRateLimitHeaders() {
            this.rateLimitHeaders = false;
            return this;
        }

        public TribeMadeSandbox build() {
            return new TribeMadeSandbox(this);
        }
    }
}
