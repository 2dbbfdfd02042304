package io.shipsync.dispatch;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.shipsync.courier.TrackedShipments;
import io.shipsync.dispatch.DispatchGate.Budget;
import io.shipsync.dispatch.PlatformCircuit.Wait;
import io.shipsync.order.KnownOrders;
import io.shipsync.order.KnownOrders.KnownOrder;
import io.shipsync.order.OrderStatus;
import io.shipsync.order.StatusTransitions;
import io.shipsync.outbox.Outbox;
import io.shipsync.outbox.StatusUpdate;
import io.shipsync.outbox.UpdateState;
import io.shipsync.tribemade.PlatformAnswer;
import io.shipsync.tribemade.TribeMadeApi;
import io.shipsync.tribemade.TribeMadeProperties;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The decisions of the status-dispatch route, one update at a time: which call comes next (read the order, send a
 * status, or none), and what each answer means for the update. Every decision is committed before the route goes on,
 * so a crash at any point leaves the update where a restart can continue it.
 */
@Component("statusDispatcher")
public class StatusDispatcher {

    /** Exchange properties the route reads. */
    public static final String UPDATE_ID = "shipsyncUpdateId";
    public static final String NEXT_CALL = "shipsyncNextCall";
    public static final String STORE = "shipsyncStore";

    /** Values of {@link #NEXT_CALL}. */
    public static final String READ_ORDER = "read-order";
    public static final String UPDATE_STATUS = "update-status";
    public static final String NONE = "none";

    private static final String SEND_STATUS = "shipsyncSendStatus";
    private static final String READ_AHEAD = "shipsyncReadAhead";
    /** This exchange acted on a current status of the order: the update's later steps need no new read. */
    private static final String ORDER_CHECKED = "shipsyncOrderChecked";
    private static final String STORE_KEY = TribeMadeProperties.STORE_KEY;
    private static final String PLATFORM = "TribeMade";

    private static final Logger log = LoggerFactory.getLogger(StatusDispatcher.class);

    private final Outbox outbox;
    private final KnownOrders knownOrders;
    private final TrackedShipments shipments;
    private final TribeMadeApi api;
    private final DispatchGate gate;
    private final PlatformCircuit circuit;
    private final RetryPolicy retries;
    private final StatusUpdateProperties properties;
    private final TransactionTemplate transaction;
    private final Clock clock;

    public StatusDispatcher(Outbox outbox, KnownOrders knownOrders, TrackedShipments shipments, TribeMadeApi api,
            DispatchGate gate, PlatformCircuit circuit, RetryPolicy retries, StatusUpdateProperties properties,
            TransactionTemplate transaction, Clock clock) {
        this.outbox = outbox;
        this.knownOrders = knownOrders;
        this.shipments = shipments;
        this.api = api;
        this.gate = gate;
        this.circuit = circuit;
        this.retries = retries;
        this.properties = properties;
        this.transaction = transaction;
        this.clock = clock;
    }

    /** About one period's worth of due updates: the throttle never holds a large backlog in memory. */
    public List<Long> dueUpdates() {
        if (gate.closedUntil(STORE_KEY, Budget.STATUS_UPDATES)
                .filter(until -> until.isAfter(clock.instant().plus(properties.period()))).isPresent()
                || circuit.waitingUntil(STORE_KEY).isPresent()) {
            return List.of();
        }
        return outbox.dueUpdates(STORE_KEY, properties.maxRequests());
    }

    public void begin(Exchange exchange) {
        exchange.setProperty(UPDATE_ID, exchange.getMessage().getBody(Long.class));
        exchange.setProperty(STORE, STORE_KEY);
        decideNext(exchange);
    }

    /** The updates of a batch whose order must be read before anything is sent: unknown, or an answer was lost. */
    public List<Long> needingOrderRead(List<Long> ids) {
        return ids.stream()
                .filter(id -> outbox.find(id).filter(update -> needsOrderRead(update, false)).isPresent())
                .toList();
    }

    /**
     * Reads ahead, from the order-read budget, while the update budget may still be closed: the read is all that
     * happens now; the update itself waits for its turn in the batch.
     */
    public void beginReadAhead(Exchange exchange) {
        exchange.setProperty(UPDATE_ID, exchange.getMessage().getBody(Long.class));
        exchange.setProperty(STORE, STORE_KEY);
        exchange.setProperty(READ_AHEAD, true);
        exchange.setProperty(NEXT_CALL, NONE);
        StatusUpdate update = update(exchange);
        if (!update.state().isFinal() && needsOrderRead(update, false)) {
            callWhenOpen(exchange, update, Budget.ORDER_READS, READ_ORDER);
        }
    }

