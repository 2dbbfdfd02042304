package io.shipsync.order;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

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
        WEBHOOK
    }

    private final JdbcClient jdbc;
    private final Clock clock;

    public KnownOrders(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public Optional<OrderStatus> status(String storeKey, UUID orderId) {
        return jdbc.sql("SELECT status FROM known_order WHERE store_key = :store AND order_id = :order")
                .param("store", storeKey).param("order", orderId)
                .query(String.class)
                .optional()
                .flatMap(OrderStatus::parse);
    }

    /**
     * Records what an order.created event tells: its store and when it was placed, and its status unless shipsync
     * already knows a later one (events can arrive late and more than once).
     */
    public void learnCreated(String storeKey, UUID orderId, OrderStatus status, UUID platformStoreId,
            Instant orderedAt) {
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        OffsetDateTime placed = orderedAt.atOffset(ZoneOffset.UTC);
        int updated = jdbc.sql("""
                        UPDATE known_order SET platform_store_id = :storeId, ordered_at = :placed
                        WHERE store_key = :store AND order_id = :order""")
                .param("storeId", platformStoreId).param("placed", placed).param("store", storeKey)
                .param("order", orderId)
                .update();
        if (updated == 0) {
            jdbc.sql("""
                            INSERT INTO known_order (store_key, order_id, status, learned_from, updated_at,
                                                     platform_store_id, ordered_at)
                            VALUES (:store, :order, :status, :source, :now, :storeId, :placed)""")
                    .param("store", storeKey).param("order", orderId).param("status", status.wireName())
                    .param("source", Source.WEBHOOK.name()).param("now", now).param("storeId", platformStoreId)
                    .param("placed", placed)
                    .update();
        }
    }

    /** Remembers the status; a tracking URL already known is kept when none comes with it. */
    public void remember(String storeKey, UUID orderId, OrderStatus status, String trackingUrl, Source source) {
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        int updated = jdbc.sql("""
                        UPDATE known_order
                        SET status = :status, tracking_url = COALESCE(:url, tracking_url), learned_from = :source,
                            updated_at = :now
                        WHERE store_key = :store AND order_id = :order""")
                .param("status", status.wireName()).param("url", trackingUrl).param("source", source.name())
                .param("now", now).param("store", storeKey).param("order", orderId)
                .update();
        if (updated == 0) {
            jdbc.sql("""
                            INSERT INTO known_order (store_key, order_id, status, tracking_url, learned_from, updated_at)
                            VALUES (:store, :order, :status, :url, :source, :now)""")
                    .param("store", storeKey).param("order", orderId).param("status", status.wireName())
                    .param("url", trackingUrl).param("source", source.name()).param("now", now)
                    .update();
        }
    }
}
