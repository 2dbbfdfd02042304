package io.shipsync.shipment;

import io.shipsync.order.OrderStatus;

/**
 * A row after validation: either an update to make, or refused with a reason the
 * warehouse can act on.
 */
public sealed interface ShipmentRow {

    long line();

    record Accepted(long line, String store, String orderId, OrderStatus status,
            String trackingUrl) implements ShipmentRow {
    }

    record Rejected(long line, String orderId, String status, String reason) implements ShipmentRow {
    }

}
