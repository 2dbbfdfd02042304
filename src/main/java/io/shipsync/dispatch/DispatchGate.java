package io.shipsync.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.shipsync.tribemade.PlatformAnswer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Whether requests of one kind may go to a platform account now. The Throttle EIP keeps shipsync's own pace; the gate
 * adds what the platform says: after a 429 or a response with {@code X-RateLimit-Remaining: 0} it stays closed until
 * the platform's reset, and after a 401 until the key is tried again. Kept in the database, so a restart honours it.
 */
@Component
public class DispatchGate {

    /** The two budgets TribeMade counts separately. */
    public enum Budget {
        STATUS_UPDATES, ORDER_READS
    }

    private record Closed(Instant until, boolean authFailed, String reason) {
    }

    private static final Logger log = LoggerFactory.getLogger(DispatchGate.class);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Map<String, Closed> gates = new ConcurrentHashMap<>();

    public DispatchGate(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
        // a restart may come with a corrected key: try it again instead of trusting an old 401
        jdbc.sql("UPDATE dispatch_gate SET auth_failed = FALSE, closed_until = NULL WHERE auth_failed").update();
        jdbc.sql("SELECT store_key, closed_until, auth_failed, reason FROM dispatch_gate WHERE closed_until IS NOT NULL")
                .query((rs, row) -> Map.entry(rs.getString(1), new Closed(
                        rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getBoolean(3), rs.getString(4))))
                .list()
                .forEach(e -> gates.put(e.getKey(), e.getValue()));
    }

    /** Until when requests of this kind must wait, if they must. */
    public Optional<Instant> closedUntil(String storeKey, Budget budget) {
        Closed closed = gates.get(key(storeKey, budget));
        return closed == null || !closed.until().isAfter(clock.instant()) ? Optional.empty() : Optional.of(closed.until());
    }

    /**
     * Waits for the gate when it opens within {@code longest}, as the throttle would.
     *
     * @return true when requests may go now; false when the wait is longer, or the thread was asked to stop
     */
    public boolean awaitOpen(String storeKey, Budget budget, Duration longest) {
        Optional<Instant> until = closedUntil(storeKey, budget);
        if (until.isEmpty()) {
            return true;
        }
        Duration wait = Duration.between(clock.instant(), until.get());
        if (wait.compareTo(longest) > 0) {
            return false;
        }
        try {
            Thread.sleep(Math.max(0, wait.toMillis()));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Applies what an answer says about the rate limit. */
    public void observe(String storeKey, Budget budget, PlatformAnswer answer) {
        if (answer instanceof PlatformAnswer.RateLimited limited) {
            close(storeKey, budget, limited.retryAt(), false, "the platform answered 429 Rate limit exceeded");
        } else {
            answer.rateLimit()
                    .filter(limit -> limit.remaining() <= 0 && limit.reset().isAfter(clock.instant()))
                    .ifPresent(limit -> close(storeKey, budget, limit.reset(), false,
                            "the platform's rate-limit window is used up"));
        }
        if (answer instanceof PlatformAnswer.Success && isAuthFailed(storeKey)) {
            log.info("The API key for {} works again; dispatch resumes", storeKey);
            for (Budget each : Budget.values()) {
                open(storeKey, each);
            }
        }
    }

    /** A 401: every request of the account waits; one is tried again after {@code retryAfter}. */
    public void authFailed(String storeKey, String platformError, Duration retryAfter) {
        String reason = "the platform refused the API key (401 " + platformError + "); check shipsync.tribemade.api-key."
                + " Updates stay pending and are sent once the key works.";
        log.error("Dispatch to {} paused: {} Next try in {}.", storeKey, reason, retryAfter);
        for (Budget each : Budget.values()) {
            close(storeKey, each, clock.instant().plus(retryAfter), true, reason);
        }
    }

    public boolean isAuthFailed(String storeKey) {
        Closed closed = gates.get(key(storeKey, Budget.STATUS_UPDATES));
        return closed != null && closed.authFailed();
    }

    public Optional<String> authProblem(String storeKey) {
        Closed closed = gates.get(key(storeKey, Budget.STATUS_UPDATES));
        return closed != null && closed.authFailed() ? Optional.of(closed.reason()) : Optional.empty();
    }

    private void close(String storeKey, Budget budget, Instant until, boolean authFailed, String reason) {
        String key = key(storeKey, budget);
        gates.put(key, new Closed(until, authFailed, reason));
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        int updated = jdbc.sql("""
                        UPDATE dispatch_gate SET closed_until = :until, auth_failed = :auth, reason = :reason,
                                                 updated_at = :now
                        WHERE store_key = :key""")
                .param("until", until.atOffset(ZoneOffset.UTC)).param("auth", authFailed).param("reason", reason)
                .param("now", now).param("key", key)
                .update();
        if (updated == 0) {
            jdbc.sql("""
                            INSERT INTO dispatch_gate (store_key, closed_until, auth_failed, reason, updated_at)
                            VALUES (:key, :until, :auth, :reason, :now)""")
                    .param("key", key).param("until", until.atOffset(ZoneOffset.UTC)).param("auth", authFailed)
                    .param("reason", reason).param("now", now)
                    .update();
        }
    }

    private void open(String storeKey, Budget budget) {
        String key = key(storeKey, budget);
        gates.remove(key);
        jdbc.sql("UPDATE dispatch_gate SET closed_until = NULL, auth_failed = FALSE, reason = NULL WHERE store_key = :key")
                .param("key", key).update();
    }

    private static String key(String storeKey, Budget budget) {
        return storeKey + "/" + budget.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
