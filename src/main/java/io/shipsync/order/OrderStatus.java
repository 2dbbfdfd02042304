package io.shipsync.order;

import java.util.Locale;
import java.util.Optional;

/**
 * An order's status on the store platform, in the order of the documented flow started →
 * processing → dispatched → delivered, with cancelled reachable from any status that is
 * not final. Refunded is a status shipsync never sends but can read back (Cekat): final,
 * like cancelled.
 */
public enum OrderStatus {

    STARTED, PROCESSING, DISPATCHED, DELIVERED, CANCELLED, REFUNDED;

    /** {@link #values()} without a new array at each call. */
    private static final OrderStatus[] ALL = values();

    /** The spelling the platform and the CSV use. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isFinal() {
        return this == DELIVERED || this == CANCELLED || this == REFUNDED;
    }

    /**
     * Whether a shipment file or an event may ask for it: the store sets started, and
     * shipsync never refunds.
     */
    public boolean isSettable() {
        return this != STARTED && this != REFUNDED;
    }

    public static Optional<OrderStatus> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        // a loop, not a stream: a shipment file asks once per row
        String wanted = text.trim();
        for (OrderStatus status : ALL) {
            if (status.name().equalsIgnoreCase(wanted)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return wireName();
    }

}
