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
 * What to do next for one update, as a plain function of the update, what is known of its
 * order and the platform's abilities: the state rules and the rules for trusting what
 * shipsync knows, with no Camel and no database.
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

    /**
     * Read the order first: its status is unknown or stale, or a request's answer was
     * lost.
     */
    public record ReadOrder() implements NextStep {
    }

    /** Send this status; when it is not the target, more steps follow. */
    public record Send(OrderStatus status) implements NextStep {
    }

    /**
     * The update is settled without a request: the order is already there, or can never
     * get there.
     */
    public record Settle(UpdateState outcome, String detail) implements NextStep {
    }

    /**
     * How much of what shipsync knows is trusted.
     *
     * @param readValidFor how long a status read from the platform counts
     * @param ownUpdateTrustedFor how long a status shipsync itself applied counts
     * @param fillSkippedSteps send the documented steps an update skips
     */
    public record Rules(Duration readValidFor, Duration ownUpdateTrustedFor, boolean fillSkippedSteps) {
    }

    /**
     * @param known what shipsync knows of the order's status
     * @param checkedThisRound whether this update already acted on a current status of
     * the order, so its later steps need no new read
     */
    public static NextStep next(StatusUpdate update, Optional<KnownOrder> known, boolean checkedThisRound,
            Platform platform, Instant now, Rules rules) {
        if (update.state().isFinal() || update.nextAttemptAt().isAfter(now)) {
            return new Nothing();
        }
        if (update.state() == UpdateState.SENDING) {
            // the last request's answer was lost: read where the platform can; elsewhere
            // the same request is sent
            // again, which its platform applies at most once (an idempotency key, or a
            // PUT that sets a state)
            return platform.readsOrders() ? new ReadOrder() : new Send(update.sendingStatus());
        }
        boolean current = checkedThisRound || isCurrent(known, now, rules);
        if (platform.readsOrders() && !current) {
            return new ReadOrder();
        }
        if (known.isEmpty() || known.get().learnedFrom() == KnownOrders.Source.DOUBTED) {
            // a platform without order reads: the target is sent as it is, and the answer
            // tells the order's status
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
                : new Settle(UpdateState.UNCHANGED,
                        "The order was already " + status + " on " + platformName + "; nothing sent.");
    }

    /**
     * Whether what shipsync knows of an order can be acted on without reading it from the
     * platform again.
     */
    public static boolean isCurrent(Optional<KnownOrder> known, Instant now, Rules rules) {
        return known.filter(order -> order.isCurrent(now, rules.readValidFor(), rules.ownUpdateTrustedFor()))
            .isPresent();
    }

    /**
     * What a request that failed without a usable answer (5xx, a timeout, a dropped
     * connection) means.
     */
    public sealed interface AfterFailure {

    }

    /**
     * The platform is down (the circuit opened): the update waits for it without spending
     * an attempt.
     */
    public record WaitForPlatform() implements AfterFailure {
    }

    /**
     * Try again later, this attempt counted; {@code state} says whether the last
     * request's outcome is known.
     */
    public record Retry(UpdateState state, int attempts) implements AfterFailure {
    }

    /**
     * Give up, but only once the last request is known not to have arrived: the order is
     * read first (or, without order reads, the same request sent once more), {@code now}
     * or after a backoff when such a check failed already.
     */
    public record VerifyThenGiveUp(int attempts, String reason, boolean now) implements AfterFailure {
    }

    /** A dead letter, with the reason a person reads. */
    public record GiveUp(int attempts, String reason) implements AfterFailure {
    }

    /**
     * @param maxAttempts an update's own failed attempts before it gives up
     * @param giveUpAfter an update failing again when older than this gives up
     */
    public record Patience(int maxAttempts, Duration giveUpAfter) {
    }

    /**
     * A failed attempt of an update: a platform that is down is not the update's fault;
     * otherwise the failure is counted, retried, and after {@code max-attempts} or
     * {@code give-up-after} given up, but never while the last request may have been
     * applied.
     * @param state the update's state after the failure: SENDING when the request may
     * have been applied
     * @param platformDown whether this failure opened (or found open) the store's outage
     * circuit
     */
    public static AfterFailure afterFailure(StatusUpdate update, UpdateState state, String error, boolean platformDown,
            Platform platform, Instant now, Patience patience) {
        if (platformDown) {
            return new WaitForPlatform();
        }
        int attempts = update.attempts() + 1;
        Optional<String> givingUp = giveUpReason(update, attempts, error, now, patience);
        if (givingUp.isEmpty()) {
            return new Retry(state, attempts);
        }
        if (state != UpdateState.SENDING) {
            return new GiveUp(attempts, givingUp.get());
        }
        if (platform.readsOrders() || update.giveUpReason() == null) {
            return new VerifyThenGiveUp(attempts, givingUp.get(), update.giveUpReason() == null);
        }
        // sent once more after giving up, and that failed too: nothing can tell whether
        // it arrived
        return new GiveUp(attempts,
                update.giveUpReason() + " Whether its last request reached " + platform.displayName()
                        + " is not known (it documents no order read): check the order there " + "before replaying.");
    }

    private static Optional<String> giveUpReason(StatusUpdate update, int attempts, String lastError, Instant now,
            Patience patience) {
        if (attempts >= patience.maxAttempts()) {
            return Optional.of("Gave up after " + attempts + " failed attempts; last: " + lastError + ".");
        }
        Duration age = Duration.between(update.createdAt(), now);
        if (age.compareTo(patience.giveUpAfter()) >= 0) {
            return Optional.of("Gave up: still failing " + RetryPolicy.readable(age) + " after it was queued "
                    + "(shipsync.status-updates.give-up-after: " + RetryPolicy.readable(patience.giveUpAfter())
                    + "), after " + attempts + " failed attempts; last: " + lastError + ".");
        }
        return Optional.empty();
    }

    /**
     * The report's words for an applied update; {@code steps} are the statuses sent,
     * comma separated.
     */
    static String appliedDetail(String platform, OrderStatus status, String steps) {
        String inSteps = steps.contains(",") ? ", step by step: " + steps.replace(",", ", ") : "";
        return platform + " updated the order to " + status + inSteps + ".";
    }

}
