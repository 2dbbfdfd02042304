package io.shipsync.outbox;

import java.util.Locale;

import io.shipsync.store.Store;
import io.shipsync.store.Stores;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Each settled update's outcome, counted ({@code shipsync_updates_settled_total}) and
 * logged as one line with its order, store, source and outcome as key-value pairs, from
 * the one place that settles updates ({@link Outbox#settle}), so that the count and the
 * log cannot disagree with each other or with the database: both happen once the outcome
 * is committed, and not at all if it is rolled back.
 */
@Component
class UpdateOutcomes {

    private static final Logger log = LoggerFactory.getLogger(UpdateOutcomes.class);

    private final MeterRegistry registry;

    UpdateOutcomes(MeterRegistry registry, Stores stores) {
        this.registry = registry;
        // every series from the start: a rate or an alert on one needs no first event
        for (Store store : stores.all()) {
            for (UpdateSource source : UpdateSource.values()) {
                for (UpdateState outcome : UpdateState.values()) {
                    if (outcome.isFinal()) {
                        counter(store.name(), source.wireName(), outcome);
                    }
                }
            }
        }
    }

    void settled(StatusUpdate update, UpdateState outcome, String detail) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    record(update, outcome, detail);
                }
            });
        }
        else {
            record(update, outcome, detail);
        }
    }

    private void record(StatusUpdate update, UpdateState outcome, String detail) {
        counter(update.storeKey(), update.source(), outcome).increment();
        // "csv line 3", "webhook event 17", "shipment 5: delhivery AWB …"
        String from = update.sourceLine() != null ? update.source() + " line " + update.sourceLine()
                : update.sourceRef() != null ? update.sourceRef() : update.source();
        // a dead letter waits for a person: a warning; every other outcome is information
        log.atLevel(outcome == UpdateState.DEAD ? Level.WARN : Level.INFO)
            .addKeyValue("order_id", update.orderId())
            .addKeyValue("store", update.storeKey())
            .addKeyValue("source", update.source())
            .addKeyValue("outcome", outcome.outcome())
            .addKeyValue("status", update.targetStatus().wireName())
            .addKeyValue("update_id", update.id())
            .log("{}: {} for order {} of store {} ({}): {}", label(outcome), update.targetStatus(), update.orderId(),
                    update.storeKey(), from, detail);
    }

    private Counter counter(String store, String source, UpdateState outcome) {
        return Counter.builder("shipsync.updates.settled")
            .description("Status updates that reached their outcome")
            .tag("store", store)
            .tag("source", source)
            .tag("outcome", outcome.outcome())
            .register(registry);
    }

    private static String label(UpdateState outcome) {
        String word = outcome == UpdateState.DEAD ? "dead letter" : outcome.outcome();
        return word.substring(0, 1).toUpperCase(Locale.ROOT) + word.substring(1);
    }

}
