package io.shipsync.dispatch;

import java.time.Clock;
import java.time.Duration;

import io.shipsync.outbox.Outbox;
import io.shipsync.store.Store;
import io.shipsync.store.Stores;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

/**
 * Each store's backlog for {@code /actuator/prometheus}: how many updates wait to be
 * sent, and how long the oldest has waited. Read from the outbox when scraped, so they
 * are right after a restart and on every instance.
 */
@Component
class DispatchMetrics implements MeterBinder {

    private final Stores stores;

    private final Outbox outbox;

    private final Clock clock;

    DispatchMetrics(Stores stores, Outbox outbox, Clock clock) {
        this.stores = stores;
        this.outbox = outbox;
        this.clock = clock;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
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
        }
    }

}
