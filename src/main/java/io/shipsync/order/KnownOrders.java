package io.shipsync.order;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

import io.shipsync.outbox.Outbox;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** What shipsync knows of each order's current status on the platform. */
@Repository
public class KnownOrders {

    /** Where a known status came from. */
    public enum Source {

        /** shipsync's own update, confirmed by the platform. */
        UPDATE,
        /** read from the platform. */
        PLATFORM,
        /** told by the platform's order.created event. */
        WEBHOOK,
        /**
         * put in doubt by a dead letter: something about the order was not as shipsync
         * believed.
         */
        DOUBTED

    }

    private final JdbcClient jdbc;

    private final Clock clock;

    public KnownOrders(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** What shipsync knows of an order's status, where from and since when. */
    public record KnownOrder(OrderStatus status, Source learnedFrom, Instant learnedAt) {

        /**
         * Whether the status can be acted on without asking the platform again: orders
         * also change outside shipsync (the store's dashboard, other tools), so only a
         * recent answer of the platform counts. An order.created event never does: it
         * tells how the order started, not where it is now.
         * @param readValidFor how long a status read from the platform counts
         * @param ownUpdateTrustedFor how long a status shipsync itself applied counts
         */
        public boolean isCurrent(Instant now, Duration readValidFor, Duration ownUpdateTrustedFor) {
            Duration age = Duration.between(learnedAt, now);
            return switch (learnedFrom) {
                case PLATFORM -> age.compareTo(readValidFor) < 0;
                case UPDATE -> age.compareTo(ownUpdateTrustedFor) < 0;
                case WEBHOOK, DOUBTED -> false;
            };
        }
    }

    public Optional<OrderStatus> status(String storeKey, String orderId) {
        return find(storeKey, orderId).map(KnownOrder::status);
    }

    public Optional<KnownOrder> find(String storeKey, String orderId) {
        return jdbc.sql("""
                SELECT status, learned_from, updated_at FROM known_order
                WHERE store_key = :store AND order_id = :order""")
            .param("store", storeKey)
            .param("order", orderId)
            .query((rs, row) -> new KnownOrder(OrderStatus.parse(rs.getString(1)).orElseThrow(),
                    Source.valueOf(rs.getString(2)), rs.getObject(3, OffsetDateTime.class).toInstant()))
            .optional();
    }

    /**
     * Stops trusting the order's status (after a dead letter: something about it was not
     * as shipsync believed), so the next update reads it from the platform first. What
     * the order.created event told is kept.
     */
    public void doubt(String storeKey, String orderId) {
        jdbc.sql("""
                UPDATE known_order SET learned_from = :source, updated_at = :now
                WHERE store_key = :store AND order_id = :order""")
            .param("source", Source.DOUBTED.name())
            .param("now", OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
            .param("store", storeKey)
            .param("order", orderId)
            .update();
    }

    /**
     * Records what an order.created event tells: its store and when it was placed, and
     * its status unless shipsync already knows a later one (events can arrive late and
     * more than once).
     * @return the order's status as shipsync knows it now
     */
    public OrderStatus learnCreated(String storeKey, String orderId, OrderStatus status, UUID platformStoreId,
            Instant orderedAt) {
        OffsetDateTime placed = orderedAt.atOffset(ZoneOffset.UTC);
        // a new order first: the usual case, one statement
        int inserted = jdbc.sql("""
                INSERT INTO known_order (store_key, order_id, status, learned_from, updated_at, platform_store_id,
                                         ordered_at)
                VALUES (:store, :order, :status, :source, :now, :storeId, :placed)
                ON CONFLICT DO NOTHING""")
            .param("store", storeKey)
            .param("order", orderId)
            .param("status", status.wireName())
            .param("source", Source.WEBHOOK.name())
            .param("now", OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
            .param("storeId", platformStoreId)
            .param("placed", placed)
            .update();
        if (inserted == 1) {
            return status;
        }
        jdbc.sql("""
                UPDATE known_order SET platform_store_id = :storeId, ordered_at = :placed
                WHERE store_key = :store AND order_id = :order""")
            .param("storeId", platformStoreId)
            .param("placed", placed)
            .param("store", storeKey)
            .param("order", orderId)
            .update();
        return status(storeKey, orderId).orElseThrow();
    }

    /**
     * Remembers the status; a tracking URL already known is kept when none comes with it.
     */
    public void remember(String storeKey, String orderId, OrderStatus status, String platformsTrackingUrl,
            Source source) {
        // what the platform answers is kept for reading only, clipped to the column
        String trackingUrl = Outbox.truncate(platformsTrackingUrl, 2048);
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        int updated = jdbc.sql("""
                UPDATE known_order
                SET status = :status, tracking_url = COALESCE(:url, tracking_url), learned_from = :source,
                    updated_at = :now
                WHERE store_key = :store AND order_id = :order""")
            .param("status", status.wireName())
            .param("url", trackingUrl)
            .param("source", source.name())
            .param("now", now)
            .param("store", storeKey)
            .param("order", orderId)
            .update();
        if (updated == 0) {
            jdbc.sql("""
                    INSERT INTO known_order (store_key, order_id, status, tracking_url, learned_from, updated_at)
                    VALUES (:store, :order, :status, :url, :source, :now)""")
                .param("store", storeKey)
                .param("order", orderId)
                .param("status", status.wireName())
                .param("url", trackingUrl)
                .param("source", source.name())
                .param("now", now)
                .update();
        }
    }

}
