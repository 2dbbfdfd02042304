package io.shipsync.dispatch;

import io.shipsync.tribemade.TribeMadeProperties;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Reports in {@code /actuator/health} when dispatch is paused: the platform refused the API key, or it is down.
 */
@Component("statusDispatch")
class DispatchHealthIndicator implements HealthIndicator {

    private final DispatchGate gate;
    private final PlatformCircuit circuit;

    DispatchHealthIndicator(DispatchGate gate, PlatformCircuit circuit) {
        this.gate = gate;
        this.circuit = circuit;
    }

    @Override
    public Health health() {
        var health = Health.up();
        gate.authProblem(TribeMadeProperties.STORE_KEY)
                .ifPresent(problem -> health.down().withDetail("paused", problem));
        circuit.outage(TribeMadeProperties.STORE_KEY)
                .ifPresent(outage -> health.down().withDetail("unavailable", outage));
        return health.build();
    }
}
