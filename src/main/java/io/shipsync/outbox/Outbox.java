package io.shipsync.outbox;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.shipsync.ShipsyncProperties;
import io.shipsync.order.OrderStatus;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.core.simple.JdbcClient.StatementSpec;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;

/**
 * The durable outbox of status updates. Every source only adds intentions here; the
 * dispatch flow is the one reader.
 *
 * <p>
 * Several instances may share the database. Each store's dispatch runs on one of them at
 * a time, but a leader that has not yet noticed it lost the lead may overlap with the
 * next one: a request goes out only under a claim ({@link #claimForSending}), and every
 * write of the dispatcher leaves alone an update another instance has claimed.
 */
@Repository
public class Outbox {

    private static final String COLUMNS = "id, store_key, order_id, target_status, tracking_url, source, "
            + "source_file_id, "
            + "source_line, source_ref, state, sending_status, steps_sent, attempts, next_attempt_at, last_error, "
            + "created_at, give_up_reason, replays";

    // the dispatcher's writes change nothing while another instance's claim on the update
    // holds
    private static final String UNLESS_CLAIMED_BY_ANOTHER = " AND (claimed_until IS NULL OR claimed_until < :now"
            + " OR claimed_by = :me)";

    private final JdbcClient jdbc;

    private final JdbcTemplate batches;

    private final Clock clock;

    private final UpdateOutcomes outcomes;

    private final String instanceId;

    public Outbox(JdbcClient jdbc, JdbcTemplate batches, Clock clock, UpdateOutcomes outcomes,
            ShipsyncProperties shipsync) {
        this.jdbc = jdbc;
        this.batches = batches;
        this.clock = clock;
        this.outcomes = outcomes;
        this.instanceId = shipsync.instanceId();
    }

    /**
     * Adds updates read from a shipment file, in one batch, in file order.
     * @return the updates not added because the same order and status came earlier in the
     * same file
     */
    public List<NewUpdate> addFromFile(String storeKey, long fileId, List<NewUpdate> updates) {
        OffsetDateTime now = now();
        int[] inserted = batches.batchUpdate("""
                INSERT INTO status_update (store_key, order_id, target_status, tracking_url, source,
                                           source_file_id, source_line, state, attempts, next_attempt_at,
                                           created_at, updated_at)
                VALUES (?, ?, ?, ?, 'csv', ?, ?, 'PENDING', 0, ?, ?, ?)
                ON CONFLICT DO NOTHING""", updates, updates.size(), (ps, u) -> {
            ps.setString(1, storeKey);
            ps.setString(2, u.orderId());
            ps.setString(3, u.target().wireName());
            ps.setString(4, u.trackingUrl());
            ps.setLong(5, fileId);
            ps.setLong(6, u.sourceLine());
            ps.setObject(7, now);
            ps.setObject(8, now);
            ps.setObject(9, now);
        })[0];
        var repeats = new ArrayList<NewUpdate>();
        for (int i = 0; i < inserted.length; i++) {
            if (inserted[i] == 0) {
                repeats.add(updates.get(i));
            }
        }
        return repeats;
    }

    /**
     * Adds one update from a source other than a file, in the caller's transaction, so
     * that it is added exactly when the caller's own record of having asked for it is
     * committed.
     * @param sourceRef what in the source asked for it, for a person reading the update
     * later, e.g. "webhook event 17"
     * @return the update's id
     */
    public long add(String storeKey, String orderId, OrderStatus target, String trackingUrl, UpdateSource source,
            String sourceRef) {
        OffsetDateTime now = now();
        var key = new GeneratedKeyHolder();
        jdbc.sql("""
                INSERT INTO status_update (store_key, order_id, target_status, tracking_url, source, source_ref,
                                           state, attempts, next_attempt_at, created_at, updated_at)
                VALUES (:store, :order, :target, :url, :source, :ref, 'PENDING', 0, :now, :now, :now)""")
            .param("store", storeKey)
            .param("order", orderId)
            .param("target", target.wireName())
            .param("url", trackingUrl)
            .param("source", source.wireName())
            .param("ref", sourceRef)
            .param("now", now)
            .update(key, "id");
        return key.getKeyAs(Long.class);
    }

    /** The line of a file that asked for the same order and status first. */
    public long firstLineInFile(long fileId, String storeKey, String orderId, OrderStatus target) {
        return jdbc.sql("""
                SELECT source_line FROM status_update
                WHERE source_file_id = :file AND order_id = :order AND store_key = :store
                  AND target_status = :target""")
            .param("file", fileId)
            .param("order", orderId)
            .param("store", storeKey)
            .param("target", target.wireName())
            .query(Long.class)
            .single();
    }

    /**
     * The ids of updates that are due, oldest first, at most one per order: a later
     * update for an order waits until the earlier one is settled, so an order's updates
     * reach the platform in the order they were asked for. SENDING rows come first: no
     * request of theirs is in flight any more (their claim is over), so their answer was
     * lost, and the dispatcher verifies them before anything else. Updates another
     * instance has claimed are left to it.
     */
    public List<Long> dueUpdates(String storeKey, int limit) {
        var due = new ArrayList<>(dueIn(storeKey, UpdateState.SENDING, limit));
        if (due.size() < limit) {
            due.addAll(dueIn(storeKey, UpdateState.PENDING, limit - due.size()));
        }
        return due;
    }

