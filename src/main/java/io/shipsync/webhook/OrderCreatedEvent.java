package io.shipsync.webhook;

import java.time.Instant;
import java.util.UUID;

import io.shipsync.order.OrderStatus;

/**
 * An {@code order.created} event as shipsync keeps it.
 *
 * @param storeId   the platform's store the order belongs to
 * @param orderedAt the event's {@code created_at}
 * @param payload   the event's JSON reduced to the fields shipsync keeps: no personal data
 */
public record OrderCreatedEvent(UUID orderId, UUID storeId, OrderStatus status, Instant orderedAt, String payload) {

    public static final String TYPE = "order.created";
}
