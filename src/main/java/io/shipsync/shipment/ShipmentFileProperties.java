package io.shipsync.shipment;

import java.time.Duration;

import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * How shipment files are picked up and read.
 *
 * @param maxFileSize a larger file is refused whole, before any row is read
 * @param quietPeriod a file is read only once its size and modification time held still this long, so a file that
 *                    is still being written is not read half-way
 * @param busyFileTimeout how long one look at the inbox waits for a file that keeps changing before moving on
 * @param batchSize   rows committed per transaction while a file is read
 * @param reportInterval how often finished files are checked for a result report to write
 */
@Validated
@ConfigurationProperties("shipsync.shipment-files")
public record ShipmentFileProperties(
        @DefaultValue("200MB") DataSize maxFileSize,
        @DefaultValue("5s") Duration quietPeriod,
        @DefaultValue("60s") Duration busyFileTimeout,
        @Min(1) @DefaultValue("1000") int batchSize,
        @DefaultValue("2s") Duration reportInterval) {

    public ShipmentFileProperties {
        if (busyFileTimeout.compareTo(quietPeriod) <= 0) {
            throw new IllegalArgumentException("shipsync.shipment-files.busy-file-timeout (" + busyFileTimeout
                    + ") must be longer than shipsync.shipment-files.quiet-period (" + quietPeriod + ")");
        }
    }
}
