package io.shipsync.shipment;

import java.time.Duration;
import java.util.Locale;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * How shipment files are picked up and read.
 *
 * @param maxFileSize a larger file is refused whole, before any row is read
 * @param maxRecordSize a row (a record: several lines when a quoted value holds line
 * breaks) longer than this, in characters, makes the file refused whole; it bounds the
 * memory one row can take, so that a quote that never closes or a file that is not CSV
 * cannot exhaust it
 * @param maxColumns a row with more values than this makes the file refused whole, for
 * the same reason
 * @param quietPeriod a file is read only once it has not been modified for this long, so
 * a file that is still being written is not read half-way
 * @param busyFileTimeout how long one look at the inbox waits for a file that keeps
 * changing before moving on
 * @param batchSize rows committed per transaction while a file is read
 * @param maxAttempts how many times a file whose reading fails for an unexpected reason
 * (a database error, say) is tried before it is moved to the failed folder with the
 * reason
 * @param reportInterval how often finished files are checked for a result report to write
 * @param abandonedAfter a file whose reading was interrupted and that is no longer in the
 * inbox is given up once no reading has committed a row of it for this long
 */
@Validated
@ConfigurationProperties("shipsync.shipment-files")
public record ShipmentFileProperties(@DefaultValue("200MB") DataSize maxFileSize,
        @DefaultValue("64KB") DataSize maxRecordSize, @Min(2) @DefaultValue("64") int maxColumns,
        @DefaultValue("5s") Duration quietPeriod, @DefaultValue("60s") Duration busyFileTimeout,
        @Min(1) @DefaultValue("1000") int batchSize, @Min(1) @DefaultValue("3") int maxAttempts,
        @DefaultValue("2s") Duration reportInterval, @DefaultValue("60s") Duration abandonedAfter) {

    public ShipmentFileProperties {
        if (busyFileTimeout.compareTo(quietPeriod) <= 0) {
            throw new IllegalArgumentException("shipsync.shipment-files.busy-file-timeout (" + busyFileTimeout
                    + ") must be longer than shipsync.shipment-files.quiet-period (" + quietPeriod + ")");
        }
        if (maxRecordSize.toBytes() < 1024) {
            throw new IllegalArgumentException("shipsync.shipment-files.max-record-size (" + maxRecordSize
                    + ") must be at least 1KB: a shipment row with a tracking link needs a few hundred characters");
        }
    }

    /** The limits every row of a file is read within. */
    public RecordLimits recordLimits() {
        return new RecordLimits(maxRecordSize.toBytes(), maxColumns);
    }

    /**
     * The most one row of a shipment file may hold.
     *
     * @param maxCharacters characters of one record, line breaks inside quoted values
     * included
     * @param maxColumns values of one record
     */
    public record RecordLimits(long maxCharacters, int maxColumns) {
    }

    /** A size as a warehouse person reads it: {@code 64.0 KB}, {@code 150.0 MB}. */
    static String readable(long bytes) {
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
    }
}
