package io.shipsync.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.shipsync.outbox.Outbox;
import io.shipsync.platform.PlatformAnswer;
import io.shipsync.store.Store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Whether requests of one kind may go to a platform account now. The Throttle EIP keeps
 * shipsync's own pace; the gate adds what the platform says: after a 429 or a response
 * with {@code X-RateLimit-Remaining: 0} it stays closed until the platform's reset, and
 * after a 401 until the key is tried again. Kept in the database, so a restart honours
 * it.
 *
 * <p>
 * It also closes the gap between the throttle and the platform's count. The throttle
 * hands out a permit {@code period} after the one {@code max-requests} before it, but the
 * platform counts requests when they arrive, and the time from permit to arrival varies
 * by a few milliseconds, enough for one request too many in a window. A request arrives
 * before its answer comes back, so the gate lets the next request go only once
 * {@code period} has passed since the answer {@code max-requests} answers ago: however
 * the latency varies, no window of the platform's holds more than {@code max-requests}.
 * Its state and those answer times live in the database only, shared by every instance:
 * the instance that takes over a store's dispatch, or one restarted after a crash, cannot
 * put a second set of requests into the platform's current window.
 */
@Component
public class DispatchGate {

    /**
     * The two budgets a platform may count separately (TribeMade does: 20 updates and 50
     * reads a minute).
     */
    public enum Budget {

        STATUS_UPDATES, ORDER_READS

    }

    private record Closed(Instant until, boolean authFailed, String reason) {
    }

    private static final Logger log = LoggerFactory.getLogger(DispatchGate.class);

    private final JdbcClient jdbc;

    private final TransactionTemplate transaction;

    private final Clock clock;

    private final DispatchMetrics metrics;

