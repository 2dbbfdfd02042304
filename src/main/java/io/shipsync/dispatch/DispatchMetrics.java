package io.shipsync.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

import io.shipsync.dispatch.DispatchGate.Budget;
import io.shipsync.outbox.Outbox;
import io.shipsync.store.Store;
import io.shipsync.store.Stores;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/**
 * Each store's dispatch for {@code /actuator/prometheus}: how many updates wait to be
 * sent and how long the oldest has waited (read from the outbox when scraped, so they are
 * right after a restart and on every instance), the platform's 429s, and how long each
 * status request waited for its turn.
 */
@Component
class DispatchMetrics {

    /**
     * Buckets of the wait for a turn: from none (a free permit) to a whole period of
     * TribeMade's 20 a minute.
     */
    private static final Duration[] WAIT_BUCKETS = { Duration.ofMillis(100), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(60) };

    private final MeterRegistry registry;

    DispatchMetrics(MeterRegistry registry, Stores stores, Outbox outbox, Clock clock) {
        this.registry = registry;
        for (Store store : stores.all()) {
            String name = store.name();
            Gauge.builder("shipsync.updates.pending", outbox, it -> it.unsettled(name))
                .description("Status updates waiting to be sent (PENDING or SENDING)")
                .tag("store", name)
                .register(registry);
            Gauge
                .builder("shipsync.updates.oldest.pending.age", outbox,
                        it -> it.oldestUnsettled(name)
                            .map(since -> Duration.between(since, clock.instant()).toMillis() / 1000.0)
                            .orElse(0.0))
                .description("How long the oldest status update still to send has waited")
                .baseUnit("seconds")
                .tag("store", name)
                .register(registry);
            // every series from the start: a rate or an alert on one needs no first event
            rateLimited(store, Budget.STATUS_UPDATES);
            store.orderReads().ifPresent(reads -> rateLimited(store, Budget.ORDER_READS));
            throttleWait(store);
        }
    }

    /** The platform answered 429 to a request of this budget. */
    void countRateLimited(Store store, Budget budget) {
        rateLimited(store, budget).increment();
    }

    /**
     * A status request waited this long between being ready to go and going: for the
     * store's gate (the platform's window, a 429's retry time) and for a permit of the
     * status-update Throttle EIP.
     */
    void recordThrottleWait(Store store, Duration waited) {
        throttleWait(store).record(waited);
    }

    private Counter rateLimited(Store store, Budget budget) {
        return Counter.builder("shipsync.platform.rate.limited")
            .description("429 answers from the store's platform")
            .tag("store", store.name())
            .tag("budget", budget.name().toLowerCase(Locale.ROOT).replace('_', '-'))
            .register(registry);
    }

    private Timer throttleWait(Store store) {
        return Timer.builder("shipsync.throttle.wait")
            .description("How long a status request waited for the store's rate limit before it was sent")
            .tag("store", store.name())
            .serviceLevelObjectives(WAIT_BUCKETS)
            .register(registry);
    }

}
