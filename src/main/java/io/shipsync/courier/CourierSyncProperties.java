package io.shipsync.courier;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The scheduled courier tracking sync.
 *
 * @param cron when a run starts (Quartz cron, seconds first)
 * @param batchSize shipments taken from the database at a time within a run
 * @param firstPollAfter how long after dispatch a shipment is first polled: nothing is
 * delivered on day one
 * @param pollInterval how long after a poll the next one is due; after failed polls in a
 * row, twice, four times, then eight times as long
 * @param maxAge a shipment not delivered this long after dispatch becomes a dead letter
 * @param maxFailures consecutive failed polls (courier errors, unknown AWB, unmapped
 * status) before a dead letter
 */
@Validated
@ConfigurationProperties("shipsync.courier-sync")
public record CourierSyncProperties(@DefaultValue("0 0/15 * * * ?") String cron,
        @Min(1) @DefaultValue("100") int batchSize, @DefaultValue("12h") Duration firstPollAfter,
        @DefaultValue("4h") Duration pollInterval, @DefaultValue("30d") Duration maxAge,
        @Min(1) @DefaultValue("6") int maxFailures) {
}
