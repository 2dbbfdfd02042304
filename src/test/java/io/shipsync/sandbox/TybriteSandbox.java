package io.shipsync.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;

/**
 * In-process fake of the Tybrite Labs order update, {@code PATCH /v1/orders/{id}}, as
 * written in the Tybrite reference (Bearer secret keys, read-only publishable keys,
 * {@code X-Timestamp} within 5 minutes, {@code X-Signature} =
 * base64(HMAC-SHA256(timestamp + "." + body)), required {@code Idempotency-Key}, the body
 * fields and the order answer). Where the reference is silent the fake decides, see
 * below. Listens on 127.0.0.1 only.
 *
 * <p>
 * Every API request goes through these steps, and the first one that answers wins:
 * <ol>
 * <li>routing: unknown path → 404 {@code not_found}, another method on the order path →
 * 405 {@code method_not_allowed};</li>
 * <li>an injected {@link Fault.Kind#DROP_BEFORE_APPLY};</li>
 * <li>authentication: no or unknown key → 401 {@code unauthorized}, a publishable key →
 * 403 {@code forbidden}; then the signature: {@code X-Timestamp} missing, not unix
 * seconds or more than 300 s from the fake's clock → 401 {@code invalid_timestamp},
 * {@code X-Signature} missing or wrong → 401 {@code invalid_signature}. None of these
 * uses rate budget;</li>
 * <li>rate limit per secret key (the reference publishes none; default 10 per 60 s) → 429
 * {@code rate_limited} with {@code Retry-After}; a 429 uses no budget;</li>
 * <li>an injected {@link Fault.Kind#SERVER_ERROR} → 500 {@code internal_error}; it is not
 * remembered under the idempotency key, so a retry with the same key is processed;</li>
 * <li>{@code Idempotency-Key} missing → 400 {@code missing_idempotency_key};</li>
 * <li>a key the account used before: same method, path and body bytes → the first answer
 * again (status and body) with {@code Idempotent-Replayed: true}, applying nothing; other
 * request → 422 {@code idempotency_key_reused}. Replays are checked <em>after</em> the
 * rate limit, so a replay uses budget like any request that reaches the API, and a client
 * retrying a lost answer too fast gets a 429 rather than a free pass;</li>
 * <li>order lookup (unknown or another account's → 404 {@code not_found}), body
 * validation → 400 {@code invalid_request}, a delivered or cancelled order asked to
 * change {@code order_status} → 409 {@code invalid_transition}; then the update → 200
 * with the order. Whatever this step answers is remembered under the idempotency key,
 * errors included;</li>
 * <li>an injected {@link Fault.Kind#DROP_AFTER_APPLY} or {@link Fault.Kind#DELAY} acts on
 * the finished answer.</li>
 * </ol>
 * Errors are {@code {"error": {"code": "...", "message": "..."}}} (the reference does not
 * show its error shape). Every answer from step 4 on carries
 * {@code X-RateLimit-Limit/Remaining/Reset}, unless the sandbox is built
 * {@link Builder#withoutRateLimitHeaders() without them}. Idempotency keys are remembered
 * per account for the life of the sandbox.
 *
 * <p>
 * Customer notifications: each applied change of {@code order_status} to a different
 * value counts one notification for the order ({@link #notifications(UUID)}); setting the
 * current value again notifies nobody.
 */
public final class TybriteSandbox extends JsonApiSandbox<TybriteSandbox> {

    static final String SECRET_KEY_PREFIX = "tybrite_sk_";
    static final String PUBLISHABLE_KEY_PREFIX = "tybrite_pk_";
    static final Duration TIMESTAMP_TOLERANCE = Duration.ofSeconds(300);

    private static final Pattern ORDER_PATH = Pattern.compile("/v1/orders/([^/]+)");

    private static final Pattern CANONICAL_UUID = Pattern
        .compile("\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12}");

    private static final Pattern UNIX_SECONDS = Pattern.compile("-?\\d{1,18}");

    private static final List<String> ORDER_STATUSES = List.of("pending", "processing", "shipped", "delivered",
            "cancelled");

    private static final List<String> PAYMENT_STATUSES = List.of("pending", "paid", "failed", "refunded");

    private static final Set<String> FINAL_STATUSES = Set.of("delivered", "cancelled");

    private static final List<String> TEXT_FIELDS = List.of("tracking_number", "notes");

    private static final List<String> DATE_TIME_FIELDS = List.of("shipped_at", "delivered_at", "estimated_delivery");

    private final SlidingWindowRateLimiter updateLimiter;

    private final boolean rateLimitHeaders;