    // one state per query, ordered by the whole (store_key, state, next_attempt_at, id)
    // index: H2 reads the index in order only when the ORDER BY starts with its first
    // columns, and then the LIMIT stops the scan early however large the backlog (4 ms
    // instead of 4.6 s at 400,000 pending updates). "Earlier" is by created_at, not by
    // id:
    // PostgreSQL hands each connection its own block of ids (CACHE 1000), so a later
    // insert may get a smaller id; within one insert's rows (one created_at) ids do grow
    private List<Long> dueIn(String storeKey, UpdateState state, int limit) {
        return jdbc.sql("""
                SELECT u.id FROM status_update u
                WHERE u.store_key = :store AND u.state = :state AND u.next_attempt_at <= :now
                  AND (u.claimed_until IS NULL OR u.claimed_until < :now OR u.claimed_by = :me)
                  AND NOT EXISTS (SELECT 1 FROM status_update e
                                  WHERE e.order_id = u.order_id AND e.store_key = u.store_key
                                    AND (e.created_at < u.created_at
                                         OR (e.created_at = u.created_at AND e.id < u.id))
                                    AND e.state IN ('PENDING', 'SENDING'))
                ORDER BY u.store_key, u.state, u.next_attempt_at, u.id
                LIMIT :limit""")
            .param("store", storeKey)
            .param("state", state.name())
            .param("now", now())
            .param("me", instanceId)
            .param("limit", limit)
            .query(Long.class)
            .list();
    }

    /** Updates not yet settled: the length of the dispatch queue. */
    public long unsettled(String storeKey) {
        return jdbc
            .sql("SELECT COUNT(*) FROM status_update WHERE store_key = :store AND state IN ('PENDING', 'SENDING')")
            .param("store", storeKey)
            .query(Long.class)
            .single();
    }

    /**
     * When the oldest update of a store still to send joined the outbox (by created_at:
     * on PostgreSQL a smaller id is not always older).
     */
    public Optional<Instant> oldestUnsettled(String storeKey) {
        return jdbc.sql("""
                SELECT MIN(created_at) FROM status_update
                WHERE store_key = :store AND state IN ('PENDING', 'SENDING')""")
            .param("store", storeKey)
            .query((rs, row) -> Optional.ofNullable(rs.getObject(1, OffsetDateTime.class))
                .map(OffsetDateTime::toInstant))
            .single();
    }

    /** The stores that have updates or accepted rows still to send. */
    public List<String> storesWithWorkLeft() {
        return jdbc.sql("""
                SELECT DISTINCT store_key FROM status_update WHERE state IN ('PENDING', 'SENDING')
                UNION SELECT DISTINCT store_key FROM accepted_row""").query(String.class).list();
    }

    public Optional<StatusUpdate> find(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM status_update WHERE id = :id")
            .param("id", id)
            .query(Outbox::toUpdate)
            .optional();
    }

    /**
     * The request for {@code status} is about to go out: the update is claimed for it and
     * marked SENDING in one conditional update, so that if the process dies now the
     * update is verified first, and no other instance sends it meanwhile.
     * @param seen the update as the decision to send was made on it: when it changed
     * since (another instance moved it on), nothing is claimed
     * @param claimFor longer than a request can take: another instance may take the
     * update over after that
     * @return whether this instance claimed it and may send the request
     */
    public boolean claimForSending(StatusUpdate seen, OrderStatus status, Duration claimFor) {
        OffsetDateTime now = now();
        return jdbc
            .sql("""
                    UPDATE status_update
                    SET state = 'SENDING', sending_status = :status, claimed_by = :me, claimed_until = :until,
                        updated_at = :now
                    WHERE id = :id AND state = :seenState AND COALESCE(steps_sent, '') = :seenSteps"""
                    + UNLESS_CLAIMED_BY_ANOTHER)
            .param("status", status.wireName())
            .param("me", instanceId)
            .param("until", now.plus(claimFor))
            .param("now", now)
            .param("id", seen.id())
            .param("seenState", seen.state().name())
            .param("seenSteps", seen.stepsSent() == null ? "" : seen.stepsSent())
            .update() == 1;
    }

    /**
     * A write of the dispatcher: it releases this instance's claim, and changes nothing
     * while another instance holds one.
     */
    private StatementSpec dispatcherWrite(String assignments, long id) {
        return jdbc
            .sql("UPDATE status_update SET " + assignments
                    + ", claimed_by = NULL, claimed_until = NULL, updated_at = :now WHERE id = :id"
                    + UNLESS_CLAIMED_BY_ANOTHER)
            .param("now", now())
            .param("me", instanceId)
            .param("id", id);
    }

    /** A step reached the platform; the update goes on towards its target. */
    public void recordStepApplied(long id, OrderStatus status) {
        dispatcherWrite("""
                state = 'PENDING', sending_status = NULL, give_up_reason = NULL,
                steps_sent = CASE WHEN steps_sent IS NULL THEN :status ELSE steps_sent || ',' || :status END""", id)
            .param("status", status.wireName())
            .update();
    }

