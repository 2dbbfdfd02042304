package io.shipsync.outbox;

import io.shipsync.order.OrderStatus;

/** An update read from line {@code sourceLine} of a shipment file. */
public record NewUpdate(long sourceLine, String orderId, OrderStatus target, String trackingUrl) {
}
