package io.shipsync.webhook;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.shipsync.order.OrderStatus;
import io.shipsync.outbox.Outbox;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionOperations;

/**
 * The webhook events received, each stored once. Storing is the idempotent consumer: the
 * unique key on (store, event type, order) makes a redelivery a no-op insert, in the
 * database, so it holds across restarts and between instances, and an event is never
 * stored apart from its dedupe key.
 */
@Repository
public class WebhookEvents {

    /** How the store went. */
    public record Stored(long eventId, OrderCreatedEvent event, boolean duplicate, int deliveries) {
    }

    /** A stored event, for processing. */
    public record StoredEvent(long id, String storeKey, UUID orderId, UUID storeId, OrderStatus status,
            OffsetDateTime orderedAt, String state) {
    }

    /**
     * At most this many events in one commit; at 1,000 requests a second a commit carries
     * a few dozen.
     */
    private static final int MAX_EVENTS_PER_COMMIT = 200;

    /**
     * A request waits this long for its commit, then answers 503. Longer than the
     * databases' lock timeouts (10 s), so that a lock held elsewhere ends in their clear
     * error, not in this one.
     */
    private static final Duration MAX_COMMIT_WAIT = Duration.ofSeconds(20);

    private final JdbcClient jdbc;

    private final Clock clock;

    private final GroupCommit<OrderCreatedEvent, Stored> commits;

    public WebhookEvents(JdbcClient jdbc, Clock clock, TransactionOperations transactions, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.clock = clock;
        DistributionSummary eventsPerCommit = DistributionSummary.builder("shipsync.webhook.commit.events")
            .description("Webhook events committed together, per commit")
            .register(registry);
        this.commits = new GroupCommit<>("webhook-commit", transactions, this::insertOrCount, MAX_EVENTS_PER_COMMIT,
                MAX_COMMIT_WAIT, eventsPerCommit::record);
    }

    /**
     * Commits the event, or counts one more delivery of the one already stored, together
     * with the events of the requests that arrive meanwhile; returns once that commit is
     * done.
     */
    public Stored store(OrderCreatedEvent event) {
        return commits.submit(event);
    }

    /** After the routes have stopped: commits the events still waiting. */
    @PreDestroy
    void stop() throws InterruptedException {
        commits.close();
    }

    private Stored insertOrCount(OrderCreatedEvent event) {
        OffsetDateTime now = now();
        var key = new GeneratedKeyHolder();
        int inserted;
        try {
            inserted = jdbc.sql("""
                    INSERT INTO webhook_event (store_key, event_type, order_id, platform_store_id, status,
                                               ordered_at, payload, state, deliveries, received_at,
                                               last_received_at)
                    VALUES (:store, :type, :order, :storeId, :status, :orderedAt, :payload, 'PENDING', 1,
                            :now, :now)
                    ON CONFLICT DO NOTHING""")
                .param("store", event.store())
                .param("type", OrderCreatedEvent.TYPE)
                .param("order", event.orderId())
                .param("storeId", event.storeId())
                .param("status", event.status().wireName())
                .param("orderedAt", event.orderedAt().atOffset(ZoneOffset.UTC))
                .param("payload", event.payload())
                .param("now", now)
                .update(key, "id");
        }
        catch (DuplicateKeyException concurrentDelivery) {
            // the same event arriving twice at the same moment: the other request's
            // insert won
            inserted = 0;
        }
        if (inserted == 1) {
            return new Stored(key.getKeyAs(Long.class), event, false, 1);
        }
        jdbc.sql("""
                UPDATE webhook_event SET deliveries = deliveries + 1, last_received_at = :now
                WHERE store_key = :store AND event_type = :type AND order_id = :order""")
            .param("now", now)
            .param("store", event.store())
            .param("type", OrderCreatedEvent.TYPE)
            .param("order", event.orderId())
            .update();
        return jdbc.sql("""
                SELECT id, deliveries FROM webhook_event
                WHERE store_key = :store AND event_type = :type AND order_id = :order""")
            .param("store", event.store())
            .param("type", OrderCreatedEvent.TYPE)
            .param("order", event.orderId())
            .query((rs, row) -> new Stored(rs.getLong("id"), event, true, rs.getInt("deliveries")))
            .single();
    }

    /** Events stored but not processed yet, oldest first. */
    public List<Long> pending(int limit) {
        return jdbc.sql("SELECT id FROM webhook_event WHERE state = 'PENDING' ORDER BY state, id LIMIT :limit")
            .param("limit", limit)
            .query(Long.class)
            .list();
    }

    /** How many events are stored but not processed yet. */
    public long countPending() {
        return jdbc.sql("SELECT COUNT(*) FROM webhook_event WHERE state = 'PENDING'").query(Long.class).single();
    }

    public Optional<StoredEvent> find(long id) {
        return jdbc.sql("""
                SELECT id, store_key, order_id, platform_store_id, status, ordered_at, state
                FROM webhook_event WHERE id = :id""").param("id", id).query(WebhookEvents::toEvent).optional();
    }

    /** Of these events, those still waiting to be processed, oldest first. */
    public List<StoredEvent> findPending(List<Long> ids) {
        return jdbc.sql("""
                SELECT id, store_key, order_id, platform_store_id, status, ordered_at, state
                FROM webhook_event WHERE id IN (:ids) AND state = 'PENDING' ORDER BY id""")
            .param("ids", ids)
            .query(WebhookEvents::toEvent)
            .list();
    }

    /**
     * Marks a pending event processed, with what processing did for a person reading it
     * later, in the caller's transaction. Of two processors that processed the same event
     * at once, only the first to get here can: the row stays locked until its transaction
     * ends, and then it is no longer pending.
     * @return false when the event is no longer pending
     */
    public boolean settle(long id, String detail) {
        return jdbc.sql("""
                UPDATE webhook_event SET state = 'PROCESSED', processed_at = :now, detail = :detail
                WHERE id = :id AND state = 'PENDING'""")
            .param("now", now())
            .param("detail", Outbox.truncate(detail, 2000))
            .param("id", id)
            .update() == 1;
    }

    /** The event could not be processed: it is in the dead letters now. */
    public void markDead(long id, String reason) {
        jdbc.sql("UPDATE webhook_event SET state = 'DEAD', detail = :reason WHERE id = :id")
            .param("reason", reason)
            .param("id", id)
            .update();
    }

    /**
     * A person sends a dead event back to be processed again.
     * @return false when the event is no longer dead
     */
    public boolean replay(long id) {
        return jdbc.sql("""
                UPDATE webhook_event SET state = 'PENDING', processed_at = NULL
                WHERE id = :id AND state = 'DEAD'""").param("id", id).update() == 1;
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    private static StoredEvent toEvent(ResultSet rs, int row) throws SQLException {
        return new StoredEvent(rs.getLong("id"), rs.getString("store_key"), rs.getObject("order_id", UUID.class),
                rs.getObject("platform_store_id", UUID.class), OrderStatus.parse(rs.getString("status")).orElseThrow(),
                rs.getObject("ordered_at", OffsetDateTime.class), rs.getString("state"));
    }

}