    public void prepareOrderRead(Exchange exchange) {
        api.prepareOrderRead(exchange.getMessage(), update(exchange).orderId());
    }

    public void onOrderRead(Exchange exchange) {
        StatusUpdate update = update(exchange);
        PlatformAnswer answer = api.classify(exchange.getMessage());
        gate.observe(STORE_KEY, Budget.ORDER_READS, answer);
        if (answer instanceof PlatformAnswer.Failed failed) {
            failedAttempt(exchange, update, update.state(), PLATFORM + " answered " + failed.httpStatus() + " ("
                    + failed.error() + ") when shipsync read the order");
            return;
        }
        circuit.answered(STORE_KEY);
        if (answer instanceof PlatformAnswer.Success success) {
            Optional<OrderStatus> status = OrderStatus.parse(success.body().path("status").asText(null));
            if (status.isEmpty()) {
                failedAttempt(exchange, update, update.state(),
                        PLATFORM + "'s order answer had no known status: " + success.body().path("status"));
                return;
            }
            String trackingUrl = success.body().path("tracking_url").asText(null);
            boolean verifiedApplied = update.state() == UpdateState.SENDING && status.get() == update.sendingStatus();
            boolean verifiedNotApplied = update.state() == UpdateState.SENDING && !verifiedApplied;
            transaction.executeWithoutResult(tx -> {
                knownOrders.remember(STORE_KEY, update.orderId(), status.get(), trackingUrl, KnownOrders.Source.PLATFORM);
                if (verifiedApplied) {
                    outbox.recordStepApplied(update.id(), update.sendingStatus());
                } else if (verifiedNotApplied && update.giveUpReason() == null) {
                    outbox.backToPending(update.id());
                }
            });
            if (verifiedNotApplied && update.giveUpReason() != null) {
                // given up while its last request's outcome was unknown: now known not to have arrived
                throw new UpdateFailedException(update.giveUpReason(), update.lastError());
            }
            if (verifiedApplied && update.sendingStatus() == OrderStatus.DISPATCHED) {
                followDelivery(update);
            }
            exchange.setProperty(ORDER_CHECKED, true);
            decideNext(exchange);
        } else if (answer instanceof PlatformAnswer.RateLimited) {
            decideNext(exchange);
        } else if (answer instanceof PlatformAnswer.Refused refused) {
            throw refusal(update, refused);
        } else if (answer instanceof PlatformAnswer.Unauthorized unauthorized) {
            pauseForAuth(exchange, update, unauthorized);
        }
    }

    /** Marks the update SENDING, committed, right before its request goes out. */
    public void prepareStatusUpdate(Exchange exchange) {
        StatusUpdate update = update(exchange);
        OrderStatus status = exchange.getProperty(SEND_STATUS, OrderStatus.class);
        outbox.markSending(update.id(), status);
        String trackingUrl = status == OrderStatus.DISPATCHED || status == update.targetStatus() ? update.trackingUrl() : null;
        api.prepareStatusUpdate(exchange.getMessage(), update.orderId(), status, trackingUrl);
    }

    public void onStatusUpdated(Exchange exchange) {
        StatusUpdate update = update(exchange);
        OrderStatus sent = exchange.getProperty(SEND_STATUS, OrderStatus.class);
        PlatformAnswer answer = api.classify(exchange.getMessage());
        gate.observe(STORE_KEY, Budget.STATUS_UPDATES, answer);
        if (answer instanceof PlatformAnswer.Failed failed) {
            // the platform may have applied it before failing: verify before sending again
            failedAttempt(exchange, update, UpdateState.SENDING,
                    PLATFORM + " answered " + failed.httpStatus() + " (" + failed.error() + ")");
            return;
        }
        circuit.answered(STORE_KEY);
        if (answer instanceof PlatformAnswer.Success) {
            // the answer is recorded first, in one commit of its own; what follows from it can fail without undoing it
            boolean reachedTarget = sent == update.targetStatus();
            transaction.executeWithoutResult(tx -> {
                knownOrders.remember(STORE_KEY, update.orderId(), sent,
                        sent == OrderStatus.DISPATCHED ? update.trackingUrl() : null, KnownOrders.Source.UPDATE);
                if (reachedTarget) {
                    String steps = update.hasSentSteps() ? update.stepsSent() + "," + sent.wireName() : sent.wireName();
                    String notFollowed = sent == OrderStatus.DISPATCHED && update.trackingUrl() != null
                            ? shipments.whyNotFollowed(update.trackingUrl()).map(why -> " " + why).orElse("") : "";
                    outbox.settle(update.id(), UpdateState.APPLIED, appliedDetail(sent, steps) + notFollowed);
                } else {
                    outbox.recordStepApplied(update.id(), sent);
                }
            });
            if (sent == OrderStatus.DISPATCHED) {
                followDelivery(update);
            }
            decideNext(exchange);
        } else if (answer instanceof PlatformAnswer.RateLimited) {
            outbox.backToPending(update.id());
            decideNext(exchange);
        } else if (answer instanceof PlatformAnswer.Refused refused) {
            throw refusal(update, refused);
        } else if (answer instanceof PlatformAnswer.Unauthorized unauthorized) {
            outbox.backToPending(update.id());
            pauseForAuth(exchange, update, unauthorized);
        }
    }

