package io.shipsync.dispatch;

import java.util.LinkedHashMap;
import java.util.Map;

import io.shipsync.store.Store;
import io.shipsync.store.Stores;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Shows in {@code /actuator/health}'s details, per store, when its dispatch is paused:
 * its platform refused the API key, or it is down. The service stays UP: one store's
 * problem is not the others', and a load balancer taking the instance out would stop the
 * webhook and every other store too.
 */
@Component("statusDispatch")
class DispatchHealthIndicator implements HealthIndicator {

    private final Stores stores;

    private final DispatchGate gate;

    private final PlatformCircuit circuit;

    DispatchHealthIndicator(Stores stores, DispatchGate gate, PlatformCircuit circuit) {
        this.stores = stores;
        this.gate = gate;
        this.circuit = circuit;
    }

    @Override
    public Health health() {
        try {
            return storesPaused();
        }
        catch (DataAccessException ex) {
            // a store's gate lives in the database: while that is unreachable (db says
            // so), no store's state is
            // known, and the answer still comes
            return Health.unknown().withDetail("reason", "the database is unreachable (see db)").build();
        }
    }

    private Health storesPaused() {
        var health = Health.up();
        for (Store store : stores.all()) {
            Map<String, String> problems = new LinkedHashMap<>();
            gate.authProblem(store.name()).ifPresent(problem -> problems.put("paused", problem));
            circuit.outage(store.name()).ifPresent(outage -> problems.put("unavailable", outage));
            if (!problems.isEmpty()) {
                health.withDetail(store.name(), problems);
            }
        }
        return health.build();
    }

}
