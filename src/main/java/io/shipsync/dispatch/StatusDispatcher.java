package io.shipsync.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.shipsync.courier.TrackedShipments;
import io.shipsync.dispatch.DispatchDecision.AfterFailure;
import io.shipsync.dispatch.DispatchDecision.NextStep;
import io.shipsync.dispatch.DispatchGate.Budget;
import io.shipsync.dispatch.PlatformCircuit.Wait;
import io.shipsync.order.KnownOrders;
import io.shipsync.order.OrderStatus;
import io.shipsync.outbox.Outbox;
import io.shipsync.outbox.StatusUpdate;
import io.shipsync.outbox.UpdateHistory;
import io.shipsync.outbox.UpdateState;
import io.shipsync.platform.PlatformAnswer;
import io.shipsync.platform.PlatformAnswer.Outcome;
import io.shipsync.platform.PlatformRequest;
import io.shipsync.store.Store;
import io.shipsync.store.Stores;
import io.shipsync.tribemade.TribeMadeProperties;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The status-dispatch routes' steps, one update at a time: the next call comes from
 * {@link DispatchDecision}, and each platform answer, classified by the store's platform
 * adapter, is recorded before the route goes on, so a crash at any point leaves the
 * update where a restart can continue it. Every store has its own gate, circuit and
 * throttle key: one store's 429, 401 pause, outage or backlog never holds back another.
 */
@Component("statusDispatcher")
public class StatusDispatcher {

    /** Exchange properties the routes read. */
    public static final String STORE = "shipsyncStore";

    public static final String UPDATE_ID = "shipsyncUpdateId";

    public static final String ANSWER = "shipsyncAnswer";

    private static final String READ_AHEAD = "shipsyncReadAhead";

    /**
     * This exchange acted on a current status of the order: the update's later steps need
     * no new read.
     */
    private static final String ORDER_CHECKED = "shipsyncOrderChecked";

    /**
     * When the status request was ready to go ({@link System#nanoTime}), for the wait
     * metric.
     */
    private static final String READY_AT = "shipsyncReadyAt";

    private static final Logger log = LoggerFactory.getLogger(StatusDispatcher.class);

    private final Outbox outbox;

    private final UpdateHistory history;

    private final KnownOrders knownOrders;

    private final TrackedShipments shipments;

    private final Stores stores;

    private final DispatchGate gate;

    private final PlatformCircuit circuit;

    private final RetryPolicy retries;

    private final StatusUpdateProperties properties;

    private final TransactionTemplate transaction;

    private final Duration readThrottlePeriod;

    private final Clock clock;

    private final DispatchMetrics metrics;