    /**
     * Starts following a dispatched order's delivery at its courier: a follow-up of an applied update, so when it
     * fails the update stays applied, and its report says that the delivery is not followed.
     */
    private void followDelivery(StatusUpdate update) {
        try {
            shipments.startTracking(STORE_KEY, update.orderId(), update.trackingUrl(), update.id());
        } catch (RuntimeException e) {
            log.error("Order {} was dispatched, but shipsync could not start following its delivery: {}",
                    update.orderId(), e.toString());
            outbox.appendDetail(update.id(), " Delivery is not followed: shipsync could not record the shipment.");
        }
    }

    /** The request failed without an HTTP answer: refused, timed out, or the connection dropped. */
    public void onConnectionFailure(Exchange exchange, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) {
        StatusUpdate update = update(exchange);
        boolean neverSent = failure instanceof ConnectException || failure instanceof UnknownHostException;
        // a failed read changes nothing; a status request that may have gone out stays SENDING, to be verified
        boolean wasRead = READ_ORDER.equals(exchange.getProperty(NEXT_CALL, String.class));
        gate.answered(STORE_KEY, wasRead ? Budget.ORDER_READS : Budget.STATUS_UPDATES);
        UpdateState state = wasRead || !neverSent ? update.state() : UpdateState.PENDING;
        failedAttempt(exchange, update, state, "no answer from " + PLATFORM + ": " + describe(failure));
    }

    private void decideNext(Exchange exchange) {
        StatusUpdate update = update(exchange);
        exchange.setProperty(NEXT_CALL, NONE);
        if (update.state().isFinal()) {
            return;
        }
        if (update.nextAttemptAt().isAfter(clock.instant())) {
            // postponed while its batch was under way: it comes back when due
            return;
        }
        if (needsOrderRead(update, exchange.getProperty(ORDER_CHECKED, false, Boolean.class))) {
            callWhenOpen(exchange, update, Budget.ORDER_READS, READ_ORDER);
            return;
        }
        exchange.setProperty(ORDER_CHECKED, true);
        OrderStatus known = knownOrders.status(STORE_KEY, update.orderId()).orElseThrow();
        StatusTransitions.Step step = StatusTransitions.next(known, update.targetStatus(),
                properties.fillSkippedSteps(), update.trackingUrl() != null);
        if (step instanceof StatusTransitions.AlreadyThere) {
            settleReached(update, known);
        } else if (step instanceof StatusTransitions.Refused refused) {
            outbox.settle(update.id(), UpdateState.REJECTED, "Not sent: " + refused.reason() + ".");
        } else if (step instanceof StatusTransitions.Send send) {
            exchange.setProperty(SEND_STATUS, send.status());
            if (!exchange.getProperty(READ_AHEAD, false, Boolean.class)) {
                callWhenOpen(exchange, update, Budget.STATUS_UPDATES, UPDATE_STATUS);
            }
        }
    }

    private void settleReached(StatusUpdate update, OrderStatus status) {
        if (!update.hasSentSteps()) {
            outbox.settle(update.id(), UpdateState.UNCHANGED, "The order was already " + status + " on " + PLATFORM
                    + "; nothing sent.");
            return;
        }
        outbox.settle(update.id(), UpdateState.APPLIED, appliedDetail(status, update.stepsSent()));
    }

    /** The report's words for an applied update; {@code steps} are the statuses sent, comma separated. */
    private static String appliedDetail(OrderStatus status, String steps) {
        String inSteps = steps.contains(",") ? ", step by step: " + steps.replace(",", ", ") : "";
        return PLATFORM + " updated the order to " + status + inSteps + ".";
    }

    /**
     * Whether the order must be read before anything is sent: an update whose last request's answer was lost is
     * verified first, and the first request of every update is preceded by a read, since orders also change outside
     * shipsync. A read made ahead, for this batch, counts; so does what shipsync itself applied moments ago.
     */
    private boolean needsOrderRead(StatusUpdate update, boolean checkedInThisExchange) {
        if (update.state() == UpdateState.SENDING) {
            return true;
        }
        Optional<KnownOrder> known = knownOrders.find(STORE_KEY, update.orderId());
        if (known.isEmpty()) {
            return true;
        }
        // a batch's reads are made ahead, then its updates go out through the throttle over about one period
        Duration readValidFor = properties.period().multipliedBy(2);
        return !checkedInThisExchange && !known.get().isCurrent(clock.instant(), readValidFor,
                properties.trustOwnUpdatesFor());
    }

