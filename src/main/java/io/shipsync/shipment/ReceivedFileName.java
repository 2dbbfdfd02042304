package io.shipsync.shipment;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * What a received file is kept under, in the archive, the failed folder and the reports:
 * {@code <yyyyMMdd-HHmmss UTC of receipt>-<ingested_file id>-<name>}. Unique, so a second
 * file of the same name never overwrites the first; and the same for everything kept of
 * one file, so its report sits beside its archive name.
 *
 * @param fileId the file's {@code ingested_file} id
 * @param receivedAt when it was received
 */
record ReceivedFileName(long fileId, Instant receivedAt) {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
        .withZone(ZoneOffset.UTC);

    /** How a dry run's name ends, in any case: {@code shipments.check.csv}. */
    static final String DRY_RUN_SUFFIX = ".check.csv";

    /**
     * Whether a file of this name is a dry run: checked and reported, never sent.
     */
    static boolean isDryRun(String name) {
        return name.toLowerCase(Locale.ROOT).endsWith(DRY_RUN_SUFFIX);
    }

    static ReceivedFileName of(IngestedFile file) {
        return new ReceivedFileName(file.id(), file.receivedAt());
    }

    /** {@code name} with this file's unique prefix. */
    String unique(String name) {
        return STAMP.format(keptAsInTheDatabase(receivedAt)) + "-" + fileId + "-" + name;
    }

    /**
     * The database keeps microseconds, rounded: a file received at 10:00:59.9999997 is
     * read back as 10:01:00. Round the same way, so a name made at receipt and one made
     * later from the stored row agree.
     */
    private static Instant keptAsInTheDatabase(Instant instant) {
        return instant.plusNanos(500).truncatedTo(ChronoUnit.MICROS);
    }
}
