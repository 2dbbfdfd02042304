package io.shipsync.deadletter;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import io.shipsync.courier.CourierTracking;
import io.shipsync.courier.ShipmentNeedsPersonException;
import io.shipsync.courier.TrackedShipments;
import io.shipsync.courier.TrackedShipments.TrackedShipment;
import io.shipsync.dispatch.StatusDispatcher;
import io.shipsync.dispatch.UpdateFailedException;
import io.shipsync.order.KnownOrders;
import io.shipsync.outbox.Outbox;
import io.shipsync.outbox.StatusUpdate;
import io.shipsync.outbox.UpdateSource;
import io.shipsync.outbox.UpdateState;
import io.shipsync.webhook.OrderEvents;
import io.shipsync.webhook.WebhookEvents;
import io.shipsync.webhook.WebhookEvents.StoredEvent;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The dead-letter store: an update that failed for good is kept with its original row,
 * source file and line (or other source), attempts and last error, so a person can list,
 * understand and replay it; so is a webhook event that could not be processed, and a
 * shipment whose delivery was not confirmed.
 */
@Component("deadLetters")
public class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final JdbcClient jdbc;

    private final Outbox outbox;

    private final WebhookEvents events;

    private final TrackedShipments shipments;

    private final KnownOrders knownOrders;

    private final Clock clock;

    public DeadLetters(JdbcClient jdbc, Outbox outbox, WebhookEvents events, TrackedShipments shipments,
            KnownOrders knownOrders, Clock clock) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.events = events;
        this.shipments = shipments;
        this.knownOrders = knownOrders;
        this.clock = clock;
    }

    /**
     * A failure that is no fault of the update, event or shipment (the database was busy,
     * the service is stopping): nothing is parked; it stays where it is in the database
     * and is taken up again on a later run.
     */
    public void leaveForLater(@ExchangeProperty(StatusDispatcher.UPDATE_ID) Long updateId,
            @ExchangeProperty(OrderEvents.EVENT_ID) Long eventId,
            @ExchangeProperty(CourierTracking.SHIPMENT_ID) Long shipmentId,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) {
        String what = updateId != null ? "Status update " + updateId : eventId != null ? "Webhook event " + eventId
                : shipmentId != null ? "Shipment " + shipmentId : "The work in hand";
        log.warn("{} is left as it is and taken up again later: {}", what, failure.toString());
    }

    /**
     * Parks the update the dead-letter channel received, with the failure that sent it
     * there.
     */
    @Transactional
    public void parkUpdate(@ExchangeProperty(StatusDispatcher.UPDATE_ID) Long updateId,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) {
        if (updateId == null) {
            log.error("A failure reached the dead-letter channel with nothing to park", failure);
            return;
        }
        StatusUpdate update = outbox.find(updateId).orElseThrow();
        if (update.state().isFinal()) {
            // the failure came after the update's outcome was recorded (a follow-up):
            // that outcome stands
            log.error("Status update {} is already {}; a later step failed: {}", update.id(), update.state(),
                    failure.toString());
            return;
        }
        String reason = Outbox.truncate(failure instanceof UpdateFailedException ? failure.getMessage()
                : "shipsync failed while sending it: " + failure, 2000);
        String technical = Outbox.truncate(
                failure instanceof UpdateFailedException failed ? failed.technicalDetail() : failure.toString(), 4000);
        jdbc.sql("""
                INSERT INTO dead_letter (update_id, store_key, order_id, target_status, tracking_url, source,
                                         source_file_name, source_line, source_ref, attempts, reason,
                                         last_error, created_at)
                VALUES (:update, :store, :order, :target, :url, :source,
                        (SELECT file_name FROM ingested_file WHERE id = :file), :line, :ref, :attempts,
                        :reason, :error, :now)""")
            .param("update", update.id())
            .param("store", update.storeKey())
            .param("order", update.orderId())
            .param("target", update.targetStatus().wireName())
            .param("url", update.trackingUrl())
            .param("source", update.source())
            .param("file", update.sourceFileId())
            .param("line", update.sourceLine())
            .param("ref", update.sourceRef())
            .param("attempts", update.attempts())
            .param("reason", reason)
            .param("error", technical)
            .param("now", OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
            .update();
        // settling logs the dead letter, with the update's outcome
        outbox.settle(update, UpdateState.DEAD, reason);
        knownOrders.doubt(update.storeKey(), update.orderId());
    }

    /**
     * Parks a tracked shipment whose following ended without a delivery (returned, an
     * exception, too old, a courier that keeps failing): no order change was made, a
     * person decides.
     */
    @Transactional
    public void parkShipment(@ExchangeProperty(CourierTracking.SHIPMENT_ID) long shipmentId,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) {
        TrackedShipment shipment = shipments.find(shipmentId).orElseThrow();
        boolean expected = failure instanceof ShipmentNeedsPersonException;
        String reason = expected ? failure.getMessage() : "shipsync failed while following the shipment: " + failure;
        jdbc.sql("""
                INSERT INTO dead_letter (tracked_shipment_id, store_key, order_id, tracking_url, source, source_ref,
                                         attempts, reason, last_error, created_at)
                VALUES (:shipment, :store, :order, :url, :source, :ref, :attempts, :reason, :error, :now)""")
            .param("shipment", shipmentId)
            .param("store", shipment.storeKey())
            .param("order", shipment.orderId())
            .param("url", shipment.trackingUrl())
            .param("source", UpdateSource.COURIER.wireName())
            .param("ref",
                    Outbox.truncate(
                            "shipment " + shipmentId + " (" + shipment.courier() + " AWB " + shipment.awb() + ")", 200))
            .param("attempts", shipment.polls())
            .param("reason", Outbox.truncate(reason, 2000))
            .param("error", expected ? null : Outbox.truncate(failure.toString(), 4000))
            .param("now", OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
            .update();
        shipments.stop(shipmentId, expected ? ((ShipmentNeedsPersonException) failure).shipmentState() : "FAILING",
                Outbox.truncate(reason, 2000));
        knownOrders.doubt(shipment.storeKey(), shipment.orderId());
        log.warn("Dead letter: shipment {} of order {}: {}", shipmentId, shipment.orderId(), reason);
    }

    /**
     * Parks a webhook event whose processing failed. Processing is one transaction, so
     * nothing of it happened (and nothing shipsync believes of the order came from it); a
     * replay sets the event back to pending.
     */
    @Transactional
    public void parkEvent(@ExchangeProperty(OrderEvents.EVENT_ID) long eventId,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) {
        StoredEvent event = events.find(eventId).orElseThrow();
        String reason = "shipsync failed while processing the order.created event: " + failure;
        jdbc.sql("""
                INSERT INTO dead_letter (webhook_event_id, store_key, order_id, source, source_ref, attempts,
                                         reason, last_error, created_at)
                VALUES (:event, :store, :order, :source, :ref, 1, :reason, :error, :now)""")
            .param("event", eventId)
            .param("store", event.storeKey())
            .param("order", event.orderId())
            .param("source", UpdateSource.WEBHOOK.wireName())
            .param("ref", "webhook event " + eventId)
            .param("reason", Outbox.truncate(reason, 2000))
            .param("error", Outbox.truncate(failure.toString(), 4000))
            .param("now", OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
            .update();
        events.markDead(eventId, Outbox.truncate(reason, 2000));
        log.warn("Dead letter: webhook event {} for order {}: {}", eventId, event.orderId(), reason);
    }

}
