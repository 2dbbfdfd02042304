package io.shipsync.outbox;

import java.util.UUID;

import io.shipsync.order.OrderStatus;

/** An update read from line {@code sourceLine} of a shipment file. */
public record NewUpdate(long sourceLine, UUID orderId, OrderStatus target, String trackingUrl) {
}
