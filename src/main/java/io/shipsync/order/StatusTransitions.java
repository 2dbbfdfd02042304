package io.shipsync.order;

/**
 * The state rules: what the next call to the platform should be for an order known to be
 * in one status when an update wants it in another.
 */
public final class StatusTransitions {

    private StatusTransitions() {
    }

    /** What to do next for one update. */
    public sealed interface Step {

    }

    /** The order is already where the update wants it. */
    public record AlreadyThere() implements Step {
    }

    /** The update can never be applied; the reason is written for a warehouse person. */
    public record Refused(String reason) implements Step {
    }

    /** Send this status next; when it is not the target, more steps follow. */
    public record Send(OrderStatus status) implements Step {
    }

    /**
     * @param hasTrackingUrl whether the update carries a tracking link: a filled-in step
     * to dispatched is only ever sent with one, so without it the update is refused
     * before any step goes out
     */
    public static Step next(OrderStatus current, OrderStatus target, boolean fillSkippedSteps, boolean hasTrackingUrl) {
        if (current == target) {
            return new AlreadyThere();
        }
        if (current.isFinal()) {
            return new Refused("order is already " + current + ", which is final; it cannot become " + target);
        }
        if (target == OrderStatus.CANCELLED) {
            return new Send(target);
        }
        if (target.ordinal() < current.ordinal()) {
            return new Refused("order is already " + current + "; it cannot go back to " + target);
        }
        if (!fillSkippedSteps || target.ordinal() == current.ordinal() + 1) {
            return new Send(target);
        }
        if (current.ordinal() < OrderStatus.DISPATCHED.ordinal() && !hasTrackingUrl) {
            return new Refused("order is still " + current + "; to become " + target + " it must first be dispatched, "
                    + "which needs a tracking link: give tracking_url, or courier and awb");
        }
        return new Send(OrderStatus.values()[current.ordinal() + 1]);
    }

}
