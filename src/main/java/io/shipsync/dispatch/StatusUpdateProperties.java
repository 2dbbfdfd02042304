package io.shipsync.dispatch;

import java.time.Duration;

import io.shipsync.store.Store;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How status updates are sent to the platform.
 *
 * @param maxRequests the default store's status updates per period (TribeMade allows 20 a
 * minute)
 * @param period its period, and the status-update Throttle EIP's (each store's permits
 * are scaled to it)
 * @param fillSkippedSteps send the documented intermediate statuses when an update skips
 * them
 * @param maxAttempts an update's own failed attempts (5xx, timeouts, lost connections)
 * before it becomes a dead letter; failures while the platform is down (see
 * {@code outage}) do not count
 * @param giveUpAfter an update that fails again when it is older than this becomes a dead
 * letter, whatever its attempts
 * @param retryDelay the first retry's delay; it doubles with each attempt, with jitter
 * @param retryMaxDelay the longest delay between two attempts
 * @param pollInterval how often the outbox is checked for due updates
 * @param authRetryInterval after a 401, how long to wait before one update probes whether
 * the key works again
 * @param trustOwnUpdatesFor how long a status shipsync itself applied is acted on without
 * reading the order again; any other knowledge of an order is read again before an
 * update's first request
 * @param outage when failures across orders mean the platform is down
 * @param claimTimeout how long an update whose request is out stays this instance's: no
 * other instance touches it meanwhile; longer than a request can take (connect and
 * response timeouts). After a crash its update waits this long to be verified.
 */
@Validated
@ConfigurationProperties("shipsync.status-updates")
public record StatusUpdateProperties(@Min(1) @DefaultValue("20") int maxRequests, @DefaultValue("60s") Duration period,
        @DefaultValue("true") boolean fillSkippedSteps, @Min(1) @DefaultValue("8") int maxAttempts,
        @DefaultValue("24h") Duration giveUpAfter, @DefaultValue("10s") Duration retryDelay,
        @DefaultValue("30m") Duration retryMaxDelay, @DefaultValue("500ms") Duration pollInterval,
        @DefaultValue("5m") Duration authRetryInterval, @DefaultValue("10s") Duration trustOwnUpdatesFor,
        @Valid @DefaultValue Outage outage, @DefaultValue("60s") Duration claimTimeout) {

    /**
     * How much of what shipsync knows of a store's orders is trusted: a status read from
     * the platform counts for two of the store's periods.
     */
    public DispatchDecision.Rules rulesFor(Store store) {
        return new DispatchDecision.Rules(store.statusUpdates().period().multipliedBy(2), trustOwnUpdatesFor,
                fillSkippedSteps);
    }

    /**
     * A platform account is taken as down when this many different orders failed in a row
     * (5xx, timeouts, refused connections, with no success in between): dispatch to it
     * stops, and one request probes it at a growing interval.
     *
     * @param failedOrders different orders failing in a row that open the circuit
     * @param probeInterval the first probe's delay after the circuit opened; it doubles
     * after each failed probe
     * @param maxProbeInterval the longest delay between two probes
     */
    public record Outage(@Min(2) @DefaultValue("3") int failedOrders, @DefaultValue("15s") Duration probeInterval,
            @DefaultValue("5m") Duration maxProbeInterval) {
    }
}
