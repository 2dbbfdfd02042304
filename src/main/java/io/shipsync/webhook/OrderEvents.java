package io.shipsync.webhook;

import java.util.ArrayList;
import java.util.List;

import io.shipsync.order.KnownOrders;
import io.shipsync.order.OrderStatus;
import io.shipsync.order.StatusTransitions;
import io.shipsync.outbox.Outbox;
import io.shipsync.outbox.UpdateSource;
import io.shipsync.webhook.WebhookEvents.StoredEvent;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Body;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.interceptor.TransactionAspectSupport;

/**
 * What a stored order.created event does, away from the request that brought it: the
 * order becomes known to shipsync, and with {@code shipsync.webhook.auto-status} it gets
 * a status update through the outbox like any other. All of it is in one transaction with
 * marking the event processed, so it happens once. Events are processed a batch to a
 * transaction, because every commit is a write to the database file and competes with the
 * webhook's own commits; when a batch fails, its events are processed one by one, so only
 * the failing one is a dead letter.
 */
@Component("orderEvents")
public class OrderEvents {

    /**
     * Exchange property naming the event being processed, for the dead-letter channel.
     */
    public static final String EVENT_ID = "shipsyncEventId";

    private static final Logger log = LoggerFactory.getLogger(OrderEvents.class);

    private static final int PER_POLL = 500;

    // one transaction per event kept processing seconds behind at 500 events/s; 500 per
    // transaction made the
    // webhook's own commits wait behind them (p99 46 ms at 500 requests/s in the webhook
    // benchmark, 37 ms with 50)
    private static final int PER_TRANSACTION = 50;

    private final WebhookEvents events;

    private final KnownOrders knownOrders;

    private final Outbox outbox;

    private final WebhookProperties properties;

    public OrderEvents(WebhookEvents events, KnownOrders knownOrders, Outbox outbox, WebhookProperties properties,
            MeterRegistry registry) {
        this.events = events;
        this.knownOrders = knownOrders;
        this.outbox = outbox;
        this.properties = properties;
        Gauge.builder("shipsync.webhook.events.pending", events, WebhookEvents::countPending)
            .description("Webhook events acknowledged and stored, not processed yet")
            .register(registry);
    }

    /**
     * The events waiting to be processed, oldest first, in batches of one transaction
     * each.
     */
    public List<List<Long>> pending() {
        List<Long> pending = events.pending(PER_POLL);
        var batches = new ArrayList<List<Long>>();
        for (int from = 0; from < pending.size(); from += PER_TRANSACTION) {
            batches.add(pending.subList(from, Math.min(from + PER_TRANSACTION, pending.size())));
        }
        return batches;
    }

    @Transactional
    public void processAll(@Body List<Long> eventIds) {
        for (StoredEvent event : events.findPending(eventIds)) {
            if (!processOne(event)) {
                // another instance processed this one meanwhile (two overlapping at a
                // failover): undo the transaction; its other events are taken at the next
                // poll
                log.info("Webhook event {} was processed by another instance meanwhile; the events processed "
                        + "with it here are taken again at the next poll", event.id());
                TransactionAspectSupport.currentTransactionStatus().setRollbackOnly();
                return;
            }
        }
    }

    @Transactional
    public void process(@Body long eventId) {
        processAll(List.of(eventId));
    }

    /**
     * Processes the event in the caller's transaction.
     * @return false when another instance processed it meanwhile
     */
    private boolean processOne(StoredEvent event) {
        String orderId = event.orderId().toString();
        OrderStatus known = knownOrders.learnCreated(event.storeKey(), orderId, event.status(), event.storeId(),
                event.orderedAt().toInstant());
        String detail = "order known as " + known;
        OrderStatus auto = properties.autoStatus();
        if (auto != null && StatusTransitions.next(known, auto, true, false) instanceof StatusTransitions.Send) {
            long update = outbox.add(event.storeKey(), orderId, auto, null, UpdateSource.WEBHOOK,
                    "webhook event " + event.id());
            detail += "; " + auto + " queued as update " + update;
        }
        else if (auto != null) {
            // the event came late: the order has moved on, and the update would only be
            // refused
            detail += "; " + auto + " not queued";
        }
        if (!events.settle(event.id(), detail)) {
            return false;
        }
        log.debug("Webhook event {} for order {}: {}", event.id(), event.orderId(), detail);
        return true;
    }

}
