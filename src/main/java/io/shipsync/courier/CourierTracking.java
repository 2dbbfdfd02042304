package io.shipsync.courier;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import io.shipsync.courier.CourierCatalog.Courier;
import io.shipsync.courier.TrackedShipments.TrackedShipment;
import io.shipsync.order.OrderStatus;
import io.shipsync.outbox.Outbox;
import io.shipsync.outbox.UpdateSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The decisions of the courier-sync routes, one shipment at a time: which shipments are
 * due, the request to their courier, and what the answer means. A delivery becomes a
 * {@code delivered} update in the outbox, once; a return or an exception becomes a dead
 * letter for a person, and so does a courier that keeps failing for a shipment.
 */
@Component("courierTracking")
public class CourierTracking {

    /** Exchange properties the routes read. */
    public static final String SHIPMENT_ID = "shipsyncShipmentId";

    public static final String COURIER = "shipsyncCourier";

    public static final String RUN_STARTED_AT = "shipsyncRunStartedAt";

    private static final Logger log = LoggerFactory.getLogger(CourierTracking.class);

    private final TrackedShipments shipments;

    private final CourierCatalog couriers;

    private final CourierSyncProperties properties;

    private final Outbox outbox;

    private final ObjectMapper json;

    private final TransactionTemplate transaction;

    private final Clock clock;

    private final CourierMetrics metrics;

    public CourierTracking(TrackedShipments shipments, CourierCatalog couriers, CourierSyncProperties properties,
            Outbox outbox, ObjectMapper json, TransactionTemplate transaction, Clock clock, CourierMetrics metrics) {
        this.shipments = shipments;
        this.couriers = couriers;
        this.properties = properties;
        this.outbox = outbox;
        this.json = json;
        this.transaction = transaction;
        this.clock = clock;
        this.metrics = metrics;
    }

    public void startRun(Exchange exchange) {
        exchange.setProperty(RUN_STARTED_AT, clock.instant());
    }

    /**
     * The next batch of shipments due since the run started: a run ends even if polls
     * take longer than intervals.
     */
    public List<Long> dueBatch(@ExchangeProperty(RUN_STARTED_AT) Instant runStartedAt) {
        return shipments.claimDue(runStartedAt, properties.batchSize());
    }

    /**
     * Sets the shipment's courier on the exchange, or ends following it when it is too
     * old or no longer polled.
     */
    public void begin(Exchange exchange) {
        long id = exchange.getMessage().getBody(Long.class);
        exchange.setProperty(SHIPMENT_ID, id);
        exchange.removeProperty(COURIER);
        TrackedShipment shipment = shipment(exchange);
        if (shipment.dispatchedAt().plus(properties.maxAge()).isBefore(clock.instant())) {
            throw new ShipmentNeedsPersonException("EXPIRED",
                    "No delivery confirmation after " + properties.maxAge().toDays() + " days: " + shipment.courier()
                            + " AWB " + shipment.awb() + " was dispatched on " + shipment.dispatchedAt()
                            + " and never reported delivered. Check with the courier and the customer.");
        }
        Courier courier = couriers.courier(shipment.courier()).orElse(null);
        String whyNot = courier == null ? "courier " + shipment.courier() + " is no longer configured"
                : courier.whyNotPolled().map(why -> "courier " + shipment.courier() + " has " + why).orElse(null);
        if (whyNot != null) {
            shipments.stop(id, "NOT_POLLED", "Not polled: " + whyNot);
            log.warn("Shipment {} of order {} no longer polled: {}", id, shipment.orderId(), whyNot);
            return;
        }
        exchange.setProperty(COURIER, shipment.courier());
    }

    /**
     * The GET to the courier's tracking API; the key goes where the courier's
     * configuration says.
     */
    public void prepareRequest(Exchange exchange) {
        TrackedShipment shipment = shipment(exchange);
        Courier courier = couriers.courier(shipment.courier()).orElseThrow();
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setBody(null);
        message.setHeader(Exchange.HTTP_METHOD, "GET");
        message.setHeader(Exchange.HTTP_URI, courier.apiUrlFor(shipment.awb()));
        message.setHeader("Accept", "application/json");
        if (courier.auth().inHeader()) {
            message.setHeader(courier.auth().header(), courier.auth().prefix() + courier.auth().secret());
        }
    }

