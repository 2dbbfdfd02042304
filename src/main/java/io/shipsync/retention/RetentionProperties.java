package io.shipsync.retention;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import org.quartz.CronExpression;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How long finished work is kept before the nightly retention run deletes it. Nothing
 * unfinished is ever deleted, whatever its age: see {@link Retention}.
 *
 * @param cron when a run starts (Quartz cron, seconds first); the route reads the same
 * key
 * @param settledUpdates a status update that reached its outcome (applied, unchanged,
 * rejected, dead letter), with its attempts, this long after it settled; longer while a
 * dead letter or a tracked shipment still points at it, or while its file's report is not
 * written
 * @param closedDeadLetters a dead letter a person replayed or discarded, this long after
 * they did
 * @param webhookEvents a processed order.created event, this long after its latest
 * delivery: while it is kept, a redelivery is answered as a duplicate and not processed
 * again, so it must outlast any platform's redelivery
 * @param fileRows the rows of a file kept for its report and its counts (rows refused or
 * repeated, a dry run's checked rows), this long after its report was written; the file's
 * own record, with its checksum, is kept, so the same file dropped again is still
 * recognised
 * @param trackedShipments a shipment no longer followed (delivered, not polled, parked
 * with a dead letter that is gone, expired), this long after it stopped
 * @param batchSize rows deleted per statement and transaction, so that a run never holds
 * locks for long
 */
@Validated
@ConfigurationProperties("shipsync.retention")
public record RetentionProperties(@DefaultValue("0 30 3 * * ?") String cron,
        @DefaultValue("30d") Duration settledUpdates, @DefaultValue("90d") Duration closedDeadLetters,
        @DefaultValue("90d") Duration webhookEvents, @DefaultValue("30d") Duration fileRows,
        @DefaultValue("30d") Duration trackedShipments, @Min(1) @DefaultValue("1000") int batchSize) {

    /** Less is a mistake: a value without a unit ("30") is read as milliseconds. */
    private static final Duration SHORTEST = Duration.ofDays(1);

    public RetentionProperties {
        if (!CronExpression.isValidExpression(cron)) {
            throw new IllegalArgumentException("shipsync.retention.cron (" + cron
                    + ") is not a Quartz cron expression (seconds first, e.g. \"0 30 3 * * ?\")");
        }
        atLeastADay("settled-updates", settledUpdates);
        atLeastADay("closed-dead-letters", closedDeadLetters);
        atLeastADay("webhook-events", webhookEvents);
        atLeastADay("file-rows", fileRows);
        atLeastADay("tracked-shipments", trackedShipments);
    }

    private static void atLeastADay(String key, Duration keep) {
        if (keep.compareTo(SHORTEST) < 0) {
            throw new IllegalArgumentException("shipsync.retention." + key + " (" + keep
                    + ") must be at least 1d: give the unit, e.g. 30d (a number alone is milliseconds)");
        }
    }

}