    private final Map<String, Account> accountsBySecretKey = new HashMap<>();

    private final Set<String> publishableKeys = new HashSet<>();

    private final Map<UUID, StoredOrder> orders = new HashMap<>();

    private final List<String> replayedKeys = new ArrayList<>();

    private int ordersAdded;

    private TybriteSandbox(Builder builder) {
        super(builder.port, "tybrite-sandbox", builder.clock, Set.of("PATCH"));
        this.updateLimiter = new SlidingWindowRateLimiter(builder.updateLimit, builder.updateWindow);
        this.rateLimitHeaders = builder.rateLimitHeaders;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Snapshot of an order.
     *
     * @param notifications customer notifications sent so far: applied changes of
     * {@code order_status}
     */
    public record Order(String orderStatus, String trackingNumber, Instant shippedAt, Instant deliveredAt,
            int notifications) {
    }

    // ---------------------------------------------------------------- test data

    /**
     * An account writing with secret key {@code secretKey} ({@code tybrite_sk_...}) and
     * signing with {@code hmacSecret}.
     */
    public void addAccount(String secretKey, String hmacSecret) {
        requireText(secretKey, "secretKey");
        requireText(hmacSecret, "hmacSecret");
        if (!secretKey.startsWith(SECRET_KEY_PREFIX)) {
            throw new IllegalArgumentException("secret keys start with " + SECRET_KEY_PREFIX);
        }
        synchronized (lock) {
            if (accountsBySecretKey.containsKey(secretKey)) {
                throw new IllegalArgumentException("secret key already registered");
            }
            accountsBySecretKey.put(secretKey, new Account(hmacSecret));
        }
    }

    /**
     * A known publishable key ({@code tybrite_pk_...}): authenticates, but every write
     * gets 403.
     */
    public void addPublishableKey(String publishableKey) {
        requireText(publishableKey, "publishableKey");
        if (!publishableKey.startsWith(PUBLISHABLE_KEY_PREFIX)) {
            throw new IllegalArgumentException("publishable keys start with " + PUBLISHABLE_KEY_PREFIX);
        }
        synchronized (lock) {
            publishableKeys.add(publishableKey);
        }
    }

    /**
     * Adds an order of the account of {@code secretKey}, payment status "paid", no
     * tracking yet.
     */
    public void addOrder(String secretKey, UUID id, String orderStatus) {
        Objects.requireNonNull(id, "id");
        if (!ORDER_STATUSES.contains(orderStatus)) {
            throw new IllegalArgumentException("orderStatus must be one of " + ORDER_STATUSES + ", was " + orderStatus);
        }
        synchronized (lock) {
            if (!accountsBySecretKey.containsKey(secretKey)) {
                throw new IllegalArgumentException("unknown secret key; add the account first");
            }
            if (orders.containsKey(id)) {
                throw new IllegalArgumentException("order already exists: " + id);
            }
            Instant createdAt = clock.instant();
            String orderNumber = String.format("ORD-%d-%06d", createdAt.atOffset(ZoneOffset.UTC).getYear(),
                    ++ordersAdded);
            orders.put(id, new StoredOrder(id, secretKey, orderNumber, createdAt, orderStatus));
        }
    }

    public Order order(UUID id) {
        synchronized (lock) {
            return requireOrder(id).snapshot();
        }
    }

    /**
     * Customer notifications for the order so far: one per applied change of
     * {@code order_status}.
     */
    public int notifications(UUID id) {
        synchronized (lock) {
            return requireOrder(id).notifications;
        }
    }

    /**
     * The {@code Idempotency-Key} of every request answered as a replay
     * ({@code Idempotent-Replayed: true}), in arrival order: how a test sees that a
     * request sent again carried the first one's key and body.
     */
    public List<String> replayedIdempotencyKeys() {
        synchronized (lock) {
            return List.copyOf(replayedKeys);
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
        if (!method.equals("PATCH")) {
            return error(405, "method_not_allowed", "Method not allowed").withHeader("Allow", "PATCH");
        }
        Fault dropBefore = takeDropBeforeApply(method);
        if (dropBefore != null) {
            return JsonReply.dropped(dropBefore);
        }

        if (apiKey == null) {
            return error(401, "unauthorized", "Missing API key");
        }
        if (publishableKeys.contains(apiKey)) {
            return error(403, "forbidden", "Publishable keys cannot perform write operations");
        }
        Account account = accountsBySecretKey.get(apiKey);
        if (account == null) {
            return error(401, "unauthorized", "Invalid API key");
        }
        JsonReply refusal = refuseSignature(now, headers, account, body);
        if (refusal != null) {
            return refusal;
        }

        SlidingWindowRateLimiter.Decision budget = updateLimiter.tryAcquire(apiKey, now);
        if (!budget.allowed()) {
            return error(429, "rate_limited",
                    "Rate limit exceeded; retry in " + budget.retryAfterSeconds() + " seconds")
                .withHeaders(headersOf(budget))
                .withHeader("Retry-After", Long.toString(budget.retryAfterSeconds()));
        }

        Fault fault = takeFault(method);
        return answer(now, fault, headers, account, apiKey, path, orderPath.group(1), body)
            .withHeaders(headersOf(budget))
            .withFault(fault);
    }

    private JsonReply answer(Instant now, Fault fault, Headers headers, Account account, String apiKey, String path,
            String orderId, byte[] body) {
        if (fault != null && fault.kind() == Fault.Kind.SERVER_ERROR) {
            return error(500, "internal_error", fault.error());
        }
        String idempotencyKey = headers.getFirst("Idempotency-Key");
        if (idempotencyKey == null || idempotencyKey.isBlank()) {
            return error(400, "missing_idempotency_key", "Idempotency-Key header is required");
        }
        Remembered first = account.answersByIdempotencyKey.get(idempotencyKey);
        if (first != null) {
            if (!first.path.equals(path) || !Arrays.equals(first.body, body)) {
                return error(422, "idempotency_key_reused",
                        "Idempotency-Key was already used with a different request");
            }
            replayedKeys.add(idempotencyKey);
            return JsonReply.of(first.status, first.answer.deepCopy()).withHeader("Idempotent-Replayed", "true");
        }
        JsonReply reply = update(now, apiKey, orderId, body);
        account.answersByIdempotencyKey.put(idempotencyKey,
                new Remembered(path, body.clone(), reply.status(), reply.body().deepCopy()));
        return reply;
    }

    private JsonReply refuseSignature(Instant now, Headers headers, Account account, byte[] body) {
        String timestamp = headers.getFirst("X-Timestamp");
        if (timestamp == null || timestamp.isBlank()) {
            return error(401, "invalid_timestamp", "X-Timestamp header is required");
        }
        if (!UNIX_SECONDS.matcher(timestamp).matches()) {
            return error(401, "invalid_timestamp", "X-Timestamp must be a unix timestamp in seconds");
        }
        long skew = Math.abs(now.getEpochSecond() - Long.parseLong(timestamp));
        if (skew > TIMESTAMP_TOLERANCE.getSeconds()) {
            return error(401, "invalid_timestamp", "X-Timestamp must be within 5 minutes of server time");
        }
        String signature = headers.getFirst("X-Signature");
        if (signature == null || signature.isBlank()) {
            return error(401, "invalid_signature", "X-Signature header is required");
        }
        byte[] expected = sign(account.hmacSecret, timestamp, body).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, signature.trim().getBytes(StandardCharsets.UTF_8))) {
            return error(401, "invalid_signature", "X-Signature does not match the request");
        }
        return null;
    }