    public StatusDispatcher(Outbox outbox, UpdateHistory history, KnownOrders knownOrders, TrackedShipments shipments,
            Stores stores, DispatchGate gate, PlatformCircuit circuit, RetryPolicy retries,
            StatusUpdateProperties properties, TribeMadeProperties tribemade, TransactionTemplate transaction,
            Clock clock, DispatchMetrics metrics) {
        this.readThrottlePeriod = tribemade.orderReads().period();
        this.outbox = outbox;
        this.history = history;
        this.knownOrders = knownOrders;
        this.shipments = shipments;
        this.stores = stores;
        this.gate = gate;
        this.circuit = circuit;
        this.retries = retries;
        this.properties = properties;
        this.transaction = transaction;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * About one period's worth of a store's due updates: the throttle never holds a large
     * backlog in memory.
     */
    public List<Long> dueUpdates(@ExchangeProperty(STORE) String storeName) {
        Store store = stores.get(storeName);
        if (gate.closedUntil(store, Budget.STATUS_UPDATES)
            .filter(until -> until.isAfter(clock.instant().plus(store.statusUpdates().period())))
            .isPresent() || circuit.waitingUntil(storeName).isPresent()) {
            return List.of();
        }
        return outbox.dueUpdates(storeName, store.statusUpdates().maxRequests());
    }

    /**
     * The store's status-update permits per the throttle's period
     * ({@code shipsync.status-updates.period}): a store with another period gets its
     * share of it, and the gate keeps its exact window.
     */
    public int updatePermits(@ExchangeProperty(STORE) String storeName) {
        return stores.get(storeName).statusUpdates().permitsPer(properties.period());
    }

    /**
     * As {@link #updatePermits}, for order reads over
     * {@code shipsync.tribemade.order-reads.period}.
     */
    public int readPermits(@ExchangeProperty(STORE) String storeName) {
        return stores.get(storeName).orderReads().orElseThrow().permitsPer(readThrottlePeriod);
    }

    /**
     * The updates of a batch whose order must be read before anything is sent: unknown,
     * or an answer was lost.
     */
    public List<Long> needingOrderRead(@Body List<Long> ids) {
        return ids.stream()
            .filter(id -> outbox.find(id)
                .filter(update -> next(update, false) instanceof DispatchDecision.ReadOrder)
                .isPresent())
            .toList();
    }

    public void begin(Exchange exchange, @Body Long updateId) {
        exchange.setProperty(UPDATE_ID, updateId);
        decideNext(exchange);
    }

    /**
     * Reads ahead, from the order-read budget, while the update budget may still be
     * closed: the read is all that happens now; the update itself waits for its turn in
     * the batch.
     */
    public void beginReadAhead(Exchange exchange, @Body Long updateId) {
        exchange.setProperty(UPDATE_ID, updateId);
        exchange.setProperty(READ_AHEAD, true);
        exchange.removeProperty(PlatformRequest.PROPERTY);
        StatusUpdate update = update(exchange);
        if (next(update, false) instanceof DispatchDecision.ReadOrder) {
            callWhenOpen(exchange, update, Budget.ORDER_READS, null);
        }
    }

    public void onOrderRead(Exchange exchange, @ExchangeProperty(ANSWER) PlatformAnswer answer) {
        StatusUpdate update = update(exchange);
        Store store = store(update);
        Outcome outcome = answer.outcome();
        if (!(outcome instanceof PlatformAnswer.OrderRead)) {
            observe(store, update, null, answer);
        }
        if (outcome instanceof PlatformAnswer.Failed || outcome instanceof PlatformAnswer.NotSent) {
            failedAttempt(exchange, update, update.state(), describe(store, outcome) + " when shipsync read the order");
            return;
        }
        circuit.answered(store.name());
        if (outcome instanceof PlatformAnswer.OrderRead read) {
            boolean verifiedApplied = update.state() == UpdateState.SENDING && read.status() == update.sendingStatus();
            boolean verifiedNotApplied = update.state() == UpdateState.SENDING && !verifiedApplied;
            // the answer's place in the rate-limit window is committed with what it told:
            // one commit per answer
            transaction.executeWithoutResult(tx -> {
                observe(store, update, null, answer);
                knownOrders.remember(store.name(), update.orderId(), read.status(), read.trackingUrl(),
                        KnownOrders.Source.PLATFORM);
                if (verifiedApplied) {
                    outbox.recordStepApplied(update.id(), update.sendingStatus());
                }
                else if (verifiedNotApplied && update.giveUpReason() == null) {
                    outbox.backToPending(update.id());
                }
            });
            if (verifiedNotApplied && update.giveUpReason() != null) {
                // given up while its last request's outcome was unknown: now known not to
                // have arrived
                throw new UpdateFailedException(update.giveUpReason(), update.lastError());
            }
            if (verifiedApplied && update.sendingStatus() == OrderStatus.DISPATCHED) {
                followDelivery(update);
            }
            exchange.setProperty(ORDER_CHECKED, true);
            decideNext(exchange);
        }
        else {
            onRefusalOrWait(exchange, update, store, outcome);
        }
    }

    /**
     * Claims the update and marks it SENDING, committed, right before its request goes
     * out, past the status-update throttle. When another instance moved the update on or
     * holds it (two leaders overlapping during a failover), this one sends nothing.
     */
    public void markSending(Exchange exchange, @ExchangeProperty(PlatformRequest.PROPERTY) PlatformRequest request,
            @ExchangeProperty(READY_AT) long readyAt) {
        metrics.recordThrottleWait(request.store(), Duration.ofNanos(System.nanoTime() - readyAt));
        if (!outbox.claimForSending(request.update(), request.status(), properties.claimTimeout())) {
            log.info("Update {} of order {} is no longer this instance's to send: another instance moved it on or "
                    + "holds it", request.update().id(), request.update().orderId());
            exchange.removeProperty(PlatformRequest.PROPERTY);
        }
    }

    public void onStatusUpdated(Exchange exchange, @ExchangeProperty(ANSWER) PlatformAnswer answer) {
        StatusUpdate update = update(exchange);
        Store store = store(update);
        OrderStatus sent = exchange.getProperty(PlatformRequest.PROPERTY, PlatformRequest.class).status();
        Outcome outcome = answer.outcome();
        if (!(outcome instanceof PlatformAnswer.Applied)) {
            observe(store, update, sent, answer);
        }
        if (outcome instanceof PlatformAnswer.NotSent) {
            failedAttempt(exchange, update, UpdateState.PENDING, describe(store, outcome));
            return;
        }
        if (outcome instanceof PlatformAnswer.Failed) {
            // the platform may have applied it before failing: verify (or, without reads,
            // send the same again)
            failedAttempt(exchange, update, UpdateState.SENDING, describe(store, outcome));
            return;
        }
        circuit.answered(store.name());
        if (outcome instanceof PlatformAnswer.Applied applied) {
            onApplied(exchange, update, store, sent, answer, applied);
        }
        else if (outcome instanceof PlatformAnswer.RateLimited || outcome instanceof PlatformAnswer.Unauthorized) {
            outbox.backToPending(update.id());
            onRefusalOrWait(exchange, update, store, outcome);
        }
        else {
            onRefusalOrWait(exchange, update, store, outcome);
        }
    }

    private void onApplied(Exchange exchange, StatusUpdate update, Store store, OrderStatus sent, PlatformAnswer answer,
            PlatformAnswer.Applied applied) {
        OrderStatus now = applied.orderNow().orElse(sent);
        if (now != sent) {
            // the platform answered with the order in another status than the one sent:
            // act on what it says
            transaction.executeWithoutResult(tx -> {
                observe(store, update, sent, answer);
                knownOrders.remember(store.name(), update.orderId(), now, null, KnownOrders.Source.PLATFORM);
                outbox.backToPending(update.id());
            });
            exchange.setProperty(ORDER_CHECKED, true);
            if (next(update(exchange), true) instanceof DispatchDecision.Send) {
                // sending again would meet the same answer, round after round: a person
                // must look
                throw new UpdateFailedException(store.platform().displayName() + " accepted " + sent
                        + " but answered with the order still " + now + ".", "HTTP 200, order_status " + now);
            }
            decideNext(exchange);
            return;
        }
        // the answer is recorded first, in one commit of its own with its place in the
        // rate-limit window; what
        // follows from it can fail without undoing it
        boolean reachedTarget = sent == update.targetStatus();
        transaction.executeWithoutResult(tx -> {
            observe(store, update, sent, answer);
            knownOrders.remember(store.name(), update.orderId(), sent,
                    sent == OrderStatus.DISPATCHED ? update.trackingUrl() : null, KnownOrders.Source.UPDATE);
            if (reachedTarget) {
                String steps = update.hasSentSteps() ? update.stepsSent() + "," + sent.wireName() : sent.wireName();
                String notFollowed = sent == OrderStatus.DISPATCHED && update.trackingUrl() != null
                        ? shipments.whyNotFollowed(update.trackingUrl()).map(why -> " " + why).orElse("") : "";
                outbox.settle(update, UpdateState.APPLIED,
                        DispatchDecision.appliedDetail(store.platform().displayName(), sent, steps) + notFollowed);
            }
            else {
                outbox.recordStepApplied(update.id(), sent);
            }
        });
        if (sent == OrderStatus.DISPATCHED) {
            followDelivery(update);
        }
        exchange.setProperty(ORDER_CHECKED, true);
        decideNext(exchange);
    }

    /** A refusal, a 429 or refused credentials, after a read or an update. */
    private void onRefusalOrWait(Exchange exchange, StatusUpdate update, Store store, Outcome outcome) {
        if (outcome instanceof PlatformAnswer.RateLimited) {
            decideNext(exchange);
        }
        else if (outcome instanceof PlatformAnswer.Refused refused) {
            outbox.recordAttempt(update.id(), update.attempts() + 1,
                    "HTTP " + refused.httpStatus() + " " + refused.reason());
            throw new UpdateFailedException(store.platform().displayName() + " refused the update: " + refused.reason()
                    + " (HTTP " + refused.httpStatus() + ").", "HTTP " + refused.httpStatus() + " " + refused.reason());
        }
        else if (outcome instanceof PlatformAnswer.Unauthorized unauthorized) {
            gate.authFailed(store, unauthorized.httpStatus() + " " + unauthorized.reason(),
                    properties.authRetryInterval());
            gate.closedUntil(store, Budget.STATUS_UPDATES).ifPresent(until -> outbox.postpone(update.id(), until));
            exchange.removeProperty(PlatformRequest.PROPERTY);
        }
    }

    /**
     * Starts following a dispatched order's delivery at its courier: a follow-up of an
     * applied update, so when it fails the update stays applied, and its report says that
     * the delivery is not followed.
     */
    private void followDelivery(StatusUpdate update) {
        try {
            shipments.startTracking(update.storeKey(), update.orderId(), update.trackingUrl(), update.id());
        }
        catch (RuntimeException e) {
            log.error("Order {} was dispatched, but shipsync could not start following its delivery: {}",
                    update.orderId(), e.toString());
            outbox.appendDetail(update.id(), " Delivery is not followed: shipsync could not record the shipment.");
        }
    }

    /**
     * The request failed without an HTTP answer: refused, timed out, or the connection
     * dropped.
     */
    public void onConnectionFailure(Exchange exchange, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) {
        StatusUpdate update = update(exchange);
        Store store = store(update);
        PlatformRequest request = exchange.getProperty(PlatformRequest.PROPERTY, PlatformRequest.class);
        PlatformAnswer answer = PlatformAnswer.ofConnectionFailure(failure, clock.instant());
        Outcome outcome = answer.outcome();
        // a failed read changes nothing; a status request that may have gone out stays
        // SENDING, to be verified
        boolean wasRead = request.isOrderRead();
        gate.answered(store, wasRead ? Budget.ORDER_READS : Budget.STATUS_UPDATES, answer.answeredAt());
        history.record(update.id(), request.status(), outcome.kind(), describe(store, outcome));
        UpdateState state = wasRead ? update.state()
                : outcome instanceof PlatformAnswer.NotSent ? UpdateState.PENDING : UpdateState.SENDING;
        failedAttempt(exchange, update, state, describe(store, outcome));
    }

    private void decideNext(Exchange exchange) {
        exchange.removeProperty(PlatformRequest.PROPERTY);
        StatusUpdate update = update(exchange);
        NextStep step = next(update, exchange.getProperty(ORDER_CHECKED, false, Boolean.class));
        if (step instanceof DispatchDecision.ReadOrder) {
            callWhenOpen(exchange, update, Budget.ORDER_READS, null);
        }
        else if (step instanceof DispatchDecision.Send send) {
            exchange.setProperty(ORDER_CHECKED, true);
            if (!exchange.getProperty(READ_AHEAD, false, Boolean.class)) {
                callWhenOpen(exchange, update, Budget.STATUS_UPDATES, send.status());
            }
        }
        else if (step instanceof DispatchDecision.Settle settle) {
            outbox.settle(update, settle.outcome(), settle.detail());
        }
    }

    private NextStep next(StatusUpdate update, boolean checkedThisRound) {
        Store store = store(update);
        return DispatchDecision.next(update, knownOrders.find(store.name(), update.orderId()), checkedThisRound,
                store.platform(), clock.instant(), properties.rulesFor(store));
    }

    /**
     * Lets the call go when the service is not stopping, the store's gate is open
     * (waiting for a short closure, as the throttle would) and its platform is up, or
     * takes the one probe of a platform that was down.
     * @param status the status to send; null for an order read
     */
    private void callWhenOpen(Exchange exchange, StatusUpdate update, Budget budget, OrderStatus status) {
        if (exchange.getContext().isStopping()) {
            // the service is stopping: no new request; the update stays where it is for
            // the next start
            return;
        }
        Store store = store(update);
        long readyAt = System.nanoTime();
        if (!gate.awaitOpen(store, budget, store.statusUpdates().period())) {
            // a longer wait: the update waits in the outbox instead
            gate.closedUntil(store, budget).ifPresent(until -> outbox.postpone(update.id(), until));
            return;
        }
        if (circuit.permit(store.name()) instanceof Wait) {
            // the platform is down: the update stays due, and dispatch takes nothing
            // until the next probe
            return;
        }
        exchange.setProperty(PlatformRequest.PROPERTY, new PlatformRequest(store, update, status));
        exchange.setProperty(READY_AT, readyAt);
    }

    /**
     * A request failed without a usable answer: what that means is
     * {@link DispatchDecision#afterFailure}'s.
     */
    private void failedAttempt(Exchange exchange, StatusUpdate update, UpdateState state, String error) {
        exchange.removeProperty(PlatformRequest.PROPERTY);
        Store store = store(update);
        boolean platformDown = circuit.failed(store.name(), store.platform().displayName(), update.orderId(), error);
        AfterFailure next = DispatchDecision.afterFailure(update, state, error, platformDown, store.platform(),
                clock.instant(), new DispatchDecision.Patience(properties.maxAttempts(), properties.giveUpAfter()));
        if (next instanceof DispatchDecision.WaitForPlatform) {
            outbox.retryLater(update.id(), state, update.attempts(), clock.instant(), error);
        }
        else if (next instanceof DispatchDecision.Retry retry) {
            outbox.retryLater(update.id(), retry.state(), retry.attempts(), retries.nextAttemptAfter(retry.attempts()),
                    error);
        }
        else if (next instanceof DispatchDecision.VerifyThenGiveUp verify) {
            Instant at = verify.now() ? clock.instant() : retries.nextAttemptAfter(verify.attempts());
            outbox.giveUpAfterReading(update.id(), verify.attempts(), error, verify.reason(), at);
        }
        else if (next instanceof DispatchDecision.GiveUp giveUp) {
            outbox.recordAttempt(update.id(), giveUp.attempts(), error);
            throw new UpdateFailedException(giveUp.reason(), error);
        }
    }

    private StatusUpdate update(Exchange exchange) {
        long id = exchange.getProperty(UPDATE_ID, Long.class);
        return outbox.find(id).orElseThrow(() -> new IllegalStateException("status update " + id + " is gone"));
    }

    private Store store(StatusUpdate update) {
        return stores.get(update.storeKey());
    }

    /**
     * An answer counts in the store's budget (and may close its gate), and joins the
     * update's audit trail; called in the transaction that records what the answer told,
     * where there is one.
     * @param sent the status sent; null for an order read
     */
    private void observe(Store store, StatusUpdate update, OrderStatus sent, PlatformAnswer answer) {
        gate.observe(store, sent == null ? Budget.ORDER_READS : Budget.STATUS_UPDATES, answer);
        history.record(update.id(), sent, answer.outcome().kind(), describe(store, answer.outcome()));
    }

    private static String describe(Store store, Outcome outcome) {
        return outcome.describe(store.platform().displayName());
    }

}
