package io.shipsync.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.shipsync.order.KnownOrders;
import io.shipsync.order.KnownOrders.KnownOrder;
import io.shipsync.order.OrderStatus;
import io.shipsync.order.StatusTransitions;
import io.shipsync.outbox.StatusUpdate;
import io.shipsync.outbox.UpdateState;
import io.shipsync.store.Platform;

/**
 * What to do next for one update, as a plain function of the update, what is known of its order and the platform's
 * abilities: the state rules and the rules for trusting what shipsync knows, with no Camel and no database.
 */
public final class DispatchDecision {

    private DispatchDecision() {
    }

    /** The next step of an update. */
    public sealed interface NextStep {
    }

    /** Nothing now: the update is settled, or waits for a later attempt. */
    public record Nothing() implements NextStep {
    }

    /** Read the order first: its status is unknown or stale, or a request's answer was lost. */
    public record ReadOrder() implements NextStep {
    }

    /** Send this status; when it is not the target, more steps follow. */
    public record Send(OrderStatus status) implements NextStep {
    }

    /** The update is settled without a request: the order is already there, or can never get there. */
    public record Settle(UpdateState outcome, String detail) implements NextStep {
    }

    /**
     * How much of what shipsync knows is trusted.
     *
     * @param readValidFor        how long a status read from the platform counts
     * @param ownUpdateTrustedFor how long a status shipsync itself applied counts
     * @param fillSkippedSteps    send the documented steps an update skips
     */
    public record Rules(Duration readValidFor, Duration ownUpdateTrustedFor, boolean fillSkippedSteps) {
    }

    /**
     * @param known            what shipsync knows of the order's status
     * @param checkedThisRound whether this update already acted on a current status of the order, so its later steps
     *                         need no new read
     */
    public static NextStep next(StatusUpdate update, Optional<KnownOrder> known, boolean checkedThisRound,
            Platform platform, Instant now, Rules rules) {
        if (update.state().isFinal() || update.nextAttemptAt().isAfter(now)) {
            return new Nothing();
        }
        if (update.state() == UpdateState.SENDING) {
            // the last request's answer was lost: read where the platform can; elsewhere the same request is sent
            // again, which its platform applies at most once (an idempotency key, or a PUT that sets a state)
            return platform.readsOrders() ? new ReadOrder() : new Send(update.sendingStatus());
        }
        boolean current = checkedThisRound || known.filter(order -> order.isCurrent(now, rules.readValidFor(),
                rules.ownUpdateTrustedFor())).isPresent();
        if (platform.readsOrders() && !current) {
            return new ReadOrder();
        }
        if (known.isEmpty() || known.get().learnedFrom() == KnownOrders.Source.DOUBTED) {
            // a platform without order reads: the target is sent as it is, and the answer tells the order's status
            return new Send(update.targetStatus());
        }
        OrderStatus status = known.get().status();
        StatusTransitions.Step step = StatusTransitions.next(status, update.targetStatus(), rules.fillSkippedSteps(),
                update.trackingUrl() != null);
        if (step instanceof StatusTransitions.Refused refused) {
            return new Settle(UpdateState.REJECTED, "Not sent: " + refused.reason() + ".");
        }
        if (step instanceof StatusTransitions.Send send) {
            return new Send(send.status());
        }
        String platformName = platform.displayName();
        return update.hasSentSteps()
                ? new Settle(UpdateState.APPLIED, appliedDetail(platformName, status, update.stepsSent()))
                : new Settle(UpdateState.UNCHANGED, "The order was already " + status + " on " + platformName
                        + "; nothing sent.");
    }

    /** The report's words for an applied update; {@code steps} are the statuses sent, comma separated. */
    static String appliedDetail(String platform, OrderStatus status, String steps) {
        String inSteps = steps.contains(",") ? ", step by step: " + steps.replace(",", ", ") : "";
        return platform + " updated the order to " + status + inSteps + ".";
    }
}
