package io.shipsync.order;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * An order's status on the store platform, in the order of the documented flow
 * started → processing → dispatched → delivered, with cancelled reachable from any status that is not final.
 */
public enum OrderStatus {
    STARTED, PROCESSING, DISPATCHED, DELIVERED, CANCELLED;

    /** The spelling the platform and the CSV use. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isFinal() {
        return this == DELIVERED || this == CANCELLED;
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