    /**
     * Lets the call go when the service is not stopping, the account's gate is open (waiting for a short closure, as
     * the throttle would) and its platform is up, or takes the one probe of a platform that was down.
     */
    private void callWhenOpen(Exchange exchange, StatusUpdate update, Budget budget, String call) {
        if (exchange.getContext().isStopping()) {
            // the service is stopping: no new request; the update stays where it is for the next start
            return;
        }
        if (!gate.awaitOpen(STORE_KEY, budget, properties.period())) {
            // a longer wait: the update waits in the outbox instead
            gate.closedUntil(STORE_KEY, budget).ifPresent(until -> outbox.postpone(update.id(), until));
            return;
        }
        if (circuit.permit(STORE_KEY) instanceof Wait) {
            // the platform is down: the update stays due, and dispatch takes nothing until the next probe
            return;
        }
        exchange.setProperty(NEXT_CALL, call);
    }

    private void pauseForAuth(Exchange exchange, StatusUpdate update, PlatformAnswer.Unauthorized unauthorized) {
        gate.authFailed(STORE_KEY, unauthorized.error(), properties.authRetryInterval());
        gate.closedUntil(STORE_KEY, Budget.STATUS_UPDATES).ifPresent(until -> outbox.postpone(update.id(), until));
        exchange.setProperty(NEXT_CALL, NONE);
    }

    /**
     * A request failed without a usable answer. When requests for different orders keep failing, the platform is
     * down: the update waits for it without spending an attempt. Otherwise the failure is the update's own: counted,
     * retried later, and after {@code max-attempts} or {@code give-up-after} a dead letter, but only once the outcome
     * of its last request is known (an update left {@code SENDING} is verified with a read first).
     */
    private void failedAttempt(Exchange exchange, StatusUpdate update, UpdateState state, String error) {
        exchange.setProperty(NEXT_CALL, NONE);
        if (circuit.failed(STORE_KEY, PLATFORM, update.orderId(), error)) {
            outbox.retryLater(update.id(), state, update.attempts(), clock.instant(), error);
            return;
        }
        int attempts = update.attempts() + 1;
        Optional<String> givingUp = giveUpReason(update, attempts, error);
        if (givingUp.isEmpty()) {
            outbox.retryLater(update.id(), state, attempts, retries.nextAttemptAfter(attempts), error);
        } else if (state == UpdateState.SENDING) {
            // read at once; a read that keeps failing backs off like any attempt
            Instant readAt = update.giveUpReason() == null ? clock.instant() : retries.nextAttemptAfter(attempts);
            outbox.giveUpAfterReading(update.id(), attempts, error, givingUp.get(), readAt);
        } else {
            outbox.recordAttempt(update.id(), attempts, error);
            throw new UpdateFailedException(givingUp.get(), error);
        }
    }

    /** Why an update whose own attempts failed this often is given up, if it is. */
    private Optional<String> giveUpReason(StatusUpdate update, int attempts, String lastError) {
        if (retries.exhausted(attempts)) {
            return Optional.of("Gave up after " + attempts + " failed attempts; last: " + lastError + ".");
        }
        Duration age = Duration.between(update.createdAt(), clock.instant());
        if (age.compareTo(properties.giveUpAfter()) >= 0) {
            return Optional.of("Gave up: still failing " + RetryPolicy.readable(age) + " after it was queued "
                    + "(shipsync.status-updates.give-up-after: " + RetryPolicy.readable(properties.giveUpAfter())
                    + "), after " + attempts + " failed attempts; last: " + lastError + ".");
        }
        return Optional.empty();
    }

    private StatusUpdate update(Exchange exchange) {
        long id = exchange.getProperty(UPDATE_ID, Long.class);
        return outbox.find(id).orElseThrow(() -> new IllegalStateException("status update " + id + " is gone"));
    }

    private UpdateFailedException refusal(StatusUpdate update, PlatformAnswer.Refused refused) {
        outbox.recordAttempt(update.id(), update.attempts() + 1, "HTTP " + refused.httpStatus() + " " + refused.error());
        return new UpdateFailedException(PLATFORM + " refused the update: " + refused.error() + " (HTTP "
                + refused.httpStatus() + ").", "HTTP " + refused.httpStatus() + " " + refused.error());
    }

    private static String describe(Exception failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }
}