    public void onAnswer(Exchange exchange) {
        TrackedShipment shipment = shipment(exchange);
        Courier courier = couriers.courier(shipment.courier()).orElseThrow();
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String body = exchange.getMessage().getBody(String.class);
        if (status == 401 || status == 403 || status == 429) {
            // the courier account's problem, not the shipment's: it is asked again at its
            // next poll
            metrics.refused(shipment.courier(), status);
            log.error("Courier {} answered {} for AWB {}: {}", shipment.courier(), status, shipment.awb(),
                    status == 429
                            ? "over its rate limit; lower shipsync.couriers." + shipment.courier() + ".max-requests"
                            : "the API key was refused; check shipsync.couriers." + shipment.courier() + ".auth");
            return;
        }
        if (status < 200 || status > 299) {
            failedPoll(shipment, shipment.courier() + " answered HTTP " + status + abbreviate(body));
            return;
        }
        JsonNode answer;
        try {
            answer = json.readTree(body == null ? "" : body);
        }
        catch (IOException e) {
            failedPoll(shipment, shipment.courier() + " answered with malformed JSON" + abbreviate(body));
            return;
        }
        TrackingAnswer read = courier.read(answer);
        if (read instanceof TrackingAnswer.Unreadable unreadable) {
            failedPoll(shipment, "AWB " + shipment.awb() + ": " + unreadable.reason());
            return;
        }
        TrackingAnswer.Known known = (TrackingAnswer.Known) read;
        shipments.recordAnswer(shipment.id(), known);
        metrics.answered(shipment.courier(), known.state());
        switch (known.state()) {
            case DELIVERED -> delivered(shipment, known);
            case RETURNED -> throw new ShipmentNeedsPersonException("RETURNED", said(shipment, known)
                    + " The shipment is going back to the seller (RTO). The order was not changed: cancelling would "
                    + "email the customer, and refunds are separate. Decide what to do with the order.");
            case EXCEPTION -> throw new ShipmentNeedsPersonException("EXCEPTION",
                    said(shipment, known) + " The order was not changed; check with the courier.");
            default -> log.debug("Shipment {} ({} AWB {}): {}", shipment.id(), shipment.courier(), shipment.awb(),
                    known.courierStatus());
        }
    }

    /** No HTTP answer: refused, timed out, or the connection dropped. */
    public void onConnectionFailure(Exchange exchange, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) {
        TrackedShipment shipment = shipment(exchange);
        String message = failure.getMessage();
        failedPoll(shipment, "no answer from " + shipment.courier() + ": " + failure.getClass().getSimpleName()
                + (message == null ? "" : " (" + message + ")"));
    }

    private void delivered(TrackedShipment shipment, TrackingAnswer.Known known) {
        String source = "shipment " + shipment.id() + ": " + shipment.courier() + " AWB " + shipment.awb() + " "
                + known.courierStatus() + (known.time() == null ? "" : " at " + known.time())
                + (known.location() == null ? "" : ", " + known.location());
        transaction.executeWithoutResult(tx -> {
            if (shipments.markDelivered(shipment.id())) {
                long update = outbox.add(shipment.storeKey(), shipment.orderId(), OrderStatus.DELIVERED, null,
                        UpdateSource.COURIER, Outbox.truncate(source, 200));
                shipments.recordDeliveredUpdate(shipment.id(), update, "Delivered: " + source);
                log.info("Order {} delivered according to {}: {} queued as update {}", shipment.orderId(),
                        shipment.courier(), OrderStatus.DELIVERED, update);
            }
        });
    }

    /**
     * Counts the failure and backs off: the poll interval, doubled for each failure in a
     * row up to eight times, so a courier that is down or an AWB it does not know yet is
     * not asked as often as a shipment on its way.
     */
    private void failedPoll(TrackedShipment shipment, String error) {
        int failures = shipment.consecutiveFailures() + 1;
        shipments.recordFailure(shipment.id(), error,
                properties.pollInterval().multipliedBy(1L << Math.min(failures - 1, 3)));
        metrics.failed(shipment.courier());
        log.warn("Courier poll failed for order {} ({} of {} in a row): {}", shipment.orderId(), failures,
                properties.maxFailures(), error);
        if (failures >= properties.maxFailures()) {
            throw new ShipmentNeedsPersonException("FAILING", "Tracking failed " + failures + " times in a row; last: "
                    + error + ". Not polled any more: check the AWB and the courier configuration.");
        }
    }

    private static String said(TrackedShipment shipment, TrackingAnswer.Known known) {
        return shipment.courier() + " reports AWB " + shipment.awb() + " as " + known.state() + " (\""
                + known.courierStatus() + "\"" + (known.time() == null ? "" : " at " + known.time())
                + (known.location() == null ? "" : ", " + known.location()) + ").";
    }

    private static String abbreviate(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String oneLine = body.replaceAll("\\s+", " ").trim();
        return ": " + (oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "…");
    }

    private TrackedShipment shipment(Exchange exchange) {
        long id = exchange.getProperty(SHIPMENT_ID, Long.class);
        return shipments.find(id).orElseThrow(() -> new IllegalStateException("tracked shipment " + id + " is gone"));
    }

}
