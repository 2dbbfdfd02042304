package io.shipsync.courier;

import java.util.Locale;

/**
 * Where a shipment is, in shipsync's words; each courier's own status values are mapped
 * onto these.
 */
public enum TrackingState {

    IN_TRANSIT, OUT_FOR_DELIVERY, DELIVERED, FAILED_ATTEMPT, RETURNED, EXCEPTION, UNKNOWN;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return wireName();
    }

}
