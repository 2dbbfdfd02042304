package io.shipsync.order;

import java.util.Arrays;
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
        String wanted = text.trim();
        return Arrays.stream(values()).filter(s -> s.name().equalsIgnoreCase(wanted)).findFirst();
    }

    @Override
    public String toString() {
        return wireName();
    }

}
