package io.shipsync.webhook;

import io.shipsync.outbox.UpdateSource;
import io.shipsync.store.Platform;
import io.shipsync.store.Store;
import io.shipsync.store.Stores;
import io.shipsync.webhook.WebhookRefusedException.Reason;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What became of each webhook request: counted ({@code shipsync_webhook_events_total})
 * and logged as one line with its order, store, source and outcome as key-value pairs, in
 * one place, so that the count and the log cannot disagree. A request that is refused or
 * fails has no store: before it is authenticated and read, nothing it says about its
 * store is to be believed.
 */
@Component
class WebhookOutcomes {

    /** The tag value where a tag does not apply: Prometheus reads it as no label. */
    private static final String NONE = "";

    private static final String SOURCE = UpdateSource.WEBHOOK.wireName();

    private static final Logger log = LoggerFactory.getLogger(WebhookOutcomes.class);

    private final MeterRegistry registry;

    WebhookOutcomes(MeterRegistry registry, Stores stores) {
        this.registry = registry;
        // every series from the start: a rate or an alert on one needs no first event
        for (Store store : stores.all()) {
            if (store.platform() == Platform.TRIBEMADE) {
                counter(store.name(), "accepted", NONE);
                counter(store.name(), "duplicate", NONE);
            }
        }
        for (Reason reason : Reason.values()) {
            counter(NONE, "refused", reason.wireName());
        }
        counter(NONE, "failed", "unavailable");
        counter(NONE, "failed", "error");
    }

    /** The event is committed: new, or one already stored. */
    void stored(WebhookEvents.Stored stored) {
        OrderCreatedEvent event = stored.event();
        String result = stored.duplicate() ? "duplicate" : "accepted";
        counter(event.store(), result, NONE).increment();
        var line = log.atInfo()
            .addKeyValue("order_id", event.orderId())
            .addKeyValue("store", event.store())
            .addKeyValue("source", SOURCE)
            .addKeyValue("outcome", result)
            .addKeyValue("event_id", stored.eventId());
        if (stored.duplicate()) {
            line.log("Webhook {} for order {} (store {}) received again, delivery {}: already stored as event {}",
                    OrderCreatedEvent.TYPE, event.orderId(), event.store(), stored.deliveries(), stored.eventId());
        }
        else {
            // the payload is what is kept of the event: no personal data
            line.log("Webhook {} for order {} (store {}, placed {}, {}) stored as event {}: {}", OrderCreatedEvent.TYPE,
                    event.orderId(), event.store(), event.orderedAt(), event.status(), stored.eventId(),
                    event.payload());
        }
    }

    /**
     * The request is refused; {@code message} says why to the sender, and quotes neither
     * credentials nor signatures.
     */
    void refused(Reason reason, String message) {
        counter(NONE, "refused", reason.wireName()).increment();
        log.atWarn()
            .addKeyValue("source", SOURCE)
            .addKeyValue("outcome", "refused")
            .addKeyValue("reason", reason.wireName())
            .log("Webhook request refused with {} ({}): {}", reason.httpStatus(), reason.wireName(), message);
    }

    /**
     * The database could not take the event: answered 503, the platform sends it again.
     */
    void unavailable(Exception failure) {
        counter(NONE, "failed", "unavailable").increment();
        log.atError()
            .addKeyValue("source", SOURCE)
            .addKeyValue("outcome", "failed")
            .addKeyValue("reason", "unavailable")
            .log("Webhook event not stored, answered 503 so that the platform sends it again: {}", failure.toString());
    }

    /** Anything else went wrong: answered 500, the event was not stored. */
    void failed(Exception failure) {
        counter(NONE, "failed", "error").increment();
        log.atError()
            .addKeyValue("source", SOURCE)
            .addKeyValue("outcome", "failed")
            .addKeyValue("reason", "error")
            .setCause(failure)
            .log("Webhook request failed; the event was not stored");
    }

    private Counter counter(String store, String result, String reason) {
        return Counter.builder("shipsync.webhook.events")
            .description("Webhook requests by what became of them")
            .tag("store", store)
            .tag("result", result)
            .tag("reason", reason)
            .register(registry);
    }

}
