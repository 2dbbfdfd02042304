package io.shipsync.dispatch;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.shipsync.dispatch.DispatchGate.Budget;
import io.shipsync.outbox.Outbox;
import io.shipsync.store.Store;
import io.shipsync.store.Stores;

import org.springframework.stereotype.Component;

/**
 * Each store's dispatch state, from its gate (key refused, window spent) and its
 * platform's circuit (down): for the admin API and the health details alike.
 */
@Component
public class StoreStatuses {

    private final Stores stores;

    private final DispatchGate gate;

    private final PlatformCircuit circuit;

    private final Outbox outbox;

    StoreStatuses(Stores stores, DispatchGate gate, PlatformCircuit circuit, Outbox outbox) {
        this.stores = stores;
        this.gate = gate;
        this.circuit = circuit;
        this.outbox = outbox;
    }

    public List<StoreStatus> all() {
        return stores.all().stream().map(this::of).toList();
    }

    public Optional<StoreStatus> find(String name) {
        return stores.find(name).map(this::of);
    }

    /**
     * Sends the store's requests again at once after a person fixed its API key: its gate
     * opens, and the updates postponed until the next automatic try are due now.
     * @return false when it was not paused by a refused key
     */
    public boolean resume(Store store) {
        if (!gate.resume(store)) {
            return false;
        }
        outbox.dueNow(store.name());
        return true;
    }

    private StoreStatus of(Store store) {
        String name = store.name();
        long pending = outbox.unsettled(name);
        Instant oldest = outbox.oldestUnsettled(name).orElse(null);
        String limit = describe(store.statusUpdates());
        String reads = store.orderReads().map(StoreStatuses::describe).orElse(null);
        Optional<String> authProblem = gate.authProblem(name);
        if (authProblem.isPresent()) {
            return new StoreStatus(name, store.platform().key(), "paused", authProblem.get(),
                    gate.closedUntil(store, Budget.STATUS_UPDATES).orElse(null), pending, oldest, limit, reads);
        }
        Optional<String> outage = circuit.outage(name);
        if (outage.isPresent()) {
            return new StoreStatus(name, store.platform().key(), "platform-unavailable", outage.get(),
                    circuit.waitingUntil(name).orElse(null), pending, oldest, limit, reads);
        }
        Optional<Instant> closed = gate.closedUntil(store, Budget.STATUS_UPDATES);
        if (closed.isPresent()) {
            return new StoreStatus(name, store.platform().key(), "rate-limited",
                    store.platform().displayName()
                            + "'s limit for this store is spent for now; sending goes on when its window opens.",
                    closed.get(), pending, oldest, limit, reads);
        }
        return new StoreStatus(name, store.platform().key(), "running", null, null, pending, oldest, limit, reads);
    }

    private static String describe(Store.Limit limit) {
        return limit.maxRequests() + " per " + limit.period().toString().substring(2).toLowerCase(Locale.ROOT);
    }

}
