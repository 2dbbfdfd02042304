package io.shipsync.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Strict sliding window per API key: any window of length {@code window} holds at most
 * {@code limit} accepted requests. Rejected requests are not remembered, so hammering a
 * 429 does not push the next slot further away.
 *
 * <p>
 * A request at instant {@code t} stays in the window while {@code t + window} is after
 * "now"; at exactly {@code t + window} its slot is free again.
 */
final class SlidingWindowRateLimiter {

    private final int limit;

    private final Duration window;

    private final Map<String, Deque<Instant>> acceptedByKey = new HashMap<>();

    SlidingWindowRateLimiter(int limit, Duration window) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("window must be positive");
        }
        this.limit = limit;
        this.window = window;
    }

    synchronized Decision tryAcquire(String key, Instant now) {
        Deque<Instant> accepted = acceptedByKey.computeIfAbsent(key, k -> new ArrayDeque<>());
        while (!accepted.isEmpty() && !accepted.peekFirst().plus(window).isAfter(now)) {
            accepted.pollFirst();
        }
        boolean allowed = accepted.size() < limit;
        if (allowed) {
            accepted.addLast(now);
        }
        // The instant the next slot frees; with an empty window that would be "now +
        // window".
        Instant slotFrees = accepted.isEmpty() ? now.plus(window) : accepted.peekFirst().plus(window);
        long retryAfter = allowed ? 0 : Math.max(1, ceilSeconds(Duration.between(now, slotFrees)));
        return new Decision(allowed, limit, limit - accepted.size(), ceilEpochSecond(slotFrees), retryAfter);
    }

    private static long ceilSeconds(Duration duration) {
        return duration.getSeconds() + (duration.getNano() > 0 ? 1 : 0);
    }

    private static long ceilEpochSecond(Instant instant) {
        return instant.getEpochSecond() + (instant.getNano() > 0 ? 1 : 0);
    }

    /**
     * @param remaining slots left after this request
     * @param resetEpochSecond unix seconds, rounded up, when the oldest counted request
     * leaves the window
     * @param retryAfterSeconds whole seconds, rounded up, until a slot frees; 0 when
     * allowed
     */
    record Decision(boolean allowed, int limit, int remaining, long resetEpochSecond, long retryAfterSeconds) {

        Map<String, String> headers() {
            return Map.of("X-RateLimit-Limit", Integer.toString(limit), "X-RateLimit-Remaining",
                    Integer.toString(remaining), "X-RateLimit-Reset", Long.toString(resetEpochSecond));
        }
    }

}
