package io.shipsync.dispatch;

import io.shipsync.tribemade.TribeMadeProperties;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/** Reports in {@code /actuator/health} when dispatch is paused because the platform refused the API key. */
@Component("statusDispatch")
class DispatchHealthIndicator implements HealthIndicator {

    private final DispatchGate gate;

    DispatchHealthIndicator(DispatchGate gate) {
        this.gate = gate;
    }

    @Override
    public Health health() {
        return gate.authProblem(TribeMadeProperties.STORE_KEY)
                .map(problem -> Health.down().withDetail("paused", problem).build())
                .orElseGet(() -> Health.up().build());
    }
}
