package io.shipsync.courier;

import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Courier polls for {@code /actuator/prometheus}, by courier and outcome: where the
 * courier says the shipment is (a tracking state), or why the poll told nothing
 * ({@value #FAILED}: an error, no answer or an answer shipsync cannot read;
 * {@value #RATE_LIMITED} and {@value #UNAUTHORIZED}: the courier account's problem).
 */
@Component
class CourierMetrics {

    static final String FAILED = "failed";

    static final String RATE_LIMITED = "rate-limited";

    static final String UNAUTHORIZED = "unauthorized";

    private final MeterRegistry registry;

    CourierMetrics(MeterRegistry registry, CourierCatalog couriers) {
        this.registry = registry;
        List<String> outcomes = new ArrayList<>();
        for (TrackingState state : TrackingState.values()) {
            outcomes.add(state.wireName());
        }
        outcomes.addAll(List.of(FAILED, RATE_LIMITED, UNAUTHORIZED));
        // every series from the start: a rate or an alert on one needs no first event
        couriers.polled().keySet().forEach(courier -> outcomes.forEach(outcome -> counter(courier, outcome)));
    }

    void answered(String courier, TrackingState state) {
        counter(courier, state.wireName()).increment();
    }

    void failed(String courier) {
        counter(courier, FAILED).increment();
    }

    /** A 401, 403 or 429: the account's problem, not the shipment's. */
    void refused(String courier, int httpStatus) {
        counter(courier, httpStatus == 429 ? RATE_LIMITED : UNAUTHORIZED).increment();
    }

    private Counter counter(String courier, String outcome) {
        return Counter.builder("shipsync.courier.polls")
            .description("Tracking requests to couriers, by what they told")
            .tag("courier", courier)
            .tag("outcome", outcome)
            .register(registry);
    }

}
