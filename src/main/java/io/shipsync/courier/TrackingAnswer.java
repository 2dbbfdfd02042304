package io.shipsync.courier;

/** What a courier's tracking answer says, read through the courier's configuration. */
public sealed interface TrackingAnswer {

    /**
     * @param courierStatus the courier's own status value, e.g. {@code UD:Dispatched}
     * @param time when the courier says it happened, as the courier wrote it
     */
    record Known(TrackingState state, String courierStatus, String time, String location) implements TrackingAnswer {
    }

    /**
     * An answer without a status shipsync can use: an unknown AWB, an unmapped value,
     * another shape.
     */
    record Unreadable(String reason) implements TrackingAnswer {
    }

}