    /** base64(HMAC-SHA256(hmacSecret, timestamp + "." + body)), as the reference says. */
    private static String sign(String hmacSecret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(hmacSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(mac.doFinal(body));
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private JsonReply update(Instant now, String apiKey, String orderId, byte[] body) {
        StoredOrder order = CANONICAL_UUID.matcher(orderId).matches() ? orders.get(UUID.fromString(orderId)) : null;
        if (order == null || !order.secretKey.equals(apiKey)) {
            return error(404, "not_found", "Order not found");
        }
        ObjectNode request = parseObject(body);
        if (request == null) {
            return invalid("Request body must be a JSON object");
        }
        JsonReply invalid = refuseEnum(request, "order_status", ORDER_STATUSES);
        if (invalid == null) {
            invalid = refuseEnum(request, "payment_status", PAYMENT_STATUSES);
        }
        for (String field : TEXT_FIELDS) {
            JsonNode value = request.get(field);
            if (invalid == null && value != null && !value.isNull() && !value.isTextual()) {
                invalid = invalid(field + " must be a string");
            }
        }
        Map<String, Instant> dateTimes = new HashMap<>();
        for (String field : DATE_TIME_FIELDS) {
            JsonNode value = request.get(field);
            if (invalid == null && value != null && !value.isNull()) {
                Instant parsed = value.isTextual() ? parseDateTime(value.textValue()) : null;
                if (parsed == null) {
                    invalid = invalid(field + " must be an ISO 8601 date-time such as 2026-02-10T10:30:00Z");
                }
                dateTimes.put(field, parsed);
            }
        }
        if (invalid != null) {
            return invalid;
        }
        String newStatus = request.hasNonNull("order_status") ? request.get("order_status").textValue() : null;
        if (newStatus != null && FINAL_STATUSES.contains(order.orderStatus) && !newStatus.equals(order.orderStatus)) {
            return error(409, "invalid_transition",
                    "Order is already " + order.orderStatus + "; its order_status cannot change to " + newStatus);
        }

        if (newStatus != null && !newStatus.equals(order.orderStatus)) {
            order.orderStatus = newStatus;
            order.notifications++;
        }
        if (request.hasNonNull("payment_status")) {
            order.paymentStatus = request.get("payment_status").textValue();
        }
        if (request.has("tracking_number")) {
            order.trackingNumber = request.get("tracking_number").textValue();
        }
        if (request.has("notes")) {
            order.notes = request.get("notes").textValue();
        }
        if (request.has("shipped_at")) {
            order.shippedAt = dateTimes.get("shipped_at");
        }
        if (request.has("delivered_at")) {
            order.deliveredAt = dateTimes.get("delivered_at");
        }
        if (request.has("estimated_delivery")) {
            order.estimatedDelivery = dateTimes.get("estimated_delivery");
        }
        order.updatedAt = now;
        return JsonReply.ok(order.render());
    }

    private static JsonReply refuseEnum(ObjectNode request, String field, List<String> allowed) {
        JsonNode value = request.get(field);
        if (value != null && !(value.isTextual() && allowed.contains(value.textValue()))) {
            return invalid(field + " must be one of: " + String.join(", ", allowed));
        }
        return null;
    }

    private static Instant parseDateTime(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        }
        catch (DateTimeParseException e) {
            return null;
        }
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
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("code", code).put("message", message);
        return body;
    }

    private StoredOrder requireOrder(UUID id) {
        StoredOrder order = orders.get(id);
        if (order == null) {
            throw new IllegalArgumentException("no such order: " + id);
        }
        return order;
    }

    // ---------------------------------------------------------------- internals

    private static final class Account {

        final String hmacSecret;

        final Map<String, Remembered> answersByIdempotencyKey = new HashMap<>();

        Account(String hmacSecret) {
            this.hmacSecret = hmacSecret;
        }

    }

    /** The first answer given under an idempotency key, and the request it answered. */
    private record Remembered(String path, byte[] body, int status, JsonNode answer) {
    }

    private static final class StoredOrder {

        final UUID id;

        final String secretKey;

        final String orderNumber;

        final UUID customerId;

        final Instant createdAt;

        Instant updatedAt;

        String orderStatus;

        String paymentStatus = "paid";

        String trackingNumber;

        String notes;

        Instant shippedAt;

        Instant deliveredAt;

        Instant estimatedDelivery;

        int notifications;

        StoredOrder(UUID id, String secretKey, String orderNumber, Instant createdAt, String orderStatus) {
            this.id = id;
            this.secretKey = secretKey;
            this.orderNumber = orderNumber;
            this.customerId = UUID.nameUUIDFromBytes(("customer-of-" + id).getBytes(StandardCharsets.UTF_8));
            this.createdAt = createdAt;
            this.updatedAt = createdAt;
            this.orderStatus = orderStatus;
        }

        Order snapshot() {
            return new Order(orderStatus, trackingNumber, shippedAt, deliveredAt, notifications);
        }

        ObjectNode render() {
            ObjectNode order = JSON.createObjectNode();
            order.put("id", id.toString());
            order.put("order_number", orderNumber);
            order.put("customer_id", customerId.toString());
            order.put("order_status", orderStatus);
            order.put("payment_status", paymentStatus);
            order.put("notes", notes);
            order.put("tracking_number", trackingNumber);
            order.put("estimated_delivery", text(estimatedDelivery));
            order.put("shipped_at", text(shippedAt));
            order.put("delivered_at", text(deliveredAt));
            order.put("created_at", text(createdAt.truncatedTo(ChronoUnit.SECONDS)));
            order.put("updated_at", text(updatedAt.truncatedTo(ChronoUnit.SECONDS)));
            return order;
        }

        private static String text(Instant instant) {
            return instant == null ? null : instant.toString();
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
         * Budget for order updates per secret key; the reference publishes none, the
         * default is 10 per minute.
         */
        public Builder updateLimit(int requests, Duration window) {
            this.updateLimit = requests;
            this.updateWindow = Objects.requireNonNull(window, "window");
            return this;
        }

        /**
         * Time source for the timestamp check, rate limiting and the order's dates; lets
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

        public TybriteSandbox build() {
            return new TybriteSandbox(this);
        }

    }

}
