package io.shipsync.dispatch;

import java.time.Duration;

import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How status updates are sent to the platform.
 *
 * @param maxRequests       the Throttle EIP's requests per period (TribeMade allows 20 a minute)
 * @param period            the Throttle EIP's period
 * @param fillSkippedSteps  send the documented intermediate statuses when an update skips them
 * @param maxAttempts       failed attempts (5xx, timeouts, lost connections) before an update becomes a dead letter
 * @param retryDelay        the first retry's delay; it doubles with each attempt, with jitter
 * @param retryMaxDelay     the longest delay between two attempts
 * @param pollInterval      how often the outbox is checked for due updates
 * @param authRetryInterval after a 401, how long to wait before one update probes whether the key works again
 */
@Validated
@ConfigurationProperties("shipsync.status-updates")
public record StatusUpdateProperties(
        @Min(1) @DefaultValue("20") int maxRequests,
        @DefaultValue("60s") Duration period,
        @DefaultValue("true") boolean fillSkippedSteps,
        @Min(1) @DefaultValue("8") int maxAttempts,
        @DefaultValue("10s") Duration retryDelay,
        @DefaultValue("30m") Duration retryMaxDelay,
        @DefaultValue("500ms") Duration pollInterval,
        @DefaultValue("5m") Duration authRetryInterval) {
}
