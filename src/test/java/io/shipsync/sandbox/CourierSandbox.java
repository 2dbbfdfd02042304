package io.shipsync.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-process fake of the courier tracking APIs shipsync polls, two answer shapes on one
 * server:
 * <ul>
 * <li>{@link Courier#DELHIVERY}: {@code GET /api/v1/packages/json/?waybill={awb}},
 * Delhivery's public tracking API: {@code Authorization: Token <token>} (or, as older
 * clients send it, {@code ?token=<token>}), {@code ShipmentData[].Shipment} with
 * {@code Status} and the {@code Scans} history;</li>
 * <li>{@link Courier#GENERIC}: {@code GET /generic/v2/track/{awb}} with
 * {@code X-Courier-Key}, a made-up courier that shipsync will know only through
 * properties, answering
 * {@code {"awb":…,"tracking":{"state":…,"updated_at":…,"location":…}}}.</li>
 * </ul>
 * Listens on 127.0.0.1 only. Plain Java so tests can start one per test on a random port.
 * Shipments are scripted by the test ({@link #delhivery}, {@link #generic}); nothing
 * moves by itself.
 *
 * <p>
 * Every request goes through these steps, and the first one that answers wins:
 * <ol>
 * <li>routing: any other path → 404 {@code {"error":"not found"}}, a method other than
 * GET → 405;</li>
 * <li>authentication → 401 (does not use rate budget or faults);</li>
 * <li>the courier's rate limit, when one is configured → 429 (a 429 does not use budget
 * either);</li>
 * <li>the next injected {@link CourierFault} for the AWB, else the next one for all
 * requests;</li>
 * <li>the shipment lookup and its answer.</li>
 * </ol>
 *
 * <p>
 * What Delhivery documents is followed; where it is silent, these are assumptions:
 * <ul>
 * <li>An unknown waybill, or none, answers 200 {@code {"ShipmentData":[],"Error":"No such
 * waybill or Order Id found"}}: the API reports a lookup miss in the body, not with a
 * 404.</li>
 * <li>Errors are those of Django REST framework, which Delhivery's 401 bodies come from:
 * a missing token is {@code {"detail":"Authentication credentials were not provided."}},
 * a wrong one {@code {"detail":"Invalid token."}}, and a 429 is DRF's throttle answer
 * {@code {"detail":"Request was throttled. Expected available in N seconds."}} ("1
 * second." when N is 1) with {@code Retry-After}. As in DRF, an
 * {@code Authorization: Token …} header decides on its own (a wrong header is not rescued
 * by a right {@code token} parameter), and a header with another scheme such as
 * {@code Bearer} is ignored.</li>
 * <li>One waybill per request: a comma-separated list, which Delhivery also accepts, is
 * looked up as one AWB.</li>
 * </ul>
 * Delhivery times are India local time without a zone, milliseconds with trailing zeros
 * dropped ({@code 2024-09-21T18:20:25.57}), as in captured answers; generic times are UTC
 * to the second.
 *
 * <p>
 * A handler must never just return without answering: the client would then hang until
 * its own timeout.
 */
public final class CourierSandbox extends LoopbackSandbox<CourierSandbox> {

    private static final Logger log = LoggerFactory.getLogger(CourierSandbox.class);

    /** The two answer shapes the sandbox serves. */
    public enum Courier {

        DELHIVERY, GENERIC

    }

    private static final String DELHIVERY_PATH = "/api/v1/packages/json/";

    private static final Pattern GENERIC_PATH = Pattern.compile("/generic/v2/track/([^/]+)");

    private static final Pattern TOKEN_PARAMETER = Pattern.compile("(^|&)token=[^&]*");

    private static final ZoneId INDIA = ZoneId.of("Asia/Kolkata");

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private static final String NO_CREDENTIALS = "Authentication credentials were not provided.";

    private static final String INVALID_TOKEN = "Invalid token.";

    private static final String NO_SUCH_WAYBILL = "No such waybill or Order Id found";

    // What an nginx gateway answers when the service behind it is overloaded: HTML, not
    // the API's JSON.
    private static final String GATEWAY_503_PAGE = "<html>\r\n<head><title>503 Service Temporarily Unavailable</title>"
            + "</head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n"
            + "</body>\r\n</html>\r\n";

    private final Clock clock;

    private final String delhiveryToken;

    private final String genericKey;

    private final Map<Courier, Budget> budgets;

    // One lock for all state: a sandbox sees a few requests per second, so
    // obviously-correct beats fast.
    private final Object lock = new Object();

    private final Map<String, List<DelhiveryScan>> delhiveryScans = new HashMap<>();

    private final Map<String, GenericTracking> genericTracking = new HashMap<>();

    private final Map<String, Deque<CourierFault>> faultsByAwb = new HashMap<>();

    private final Deque<CourierFault> faultsForAll = new ArrayDeque<>();

    private final List<CourierRequest> requests = new ArrayList<>();

    private Map<Courier, SlidingWindowRateLimiter> limiters;

    private CourierSandbox(Builder builder) {
        super(builder.port, "courier-sandbox");
        this.clock = builder.clock;
        this.delhiveryToken = builder.delhiveryToken;
        this.genericKey = builder.genericKey;
        this.budgets = Map.copyOf(builder.budgets);
        this.limiters = newLimiters();
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- test data

    /**
     * Appends a scan at the sandbox clock's current time; see
     * {@link #delhivery(String, DelhiveryStatus, String, Instant)}.
     */
    public void delhivery(String awb, DelhiveryStatus status, String location) {
        delhivery(awb, status, location, clock.instant());
    }

    /**
     * Appends a scan to a Delhivery shipment, creating the shipment with its first scan.
     * The latest scan is the shipment's {@code Status}; {@code Scans} lists them all in
     * the order added. Times cannot go backwards, so the history always reads in order.
     * @param location a Delhivery centre name such as
     * {@code Mumbai_Andheri_DC (Maharashtra)}; the first scan's is the shipment's
     * {@code Origin}
     */
    public void delhivery(String awb, DelhiveryStatus status, String location, Instant at) {
        requireText(awb, "awb");
        Objects.requireNonNull(status, "status");
        requireText(location, "location");
        Objects.requireNonNull(at, "at");
        synchronized (lock) {
            List<DelhiveryScan> scans = delhiveryScans.computeIfAbsent(awb, key -> new ArrayList<>());
            if (!scans.isEmpty() && at.isBefore(scans.get(scans.size() - 1).at())) {
                throw new IllegalArgumentException("scan at " + at + " is before the previous scan of " + awb);
            }
            scans.add(new DelhiveryScan(status, location, at));
        }
    }

    /** Sets the generic courier's state at the sandbox clock's current time. */
    public void generic(String awb, String state, String location) {
        generic(awb, state, location, clock.instant());
    }

    /**
     * Sets a generic shipment's state, creating the shipment. The generic API reports
     * only the latest state, so this replaces the previous one.
     * @param state any string, e.g. IN_TRANSIT, OUT_FOR_DELIVERY, DELIVERED,
     * RETURNED_TO_ORIGIN, LOST
     */
    public void generic(String awb, String state, String location, Instant at) {
        requireText(awb, "awb");
        requireText(state, "state");
        requireText(location, "location");
        Objects.requireNonNull(at, "at");
        synchronized (lock) {
            genericTracking.put(awb, new GenericTracking(state, location, at));
        }
    }

    /** Every request received so far, in arrival order. */
    public List<CourierRequest> requests() {
        synchronized (lock) {
            return List.copyOf(requests);
        }
    }

    /** The requests that asked for this AWB, of either courier, in arrival order. */
    public List<CourierRequest> requestsFor(String awb) {
        synchronized (lock) {
            return requests.stream().filter(request -> awb.equals(request.awb())).toList();
        }
    }

    /**
     * Back to the state just after {@link Builder#build()}: no shipments, faults,
     * requests or used rate budget.
     */
    public void reset() {
        synchronized (lock) {
            delhiveryScans.clear();
            genericTracking.clear();
            faultsByAwb.clear();
            faultsForAll.clear();
            requests.clear();
            limiters = newLimiters();
        }
    }

    // ---------------------------------------------------------------- fault injection

    /**
     * Plays {@code fault} on the next {@code times} requests for this AWB, of either
     * courier, whether the AWB is known or not. Faults queue up in the order injected and
     * come before those of {@link #failAll}.
     */
    public void fail(String awb, CourierFault fault, int times) {
        requireText(awb, "awb");
        synchronized (lock) {
            enqueue(faultsByAwb.computeIfAbsent(awb, key -> new ArrayDeque<>()), fault, times);
        }
    }

    /**
     * Plays {@code fault} on the next {@code times} requests that reach the fault step,
     * whatever their AWB.
     */
    public void failAll(CourierFault fault, int times) {
        synchronized (lock) {
            enqueue(faultsForAll, fault, times);
        }
    }

    public void clearFaults() {
        synchronized (lock) {
            faultsByAwb.clear();
            faultsForAll.clear();
        }
    }

    private static void enqueue(Deque<CourierFault> queue, CourierFault fault, int times) {
        Objects.requireNonNull(fault, "fault");
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1");
        }
        for (int i = 0; i < times; i++) {
            queue.addLast(fault);
        }
    }

    // ---------------------------------------------------------------- HTTP

    @Override
    void handle(HttpExchange exchange) {
        try {
            exchange.getRequestBody().readAllBytes();
            Reply reply;
            synchronized (lock) {
                reply = decide(exchange);
            }
            deliver(exchange, reply);
        }
        catch (IOException e) {
            log.debug("Courier sandbox could not answer {} {}: {}", exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(), e.toString());
        }
        finally {
            exchange.close();
        }
    }

    /**
     * Decides the answer and logs the request in one step, so the log is in arrival order
     * and complete on reply.
     */
    private Reply decide(HttpExchange exchange) {
        Instant now = clock.instant();
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String path = exchange.getRequestURI().getRawPath();
        String rawQuery = exchange.getRequestURI().getRawQuery();
        Courier courier = null;
        String awb = null;
        Reply reply;
        try {
            Map<String, String> query = queryParameters(rawQuery);
            Matcher generic = GENERIC_PATH.matcher(path);
            if (path.equals(DELHIVERY_PATH)) {
                courier = Courier.DELHIVERY;
                awb = blankToNull(query.get("waybill"));
            }
            else if (generic.matches()) {
                courier = Courier.GENERIC;
                awb = generic.group(1);
            }
            reply = courier == null ? Reply.json(404, JSON.objectNode().put("error", "not found"))
                    : answer(now, method, courier, awb, exchange.getRequestHeaders(), query);
        }
        catch (RuntimeException e) {
            log.warn("Courier sandbox failed on {} {}", method, path, e);
            reply = Reply.json(500, JSON.objectNode().put("error", "internal server error"));
        }
        requests.add(new CourierRequest(now, courier, method, path, redactToken(rawQuery), awb, reply.status()));
        log.debug("Courier sandbox {} {} -> {}", method, path, reply.status());
        return reply;
    }

    private Reply answer(Instant now, String method, Courier courier, String awb, Headers headers,
            Map<String, String> query) {
        if (!method.equals("GET")) {
            return Reply.json(405, JSON.objectNode().put("error", "method not allowed")).withHeader("Allow", "GET");
        }
        Reply refusal = courier == Courier.DELHIVERY
                ? refuseDelhivery(headers.getFirst("Authorization"), query.get("token"))
                : refuseGeneric(headers.getFirst("X-Courier-Key"));
        if (refusal != null) {
            return refusal;
        }
        SlidingWindowRateLimiter limiter = limiters.get(courier);
        if (limiter != null) {
            SlidingWindowRateLimiter.Decision budget = limiter.tryAcquire(courier.name(), now);
            if (!budget.allowed()) {
                return tooManyRequests(courier, budget.retryAfterSeconds());
            }
        }
        CourierFault fault = takeFault(awb);
        if (fault != null && fault.kind() == CourierFault.Kind.SERVER_ERROR) {
            return new Reply(503, "text/html", GATEWAY_503_PAGE.getBytes(StandardCharsets.UTF_8), Map.of(), null);
        }
        Reply reply = courier == Courier.DELHIVERY ? delhiveryTracking(awb) : genericTracking(awb);
        if (fault == null) {
            return reply;
        }
        return fault.kind() == CourierFault.Kind.MALFORMED ? new Reply(200, reply.contentType(),
                Arrays.copyOf(reply.body(), reply.body().length / 2), Map.of(), null) : reply.delayedBy(fault.delay());
    }

    private Reply refuseDelhivery(String authorization, String queryToken) {
        String[] header = authorization == null ? new String[0] : authorization.trim().split("\\s+");
        String token;
        if (header.length > 0 && header[0].equalsIgnoreCase("Token")) {
            token = header.length == 2 ? header[1] : "";
        }
        else {
            token = queryToken;
        }
        if (token == null) {
            return delhiveryUnauthorized(NO_CREDENTIALS);
        }
        return token.equals(delhiveryToken) ? null : delhiveryUnauthorized(INVALID_TOKEN);
    }

    private static Reply delhiveryUnauthorized(String detail) {
        return Reply.json(401, JSON.objectNode().put("detail", detail)).withHeader("WWW-Authenticate", "Token");
    }

    private Reply refuseGeneric(String key) {
        return genericKey.equals(key) ? null : Reply.json(401, JSON.objectNode().put("error", "invalid key"));
    }

    private static Reply tooManyRequests(Courier courier, long retryAfterSeconds) {
        ObjectNode body = courier == Courier.DELHIVERY
                ? JSON.objectNode()
                    .put("detail",
                            "Request was throttled. Expected available in " + retryAfterSeconds
                                    + (retryAfterSeconds == 1 ? " second." : " seconds."))
                : JSON.objectNode().put("error", "rate limit exceeded");
        return Reply.json(429, body).withHeader("Retry-After", Long.toString(retryAfterSeconds));
    }

    private CourierFault takeFault(String awb) {
        Deque<CourierFault> own = awb == null ? null : faultsByAwb.get(awb);
        return own != null && !own.isEmpty() ? own.pollFirst() : faultsForAll.pollFirst();
    }

    private Reply delhiveryTracking(String awb) {
        List<DelhiveryScan> scans = awb == null ? null : delhiveryScans.get(awb);
        ObjectNode body = JSON.objectNode();
        ArrayNode shipmentData = body.putArray("ShipmentData");
        if (scans == null) {
            return Reply.json(200, body.put("Error", NO_SUCH_WAYBILL));
        }
        DelhiveryScan latest = scans.get(scans.size() - 1);
        ObjectNode shipment = shipmentData.addObject()
            .putObject("Shipment")
            .put("AWB", awb)
            // Not modelled: shipsync knows its own order for an AWB. Fillers keep the
            // fields present.
            .put("ReferenceNo", "SBX-" + awb)
            .put("PickUpDate",
                    scans.stream()
                        .filter(DelhiveryScan::pickedUp)
                        .findFirst()
                        .map(scan -> indiaTime(scan.at()))
                        .orElse(null))
            .put("Origin", scans.get(0).location())
            .put("Destination", "Mumbai");
        shipment.putObject("Status")
            .put("Status", latest.status().status())
            .put("StatusType", latest.status().statusType())
            .put("StatusDateTime", indiaTime(latest.at()))
            .put("StatusLocation", latest.location())
            .put("StatusCode", latest.status().statusCode())
            .put("Instructions", latest.status().instructions())
            .put("RecievedBy", ""); // sic, Delhivery's spelling
        ArrayNode scanList = shipment.putArray("Scans");
        for (DelhiveryScan scan : scans) {
            String time = indiaTime(scan.at());
            scanList.addObject()
                .putObject("ScanDetail")
                .put("Scan", scan.status().status())
                .put("ScanType", scan.status().statusType())
                .put("ScanDateTime", time)
                .put("StatusDateTime", time)
                .put("ScannedLocation", scan.location())
                .put("Instructions", scan.status().instructions())
                .put("StatusCode", scan.status().statusCode());
        }
        return Reply.json(200, body);
    }

    private Reply genericTracking(String awb) {
        GenericTracking tracking = genericTracking.get(awb);
        if (tracking == null) {
            return Reply.json(404, JSON.objectNode().put("error", "awb not found"));
        }
        ObjectNode body = JSON.objectNode().put("awb", awb);
        body.putObject("tracking")
            .put("state", tracking.state())
            .put("updated_at", DateTimeFormatter.ISO_INSTANT.format(tracking.at().truncatedTo(ChronoUnit.SECONDS)))
            .put("location", tracking.location());
        return Reply.json(200, body);
    }

    private void deliver(HttpExchange exchange, Reply reply) throws IOException {
        if (reply.delay() != null && !sleep(reply.delay())) {
            return; // stopped while holding the answer: drop it
        }
        exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(reply.status(), reply.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(reply.body());
        }
    }

    /** First value of each parameter, decoded. */
    private static Map<String, String> queryParameters(String rawQuery) {
        Map<String, String> parameters = new HashMap<>();
        if (rawQuery == null) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            parameters.putIfAbsent(name, value);
        }
        return parameters;
    }

    private static String redactToken(String rawQuery) {
        return rawQuery == null ? null : TOKEN_PARAMETER.matcher(rawQuery).replaceAll("$1token=<redacted>");
    }

    /**
     * Delhivery's format: India local time, no zone, milliseconds without trailing zeros
     * (none when whole).
     */
    private static String indiaTime(Instant instant) {
        return LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MILLIS), INDIA)
            .format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    private Map<Courier, SlidingWindowRateLimiter> newLimiters() {
        Map<Courier, SlidingWindowRateLimiter> created = new EnumMap<>(Courier.class);
        budgets.forEach((courier, budget) -> created.put(courier,
                new SlidingWindowRateLimiter(budget.maxRequests(), budget.period())));
        return created;
    }

    // ---------------------------------------------------------------- Delhivery statuses

    /**
     * A Delhivery (Status, StatusType) pair with the StatusCode and Instructions its
     * scans carry. The constants are the forward-flow table of Delhivery's "Prepaid and
     * COD shipments" reference; codes and instructions come from captured answers, and
     * are empty where none was seen. shipsync must decide on Status and StatusType only.
     *
     * <p>
     * Two pairs trip a client that reads one field alone: {@link #DISPATCHED} is UD, out
     * for delivery and not yet delivered; {@link #RETURNED_TO_ORIGIN} is DL, "delivered"
     * back to the merchant, not to the customer.
     */
    public record DelhiveryStatus(String status, String statusType, String statusCode, String instructions) {

        public static final DelhiveryStatus MANIFESTED = new DelhiveryStatus("Manifested", "UD", "X-UCI",
                "Manifest uploaded");

        public static final DelhiveryStatus IN_TRANSIT = new DelhiveryStatus("In Transit", "UD", "X-PPOM",
                "Shipment picked up");

        public static final DelhiveryStatus PENDING = new DelhiveryStatus("Pending", "UD", "X-IBD3F",
                "Shipment Received at Facility");

        /**
         * Out for delivery: Delhivery's "Dispatched" means the last mile has started, not
         * that the parcel left the merchant.
         */
        public static final DelhiveryStatus DISPATCHED = new DelhiveryStatus("Dispatched", "UD", "X-DDD3FD",
                "Out for delivery");

        public static final DelhiveryStatus DELIVERED = new DelhiveryStatus("Delivered", "DL", "EOD-38",
                "Delivered to consignee");

        /**
         * Converted to a return after a failed delivery: the same "In Transit" as a
         * forward move, told apart by RT.
         */
        public static final DelhiveryStatus RTO_IN_TRANSIT = new DelhiveryStatus("In Transit", "RT", "X-OLL4F", "");

        public static final DelhiveryStatus RTO_PENDING = new DelhiveryStatus("Pending", "RT", "", "");

        public static final DelhiveryStatus RTO_DISPATCHED = new DelhiveryStatus("Dispatched", "RT", "", "");

        /**
         * Back at the merchant: StatusType DL with Status "RTO", as Delhivery documents
         * it.
         */
        public static final DelhiveryStatus RETURNED_TO_ORIGIN = new DelhiveryStatus("RTO", "DL", "", "");

        public DelhiveryStatus {
            requireText(status, "status");
            requireText(statusType, "statusType");
            Objects.requireNonNull(statusCode, "statusCode");
            Objects.requireNonNull(instructions, "instructions");
        }

        /**
         * Any other pair, e.g. {@code of("Returned", "RT")} or
         * {@code of("Not Picked", "UD")}.
         */
        public static DelhiveryStatus of(String status, String statusType) {
            return new DelhiveryStatus(status, statusType, "", "");
        }
    }

    // ---------------------------------------------------------------- internals

    private record DelhiveryScan(DelhiveryStatus status, String location, Instant at) {

        /** PickUpDate is the first scan after the parcel physically left the merchant. */
        boolean pickedUp() {
            return !status.status().equals("Manifested") && !status.status().equals("Not Picked");
        }
    }

    private record GenericTracking(String state, String location, Instant at) {
    }

    private record Budget(int maxRequests, Duration period) {
    }

    private record Reply(int status, String contentType, byte[] body, Map<String, String> headers, Duration delay) {

        static Reply json(int status, JsonNode body) {
            // JsonNode.toString() is Jackson's own compact serialisation.
            return new Reply(status, "application/json", body.toString().getBytes(StandardCharsets.UTF_8), Map.of(),
                    null);
        }

        Reply withHeader(String name, String value) {
            Map<String, String> merged = new HashMap<>(headers);
            merged.put(name, value);
            return new Reply(status, contentType, body, merged, delay);
        }

        Reply delayedBy(Duration by) {
            return new Reply(status, contentType, body, headers, by);
        }
    }

    public static final class Builder {

        private int port = 0;

        private Clock clock = Clock.systemUTC();

        private String delhiveryToken;

        private String genericKey;

        private final Map<Courier, Budget> budgets = new EnumMap<>(Courier.class);

        private Builder() {
        }

        /** 0 (the default) picks a free port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The only token the Delhivery shape accepts. Required. */
        public Builder delhiveryToken(String token) {
            requireText(token, "token");
            this.delhiveryToken = token;
            return this;
        }

        /** The only {@code X-Courier-Key} the generic shape accepts. Required. */
        public Builder genericKey(String key) {
            requireText(key, "key");
            this.genericKey = key;
            return this;
        }

        /**
         * At most {@code maxRequests} authenticated requests to this courier in any
         * window of {@code period}; more are answered 429. One budget per courier, shared
         * by all AWBs and callers, as shipsync throttles per courier. Without this call
         * the courier has no limit.
         */
        public Builder rateLimit(Courier courier, int maxRequests, Duration period) {
            Objects.requireNonNull(courier, "courier");
            Objects.requireNonNull(period, "period");
            budgets.put(courier, new Budget(maxRequests, period));
            return this;
        }

        /**
         * Time source for arrival times, rate limiting and default scan times; lets tests
         * step time instead of waiting.
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public CourierSandbox build() {
            if (delhiveryToken == null || genericKey == null) {
                throw new IllegalStateException("delhiveryToken and genericKey are required");
            }
            return new CourierSandbox(this);
        }

    }

}
