package io.shipsync.webhook;

import java.time.Instant;
import java.util.UUID;

import io.shipsync.order.OrderStatus;

/**
 * An {@code order.created} event as shipsync keeps it.
 *
 * @param store the shipsync store the event belongs to (by its {@code store_id})
 * @param storeId the platform's store the order belongs to
 * @param orderedAt the event's {@code created_at}
 * @param payload the event's JSON reduced to the fields shipsync keeps: no personal data
 */
public record OrderCreatedEvent(String store, UUID orderId, UUID storeId, OrderStatus status, Instant orderedAt,
        String payload) {

    public static final String TYPE = "order.created";

}
