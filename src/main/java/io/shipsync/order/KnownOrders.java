package io.shipsync.order;

import java.time.Clock;
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
        PLATFORM
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