    public DispatchGate(JdbcClient jdbc, TransactionTemplate transaction, Clock clock, DispatchMetrics metrics) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.clock = clock;
        this.metrics = metrics;
        // a restart may come with a corrected key: try it again at once instead of
        // trusting an old 401, and so do the
        // updates that waited for the key
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        jdbc.sql("SELECT store_key, closed_until FROM dispatch_gate WHERE auth_failed AND closed_until IS NOT NULL")
            .query((rs, row) -> Map.entry(rs.getString(1), rs.getObject(2, OffsetDateTime.class)))
            .list()
            .forEach(gate -> jdbc.sql("""
                    UPDATE status_update SET next_attempt_at = :now
                    WHERE store_key = :store AND state = 'PENDING'
                      AND next_attempt_at > :now AND next_attempt_at <= :until""")
                .param("now", now)
                .param("store", storeOf(gate.getKey()))
                .param("until", gate.getValue())
                .update());
        jdbc.sql("UPDATE dispatch_gate SET auth_failed = FALSE, closed_until = NULL WHERE auth_failed").update();
    }

    /**
     * The gate's closure, if any: read from the database each time, as every instance
     * shares it (a person may resume a store through another instance than the one
     * sending its updates).
     */
    private Optional<Closed> closure(String key) {
        return jdbc.sql("""
                SELECT closed_until, auth_failed, reason FROM dispatch_gate
                WHERE store_key = :key AND closed_until IS NOT NULL""")
            .param("key", key)
            .query((rs, row) -> new Closed(rs.getObject(1, OffsetDateTime.class).toInstant(), rs.getBoolean(2),
                    rs.getString(3)))
            .optional();
    }

    /** Until when requests of this kind must wait, if they must. */
    public Optional<Instant> closedUntil(Store store, Budget budget) {
        Instant now = clock.instant();
        Instant until = closure(key(store.name(), budget)).map(Closed::until).orElse(now);
        Instant windowFrees = windowFrees(store, budget);
        if (windowFrees.isAfter(until)) {
            until = windowFrees;
        }
        return until.isAfter(now) ? Optional.of(until) : Optional.empty();
    }

    /**
     * A request of this kind got its answer, or failed, at {@code at}: it counts in the
     * platform's window until then.
     */
    public void answered(Store store, Budget budget, Instant at) {
        String key = key(store.name(), budget);
        // one commit for both: with many stores each commit counts (H2 writes every
        // commit at once)
        transaction.executeWithoutResult(tx -> {
            jdbc.sql("INSERT INTO request_window (budget_key, answered_at) VALUES (:key, :at)")
                .param("key", key)
                .param("at", at.atOffset(ZoneOffset.UTC))
                .update();
            jdbc.sql("DELETE FROM request_window WHERE budget_key = :key AND answered_at < :since")
                .param("key", key)
                .param("since", at.minus(limit(store, budget).period()).atOffset(ZoneOffset.UTC))
                .update();
        });
    }

    /**
     * When the platform's window has room for one more request: {@code period} after the
     * answer {@code max-requests} answers ago. Read from the database at every request,
     * so that the instance that takes over a store's dispatch (or one that restarted)
     * counts the requests the one before it made. A status update whose request is out
     * with no answer recorded yet (SENDING, still claimed: in flight, or its instance
     * died) counts from when it went out.
     */
    private Instant windowFrees(Store store, Budget budget) {
        Store.Limit limit = limit(store, budget);
        OffsetDateTime since = OffsetDateTime.now(clock).minus(limit.period()).withOffsetSameInstant(ZoneOffset.UTC);
        var times = new ArrayList<>(jdbc.sql("""
                SELECT answered_at FROM request_window WHERE budget_key = :key AND answered_at > :since
                ORDER BY answered_at DESC LIMIT :max""")
            .param("key", key(store.name(), budget))
            .param("since", since)
            .param("max", limit.maxRequests())
            .query((rs, row) -> rs.getObject(1, OffsetDateTime.class).toInstant())
            .list());
        if (budget == Budget.STATUS_UPDATES) {
            times.addAll(jdbc.sql("""
                      SELECT updated_at FROM status_update
                      WHERE store_key = :store AND state = 'SENDING' AND claimed_by IS NOT NULL
                    AND updated_at > :since""")
                .param("store", store.name())
                .param("since", since)
                .query((rs, row) -> rs.getObject(1, OffsetDateTime.class).toInstant())
                .list());
        }
        if (times.size() < limit.maxRequests()) {
            return Instant.MIN;
        }
        times.sort(Comparator.reverseOrder());
        return times.get(limit.maxRequests() - 1).plus(limit.period());
    }

    private static Store.Limit limit(Store store, Budget budget) {
        return budget == Budget.STATUS_UPDATES ? store.statusUpdates() : store.orderReads().orElseThrow();
    }

    /**
     * Waits for the gate when it opens within {@code longest}, as the throttle would.
     * @return true when requests may go now; false when the wait is longer, or the thread
     * was asked to stop
     */
    public boolean awaitOpen(Store store, Budget budget, Duration longest) {
        Optional<Instant> until = closedUntil(store, budget);
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
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Counts the answer in the window and applies what it says about the rate limit. */
    public void observe(Store store, Budget budget, PlatformAnswer answer) {
        answered(store, budget, answer.answeredAt());
        String storeKey = store.name();
        if (answer.outcome() instanceof PlatformAnswer.RateLimited limited) {
            metrics.countRateLimited(store, budget);
            close(storeKey, budget, limited.retryAt(), false, "the platform answered 429 Rate limit exceeded");
        }
        else {
            answer.rateLimit()
                .filter(limit -> limit.remaining() <= 0 && limit.reset().isAfter(clock.instant()))
                .ifPresent(limit -> close(storeKey, budget, limit.reset(), false,
                        "the platform's rate-limit window is used up"));
        }
        boolean accepted = answer.outcome() instanceof PlatformAnswer.Applied
                || answer.outcome() instanceof PlatformAnswer.OrderRead;
        if (accepted && isAuthFailed(storeKey)) {
            log.info("The API key for {} works again; dispatch resumes", storeKey);
            for (Budget each : Budget.values()) {
                open(storeKey, each);
            }
        }
    }

    /**
     * A 401: every request of the account waits; one is tried again after
     * {@code retryAfter}.
     */
    public void authFailed(Store store, String platformError, Duration retryAfter) {
        String storeKey = store.name();
        String reason = store.platform().displayName() + " refused the API key (" + platformError + "); check "
                + store.configKey("api-key") + ". Updates stay pending and are sent once the key works.";
        log.error("Dispatch to {} paused: {} Next try in {}.", storeKey, reason, retryAfter);
        for (Budget each : Budget.values()) {
            close(storeKey, each, clock.instant().plus(retryAfter), true, reason);
        }
    }

    /**
     * A person says the store's API key is fixed: its requests may go at once, instead of
     * after the next automatic try. A key still refused pauses the store again.
     * @return false when the store was not paused by a refused key
     */
    public boolean resume(Store store) {
        if (!isAuthFailed(store.name())) {
            return false;
        }
        log.info("Dispatch to {} resumed by a person; the next request tries the API key", store.name());
        for (Budget each : Budget.values()) {
            open(store.name(), each);
        }
        return true;
    }

    public boolean isAuthFailed(String storeKey) {
        return authProblem(storeKey).isPresent();
    }

    public Optional<String> authProblem(String storeKey) {
        return closure(key(storeKey, Budget.STATUS_UPDATES)).filter(Closed::authFailed).map(Closed::reason);
    }

    private void close(String storeKey, Budget budget, Instant until, boolean authFailed, String text) {
        String key = key(storeKey, budget);
        String reason = Outbox.truncate(text, 1000);
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        int updated = jdbc.sql("""
                UPDATE dispatch_gate SET closed_until = :until, auth_failed = :auth, reason = :reason,
                                         updated_at = :now
                WHERE store_key = :key""")
            .param("until", until.atOffset(ZoneOffset.UTC))
            .param("auth", authFailed)
            .param("reason", reason)
            .param("now", now)
            .param("key", key)
            .update();
        if (updated == 0) {
            jdbc.sql("""
                    INSERT INTO dispatch_gate (store_key, closed_until, auth_failed, reason, updated_at)
                    VALUES (:key, :until, :auth, :reason, :now)""")
                .param("key", key)
                .param("until", until.atOffset(ZoneOffset.UTC))
                .param("auth", authFailed)
                .param("reason", reason)
                .param("now", now)
                .update();
        }
    }

    private void open(String storeKey, Budget budget) {
        String key = key(storeKey, budget);
        jdbc.sql("UPDATE dispatch_gate SET closed_until = NULL, auth_failed = FALSE, reason = NULL"
                + " WHERE store_key = :key")
            .param("key", key)
            .update();
    }

    private static String key(String storeKey, Budget budget) {
        return storeKey + "/" + budget.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String storeOf(String key) {
        return key.substring(0, key.lastIndexOf('/'));
    }

}