    /**
     * The platform confirmed the step in flight did not happen: send it again, with no
     * attempt counted.
     */
    public void backToPending(long id) {
        dispatcherWrite("state = 'PENDING', sending_status = NULL", id).update();
    }

    /**
     * Try again later, with the reason kept; the state says whether the last request's
     * outcome is known.
     */
    public void retryLater(long id, UpdateState state, int attempts, Instant at, String error) {
        dispatcherWrite("state = :state, attempts = :attempts, next_attempt_at = :at, last_error = :error", id)
            .param("state", state.name())
            .param("attempts", attempts)
            .param("at", at.atOffset(ZoneOffset.UTC))
            .param("error", truncate(error, 2000))
            .update();
    }

    /**
     * The update gives up, but its last request may have reached the platform: it stays
     * SENDING, to be read at {@code readAt}, and becomes a dead letter with this reason
     * only if the read shows the request did not arrive.
     */
    public void giveUpAfterReading(long id, int attempts, String error, String reason, Instant readAt) {
        dispatcherWrite("""
                state = 'SENDING', attempts = :attempts, next_attempt_at = :at, last_error = :error,
                give_up_reason = :reason""", id).param("attempts", attempts)
            .param("error", truncate(error, 2000))
            .param("reason", truncate(reason, 2000))
            .param("at", readAt.atOffset(ZoneOffset.UTC))
            .update();
    }

    /**
     * An attempt that failed for good: counted, and its error kept, before the update
     * becomes a dead letter.
     */
    public void recordAttempt(long id, int attempts, String error) {
        dispatcherWrite("attempts = :attempts, last_error = :error", id).param("attempts", attempts)
            .param("error", truncate(error, 2000))
            .update();
    }

    /** Not now (the platform asked to wait): no attempt is counted. */
    public void postpone(long id, Instant until) {
        dispatcherWrite("next_attempt_at = :at", id).param("at", until.atOffset(ZoneOffset.UTC)).update();
    }

    /**
     * The update reached its outcome: the one place that records one, so each is counted
     * and logged here, once.
     */
    public void settle(StatusUpdate update, UpdateState outcome, String detail) {
        int settled = dispatcherWrite("state = :state, sending_status = NULL, detail = :detail", update.id())
            .param("state", outcome.name())
            .param("detail", truncate(detail, 2000))
            .update();
        if (settled == 1) {
            outcomes.settled(update, outcome, detail);
        }
    }

    /**
     * Makes the store's waiting updates due now: a person resumed the store, so what was
     * postponed until its next automatic try goes at once (through the throttle).
     */
    public void dueNow(String storeKey) {
        jdbc.sql("""
                UPDATE status_update SET next_attempt_at = :now, updated_at = :now
                WHERE store_key = :store AND state IN ('PENDING', 'SENDING') AND next_attempt_at > :now""")
            .param("store", storeKey)
            .param("now", now())
            .update();
    }

    /**
     * A person sends a dead update back to the outbox: a new attempt of the same update,
     * with its attempts counted afresh and its history kept. It is read before anything
     * is sent (its dead letter put the order in doubt), so the state rules decide again.
     * @return false when the update is no longer dead
     */
    public boolean replay(long id, String why) {
        return jdbc.sql("""
                UPDATE status_update
                SET state = 'PENDING', attempts = 0, next_attempt_at = :now, sending_status = NULL,
                    give_up_reason = NULL, replays = replays + 1, detail = :why, updated_at = :now
                WHERE id = :id AND state = 'DEAD'""")
            .param("now", now())
            .param("why", truncate(why, 2000))
            .param("id", id)
            .update() == 1;
    }

    /**
     * Adds a follow-up's words to a settled update's detail, e.g. that its delivery is
     * not followed.
     */
    public void appendDetail(long id, String more) {
        // the column holds 2,000 characters
        jdbc.sql("UPDATE status_update SET detail = LEFT(COALESCE(detail, '') || :more, 2000) WHERE id = :id")
            .param("more", more)
            .param("id", id)
            .update();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    public static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    private static StatusUpdate toUpdate(ResultSet rs, int row) throws SQLException {
        String sending = rs.getString("sending_status");
        return new StatusUpdate(rs.getLong("id"), rs.getString("store_key"), rs.getString("order_id"),
                OrderStatus.parse(rs.getString("target_status")).orElseThrow(), rs.getString("tracking_url"),
                rs.getString("source"), (Long) rs.getObject("source_file_id", Long.class),
                (Long) rs.getObject("source_line", Long.class), rs.getString("source_ref"),
                UpdateState.valueOf(rs.getString("state")),
                sending == null ? null : OrderStatus.parse(sending).orElseThrow(), rs.getString("steps_sent"),
                rs.getInt("attempts"), rs.getObject("next_attempt_at", OffsetDateTime.class).toInstant(),
                rs.getString("last_error"), rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getString("give_up_reason"), rs.getInt("replays"));
    }

}
