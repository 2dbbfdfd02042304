package io.shipsync.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the fakes of JSON platform APIs (TribeMade, Tybrite Labs, Cekat) share, so each of
 * them only routes and applies: one lock for all state, the request log, {@link Fault}s
 * queued per HTTP method, and writing the decided {@link JsonReply}: as JSON, held back
 * by a {@link Fault.Kind#DELAY}, or not at all for a dropped connection.
 *
 * <p>
 * {@link #route} runs under {@link #lock} and must answer; an exception it throws becomes
 * a 500 in the platform's error shape. The request is logged in the same locked step, so
 * the log is in arrival order and complete on reply.
 *
 * <p>
 * Dropping a connection relies on the JDK server: closing an exchange before
 * {@code sendResponseHeaders} closes the TCP connection without writing a byte. A handler
 * must never just return without answering: the client would then hang until its own
 * timeout.
 *
 * @param <S> the sandbox, so that {@link #start()} returns it
 */
abstract class JsonApiSandbox<S extends JsonApiSandbox<S>> extends LoopbackSandbox<S> {

    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Logger log = LoggerFactory.getLogger(getClass());

    // One lock for all state: a sandbox sees a few requests per second, so
    // obviously-correct beats fast.
    final Object lock = new Object();

    final Clock clock;

    private final Map<String, Deque<Fault>> faultsByMethod = new LinkedHashMap<>();

    private final List<RecordedRequest> requests = new ArrayList<>();

    /**
     * @param faultableMethods the HTTP methods of the API, upper case;
     * {@link #injectFault} accepts these
     */
    JsonApiSandbox(int port, String threadName, Clock clock, Set<String> faultableMethods) {
        super(port, threadName);
        this.clock = Objects.requireNonNull(clock, "clock");
        new TreeSet<>(faultableMethods).forEach(method -> faultsByMethod.put(method, new ArrayDeque<>()));
    }

    /**
     * The API key the request carries, or null when it carries none (header absent or
     * blank).
     */
    abstract String apiKey(Headers headers);

    /** Answers one request; runs under {@link #lock}. */
    abstract JsonReply route(Instant now, String method, String path, Headers headers, String apiKey, byte[] body);

    /** The platform's body of a 500 saying {@code message}. */
    abstract JsonNode serverErrorBody(String message);

    // ---------------------------------------------------------------- request log and
    // fault injection

    /** Every request received so far, in arrival order. */
    public List<RecordedRequest> requests() {
        synchronized (lock) {
            return List.copyOf(requests);
        }
    }

    /**
     * Plays {@code fault} on the next {@code times} API requests with this HTTP method.
     * Faults queue up in the order injected. See {@link Fault} for where each kind acts.
     */
    public void injectFault(String method, Fault fault, int times) {
        String normalized = method.toUpperCase(Locale.ROOT);
        if (!faultsByMethod.containsKey(normalized)) {
            throw new IllegalArgumentException(
                    "faults apply to " + String.join(" or ", faultsByMethod.keySet()) + ", not " + method);
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

    /**
     * The next fault of this method if it is a {@link Fault.Kind#DROP_BEFORE_APPLY} (used
     * up), else null.
     */
    Fault takeDropBeforeApply(String method) {
        Deque<Fault> faults = faultsByMethod.get(method);
        if (faults != null && faults.peekFirst() != null && faults.peekFirst().kind() == Fault.Kind.DROP_BEFORE_APPLY) {
            return faults.pollFirst();
        }
        return null;
    }

    /** The next fault of this method, used up, or null. */
    Fault takeFault(String method) {
        Deque<Fault> faults = faultsByMethod.get(method);
        return faults == null ? null : faults.pollFirst();
    }

    // ---------------------------------------------------------------- HTTP

    @Override
    final void handle(HttpExchange exchange) {
        try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            JsonReply reply;
            synchronized (lock) {
                reply = decide(exchange, body);
            }
            deliver(exchange, reply);
        }
        catch (IOException e) {
            log.debug("Sandbox could not answer {} {}: {}", exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(), e.toString());
        }
        finally {
            // Without response headers sent, this closes the TCP connection: that is how
            // the drop faults drop.
            exchange.close();
        }
    }

    private JsonReply decide(HttpExchange exchange, byte[] body) {
        Instant now = clock.instant();
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String path = exchange.getRequestURI().getRawPath();
        String apiKey = apiKey(exchange.getRequestHeaders());
        JsonReply reply;
        try {
            reply = route(now, method, path, exchange.getRequestHeaders(), apiKey, body);
        }
        catch (RuntimeException e) {
            log.warn("Sandbox failed on {} {}", method, path, e);
            reply = JsonReply.of(500, serverErrorBody("Internal server error"));
        }
        requests.add(new RecordedRequest(now, method, path, apiKey != null,
                reply.dropsConnection() ? RecordedRequest.NO_RESPONSE : reply.status()));
        log.debug("Sandbox {} {} -> {}", method, path, reply.dropsConnection() ? "dropped" : reply.status());
        return reply;
    }

    private void deliver(HttpExchange exchange, JsonReply reply) throws IOException {
        Fault fault = reply.fault();
        if (fault != null && fault.kind() == Fault.Kind.DELAY && !sleep(fault.delay())) {
            return; // stopped while holding the answer: drop it
        }
        if (reply.dropsConnection()) {
            return;
        }
        byte[] bytes = JSON.writeValueAsBytes(reply.body());
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(reply.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    // ---------------------------------------------------------------- helpers for
    // subclasses

    /**
     * The body as a JSON object, or null when it is malformed or not an object. An empty
     * body counts as {@code {}}, so it is refused like a body without the fields it
     * needs.
     */
    static ObjectNode parseObject(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(text);
            return node != null && node.isObject() ? (ObjectNode) node : null;
        }
        catch (JsonProcessingException e) {
            return null;
        }
    }

    /**
     * The token of an {@code Authorization: Bearer <token>} header, or null when there is
     * none or it is blank.
     */
    static String bearerToken(Headers headers) {
        String authorization = headers.getFirst("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

}
