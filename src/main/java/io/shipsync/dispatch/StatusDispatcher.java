package io.shipsync.dispatch;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import io.shipsync.courier.TrackedShipments;
import io.shipsync.dispatch.DispatchGate.Budget;
import io.shipsync.order.KnownOrders;
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
    private static final String STORE_KEY = TribeMadeProperties.STORE_KEY;

    private final Outbox outbox;
    private final KnownOrders knownOrders;
    private final TrackedShipments shipments;
    private final TribeMadeApi api;
    private final DispatchGate gate;
    private final RetryPolicy retries;
    private final StatusUpdateProperties properties;
    private final TransactionTemplate transaction;
    private final Clock clock;

    public StatusDispatcher(Outbox outbox, KnownOrders knownOrders, TrackedShipments shipments, TribeMadeApi api,
            DispatchGate gate, RetryPolicy retries, StatusUpdateProperties properties, TransactionTemplate transaction,
            Clock clock) {
        this.outbox = outbox;
        this.knownOrders = knownOrders;
        this.shipments = shipments;
        this.api = api;
        this.gate = gate;
        this.retries = retries;
        this.properties = properties;
        this.transaction = transaction;
        this.clock = clock;
    }

    /** About one period's worth of due updates: the throttle never holds a large backlog in memory. */
    public List<Long> dueUpdates() {
        if (gate.closedUntil(STORE_KEY, Budget.STATUS_UPDATES)
                .filter(until -> until.isAfter(clock.instant().plus(properties.period()))).isPresent()) {
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
                .filter(id -> outbox.find(id).filter(this::needsOrderRead).isPresent())
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
        if (!update.state().isFinal() && needsOrderRead(update)) {
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
        if (answer instanceof PlatformAnswer.Success success) {
            Optional<OrderStatus> status = OrderStatus.parse(success.body().path("status").asText(null));
            if (status.isEmpty()) {
                failedAttempt(exchange, update, update.state(),
                        "TribeMade's order answer had no known status: " + success.body().path("status"));
                return;
            }
            String trackingUrl = success.body().path("tracking_url").asText(null);
            transaction.executeWithoutResult(tx -> {
                knownOrders.remember(STORE_KEY, update.orderId(), status.get(), trackingUrl, KnownOrders.Source.PLATFORM);
                if (update.state() == UpdateState.SENDING) {
                    if (status.get() == update.sendingStatus()) {
                        if (status.get() == OrderStatus.DISPATCHED) {
                            shipments.startTracking(STORE_KEY, update.orderId(), update.trackingUrl(), update.id());
                        }
                        outbox.recordStepApplied(update.id(), update.sendingStatus());
                    } else {
                        outbox.backToPending(update.id());
                    }
                }
            });
            decideNext(exchange);
        } else if (answer instanceof PlatformAnswer.RateLimited) {
            decideNext(exchange);
        } else if (answer instanceof PlatformAnswer.Refused refused) {
            throw refusal(update, refused);
        } else if (answer instanceof PlatformAnswer.Unauthorized unauthorized) {
            pauseForAuth(exchange, update, unauthorized);
        } else if (answer instanceof PlatformAnswer.Failed failed) {
            failedAttempt(exchange, update, update.state(),
                    "TribeMade answered " + failed.httpStatus() + " (" + failed.error() + ") when shipsync read the order");
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
        if (answer instanceof PlatformAnswer.Success) {
            // one commit for all the answer settles: each commit is a write to the database file
            transaction.executeWithoutResult(tx -> {
                knownOrders.remember(STORE_KEY, update.orderId(), sent,
                        sent == OrderStatus.DISPATCHED ? update.trackingUrl() : null, KnownOrders.Source.UPDATE);
                String notFollowed = sent != OrderStatus.DISPATCHED ? null
                        : shipments.startTracking(STORE_KEY, update.orderId(), update.trackingUrl(), update.id())
                                .map(why -> " " + why).orElse(null);
                if (sent == update.targetStatus()) {
                    String steps = update.hasSentSteps() ? update.stepsSent() + "," + sent.wireName() : sent.wireName();
                    outbox.settle(update.id(), UpdateState.APPLIED,
                            appliedDetail(sent, steps) + (notFollowed == null ? "" : notFollowed));
                } else {
                    outbox.recordStepApplied(update.id(), sent);
                }
            });
            decideNext(exchange);
        } else if (answer instanceof PlatformAnswer.RateLimited) {
            outbox.backToPending(update.id());
            decideNext(exchange);
        } else if (answer instanceof PlatformAnswer.Refused refused) {
            throw refusal(update, refused);
        } else if (answer instanceof PlatformAnswer.Unauthorized unauthorized) {
            outbox.backToPending(update.id());
            pauseForAuth(exchange, update, unauthorized);
        } else if (answer instanceof PlatformAnswer.Failed failed) {
            // the platform may have applied it before failing: verify before sending again
            failedAttempt(exchange, update, UpdateState.SENDING,
                    "TribeMade answered " + failed.httpStatus() + " (" + failed.error() + ")");
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
        failedAttempt(exchange, update, state, "no answer from TribeMade: " + describe(failure));
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
        if (needsOrderRead(update)) {
            callWhenOpen(exchange, update, Budget.ORDER_READS, READ_ORDER);
            return;
        }
        Optional<OrderStatus> known = knownOrders.status(STORE_KEY, update.orderId());
        StatusTransitions.Step step = StatusTransitions.next(known.get(), update.targetStatus(),
                properties.fillSkippedSteps(), update.trackingUrl() != null);
        if (step instanceof StatusTransitions.AlreadyThere) {
            settleReached(update, known.get());
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
            outbox.settle(update.id(), UpdateState.UNCHANGED, "The order was already " + status + " on TribeMade; nothing sent.");
            return;
        }
        outbox.settle(update.id(), UpdateState.APPLIED, appliedDetail(status, update.stepsSent()));
    }

    /** The report's words for an applied update; {@code steps} are the statuses sent, comma separated. */
    private static String appliedDetail(OrderStatus status, String steps) {
        String inSteps = steps.contains(",") ? ", step by step: " + steps.replace(",", ", ") : "";
        return "TribeMade updated the order to " + status + inSteps + ".";
    }

    private boolean needsOrderRead(StatusUpdate update) {
        return update.state() == UpdateState.SENDING || knownOrders.status(STORE_KEY, update.orderId()).isEmpty();
    }

    /** Waits for a short gate like the throttle would; for a longer one, the update waits in the outbox instead. */
    private void callWhenOpen(Exchange exchange, StatusUpdate update, Budget budget, String call) {
        if (gate.awaitOpen(STORE_KEY, budget, properties.period())) {
            exchange.setProperty(NEXT_CALL, call);
        } else {
            gate.closedUntil(STORE_KEY, budget).ifPresent(until -> outbox.postpone(update.id(), until));
        }
    }

    private void pauseForAuth(Exchange exchange, StatusUpdate update, PlatformAnswer.Unauthorized unauthorized) {
        gate.authFailed(STORE_KEY, unauthorized.error(), properties.authRetryInterval());
        gate.closedUntil(STORE_KEY, Budget.STATUS_UPDATES).ifPresent(until -> outbox.postpone(update.id(), until));
        exchange.setProperty(NEXT_CALL, NONE);
    }

    private void failedAttempt(Exchange exchange, StatusUpdate update, UpdateState state, String error) {
        exchange.setProperty(NEXT_CALL, NONE);
        int attempts = update.attempts() + 1;
        if (retries.exhausted(attempts)) {
            outbox.recordAttempt(update.id(), attempts, error);
            throw new UpdateFailedException("Gave up after " + attempts + " failed attempts; last: " + error + ".", error);
        }
        outbox.retryLater(update.id(), state, attempts, retries.nextAttemptAfter(attempts), error);
    }

    private StatusUpdate update(Exchange exchange) {
        long id = exchange.getProperty(UPDATE_ID, Long.class);
        return outbox.find(id).orElseThrow(() -> new IllegalStateException("status update " + id + " is gone"));
    }

    private UpdateFailedException refusal(StatusUpdate update, PlatformAnswer.Refused refused) {
        outbox.recordAttempt(update.id(), update.attempts() + 1, "HTTP " + refused.httpStatus() + " " + refused.error());
        return new UpdateFailedException("TribeMade refused the update: " + refused.error() + " (HTTP "
                + refused.httpStatus() + ").", "HTTP " + refused.httpStatus() + " " + refused.error());
    }

    private static String describe(Exception failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }
}
