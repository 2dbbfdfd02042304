package io.shipsync.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Tells an outage of a platform account from a problem of one update. When requests for
 * {@code failed-orders} different orders fail in a row (5xx, timeouts, refused
 * connections; any other answer ends the run), the account's circuit opens: nothing is
 * sent to it, updates wait {@code PENDING} without spending their attempts, and one
 * request probes the platform after {@code probe-interval}, then after twice that after
 * each failed probe, up to {@code max-probe-interval}. The first answer that is not a
 * failure closes it.
 *
 * <p>
 * Kept in memory: after a restart the first failures open it again. The Circuit Breaker
 * EIP was not used: it has no correlation key (one breaker per route, where shipsync
 * needs one per account), it counts every failed call alike where an outage is failures
 * across different orders, and an open breaker fails the exchange, where an update must
 * simply stay where it is in the outbox.
 */
@Component
public class PlatformCircuit {

    /** What a request to the account may do now. */
    public sealed interface Permit {

    }

    /** The platform is up: send. */
    public record Go() implements Permit {
    }

    /**
     * The platform was down: this request is the one probe; its answer closes the circuit
     * or keeps it open.
     */
    public record Probe() implements Permit {
    }

    /** The platform is down: nothing goes out before {@code until}. */
    public record Wait(Instant until) implements Permit {
    }

    private record FailureRun(Instant since, Set<String> orders) {
    }

    private record Outage(String platform, Instant since, Instant nextProbe, Duration interval, String lastError) {
    }

    private static final Logger log = LoggerFactory.getLogger(PlatformCircuit.class);

    private final StatusUpdateProperties.Outage settings;

    private final Clock clock;

    private final Map<String, FailureRun> runs = new HashMap<>();

    private final Map<String, Outage> outages = new HashMap<>();

    public PlatformCircuit(StatusUpdateProperties properties, Clock clock) {
        this.settings = properties.outage();
        this.clock = clock;
    }

    /**
     * Takes the probe when one is due, so that only one request goes out while the
     * platform is down.
     */
    public synchronized Permit permit(String storeKey) {
        Outage outage = outages.get(storeKey);
        if (outage == null) {
            return new Go();
        }
        Instant now = clock.instant();
        if (now.isBefore(outage.nextProbe())) {
            return new Wait(outage.nextProbe());
        }
        // the probe's answer decides; until it comes, the next probe time keeps every
        // other request back
        outages.put(storeKey, new Outage(outage.platform(), outage.since(), now.plus(outage.interval()),
                outage.interval(), outage.lastError()));
        log.info("Probing whether {} is available again", outage.platform());
        return new Probe();
    }

    /** Until when nothing goes to the account, while its platform is down. */
    public synchronized Optional<Instant> waitingUntil(String storeKey) {
        Outage outage = outages.get(storeKey);
        return outage == null || !clock.instant().isBefore(outage.nextProbe()) ? Optional.empty()
                : Optional.of(outage.nextProbe());
    }

    /** The platform answered (any answer but a failure): it is up. */
    public synchronized void answered(String storeKey) {
        runs.remove(storeKey);
        Outage outage = outages.remove(storeKey);
        if (outage != null) {
            log.info("{} is available again after {} down; dispatch resumes", outage.platform(),
                    Duration.between(outage.since(), clock.instant()).truncatedTo(ChronoUnit.SECONDS));
        }
    }

    /**
     * A request for this order failed without a usable answer.
     * @return true when the platform is taken as down: the failure is the platform's, not
     * the update's
     */
    public synchronized boolean failed(String storeKey, String platform, String orderId, String error) {
        Instant now = clock.instant();
        Outage outage = outages.get(storeKey);
        if (outage != null) {
            Duration longer = min(outage.interval().multipliedBy(2), settings.maxProbeInterval());
            Outage still = new Outage(platform, outage.since(), now.plus(longer), longer, error);
            outages.put(storeKey, still);
            log.warn("{}; the probe failed: {}", describe(still), error);
            return true;
        }
        FailureRun run = runs.computeIfAbsent(storeKey, k -> new FailureRun(now, new LinkedHashSet<>()));
        run.orders().add(orderId);
        if (run.orders().size() < settings.failedOrders()) {
            return false;
        }
        runs.remove(storeKey);
        Outage opened = new Outage(platform, run.since(), now.plus(settings.probeInterval()), settings.probeInterval(),
                error);
        outages.put(storeKey, opened);
        log.error("{}: requests for {} different orders failed in a row, the last with: {}. Updates stay pending and "
                + "keep their attempts until it answers again.", describe(opened), run.orders().size(), error);
        return true;
    }

    /**
     * "TribeMade unavailable since …, next probe at …", while the account's platform is
     * down.
     */
    public synchronized Optional<String> outage(String storeKey) {
        return Optional.ofNullable(outages.get(storeKey)).map(PlatformCircuit::describe);
    }

    private static String describe(Outage outage) {
        return outage.platform() + " unavailable since " + outage.since().truncatedTo(ChronoUnit.SECONDS)
                + ", next probe at " + outage.nextProbe().truncatedTo(ChronoUnit.SECONDS);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

}
