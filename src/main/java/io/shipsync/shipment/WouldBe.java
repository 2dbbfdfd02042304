package io.shipsync.shipment;

import java.util.ArrayList;
import java.util.List;

import io.shipsync.order.OrderStatus;
import io.shipsync.order.StatusTransitions;
import io.shipsync.store.Platform;

/**
 * A dry run's judgement of one accepted row, as a plain function of the row and of what
 * can be told of its order now: the same state rules as the status dispatch
 * ({@link StatusTransitions}), in the conditional, with the status requests it would
 * take.
 */
final class WouldBe {

    static final String WOULD_APPLY = "would-apply";

    static final String UNCHANGED = "unchanged";

    static final String REJECTED = "rejected";

    private WouldBe() {
    }

    /** What can be told of an order's status before a row of a dry run. */
    sealed interface OrderNow {

        /**
         * The order's status.
         *
         * @param basis what the status rests on when it is not the platform's answer of
         * now, as a sentence for the detail ("Tybrite Labs has no order read: ...");
         * empty otherwise
         */
        record Known(OrderStatus status, String basis) implements OrderNow {
        }

        /** The platform answered that it does not have the order, in its words. */
        record Missing(String answer) implements OrderNow {
        }

        /**
         * Nothing is known: the dispatch would send the target as it is, and the platform
         * decides.
         */
        record Unknown(String basis) implements OrderNow {
        }

    }

    /**
     * A row's would-be outcome.
     *
     * @param sends the status requests it would send: one per step
     */
    record Verdict(String outcome, String detail, int sends) {

        boolean wouldApply() {
            return WOULD_APPLY.equals(outcome);
        }

    }

    static Verdict judge(ShipmentRow.Accepted row, OrderNow now, Platform platform, boolean fillSkippedSteps) {
        OrderStatus target = row.status();
        if (now instanceof OrderNow.Missing missing) {
            return new Verdict(REJECTED, "Would not be sent: " + missing.answer() + ".", 0);
        }
        if (now instanceof OrderNow.Unknown unknown) {
            return new Verdict(WOULD_APPLY, "Would send " + target + " as it is. " + unknown.basis(), 1);
        }
        OrderNow.Known known = (OrderNow.Known) now;
        List<OrderStatus> steps = new ArrayList<>();
        OrderStatus status = known.status();
        while (true) {
            StatusTransitions.Step step = StatusTransitions.next(status, target, fillSkippedSteps,
                    row.trackingUrl() != null);
            if (step instanceof StatusTransitions.Send send) {
                steps.add(send.status());
                status = send.status();
            }
            else if (step instanceof StatusTransitions.Refused refused) {
                // a refusal comes before the first step: once dispatched, no later step
                // needs
                // anything the row lacks
                return new Verdict(REJECTED, withBasis("Would not be sent: " + refused.reason() + ".", known), 0);
            }
            else if (steps.isEmpty()) {
                return new Verdict(UNCHANGED, withBasis(
                        "The order is already " + status + " on " + platform.displayName() + "; nothing would be sent.",
                        known), 0);
            }
            else {
                String inSteps = steps.size() > 1
                        ? ", step by step: " + String.join(", ", steps.stream().map(OrderStatus::wireName).toList())
                        : "";
                return new Verdict(WOULD_APPLY,
                        withBasis(platform.displayName() + " would update the order to " + target + inSteps + ".",
                                known),
                        steps.size());
            }
        }
    }

    private static String withBasis(String detail, OrderNow.Known known) {
        return known.basis().isEmpty() ? detail : detail + " " + known.basis();
    }

}
