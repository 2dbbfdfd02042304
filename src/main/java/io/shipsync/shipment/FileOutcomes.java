package io.shipsync.shipment;

import java.nio.file.Path;

import io.shipsync.outbox.UpdateSource;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;
import org.springframework.stereotype.Component;

/**
 * What became of each shipment file, and of its rows at the checks: counted
 * ({@code shipsync_files_total}, {@code shipsync_file_rows_total}) and, per file, logged
 * as one line with the file, source and outcome as key-value pairs, in one place, so that
 * the count and the log cannot disagree. A file has no store of its own: its rows name
 * theirs, and each row's update is counted and logged with its store when it settles.
 */
@Component
class FileOutcomes {

    private static final String SOURCE = UpdateSource.CSV.wireName();

    private static final Logger log = LoggerFactory.getLogger(FileOutcomes.class);

    private final Counter ingested;

    private final Counter checked;

    private final Counter duplicate;

    private final Counter refused;

    private final Counter failed;

    private final Counter abandoned;

    private final Counter rowsAccepted;

    private final Counter rowsRejected;

    FileOutcomes(MeterRegistry registry) {
        this.ingested = files(registry, "ingested");
        this.checked = files(registry, "checked");
        this.duplicate = files(registry, "duplicate");
        this.refused = files(registry, "refused");
        this.failed = files(registry, "failed");
        this.abandoned = files(registry, "abandoned");
        this.rowsAccepted = rows(registry, "accepted");
        this.rowsRejected = rows(registry, "rejected");
    }

    /** Every row of the file is committed: queued for the outbox, or rejected. */
    void ingested(IngestedFile file) {
        ingested.increment();
        line(log.atInfo(), file.id(), file.fileName(), "ingested").log(
                "{}: every row is queued or refused; the result report follows once the updates are settled",
                file.fileName());
    }

    /** A dry run: every row has its would-be outcome, and nothing is sent. */
    void checked(IngestedFile file) {
        checked.increment();
        line(log.atInfo(), file.id(), file.fileName(), "checked")
            .log("{}: every row is checked (a dry run: nothing is sent); the report follows", file.fileName());
    }

    void duplicate(long id, String name, IngestedFile original) {
        duplicate.increment();
        // nothing of it is sent: a person may have dropped the wrong file
        line(log.atWarn(), id, name, "duplicate").log(
                "{} has the same content as {} received {}: nothing in it is sent again", name, original.fileName(),
                original.receivedAt());
    }

    /** The file cannot be read as a shipment CSV. */
    void refused(long id, String name, String reason, Path movedTo) {
        refused.increment();
        line(log.atWarn(), id, name, "refused").log("Refused {}: {} Moved to {}", name, reason, movedTo);
    }

    /**
     * Taking the file in kept failing for a reason that is not its content (the database,
     * say).
     */
    void failed(long id, String name, int attempts, String reason, Path movedTo, Exception failure) {
        failed.increment();
        line(log.atError(), id, name, "failed").setCause(failure)
            .log("Gave up on {} after {} attempts, the last with {}. Moved to {}", name, attempts, reason, movedTo);
    }

    /**
     * The file was taken out of the inbox before it was read to the end; its rows are
     * discarded.
     */
    void abandoned(long id, String name, long linesCommitted, Path reasonFile) {
        abandoned.increment();
        line(log.atWarn(), id, name, "abandoned")
            .log("Gave up on {}: it was taken out of the inbox before it was read to the end (after line {}); "
                    + "nothing from it was sent. The reason is in {}", name, linesCommitted, reasonFile);
    }

    /** A batch of rows passed or failed the checks, and is committed. */
    void rowsChecked(int accepted, int rejected) {
        rowsAccepted.increment(accepted);
        rowsRejected.increment(rejected);
    }

    private static LoggingEventBuilder line(LoggingEventBuilder level, long id, String name, String outcome) {
        return level.addKeyValue("file", name)
            .addKeyValue("file_id", id)
            .addKeyValue("source", SOURCE)
            .addKeyValue("outcome", outcome);
    }

    private static Counter files(MeterRegistry registry, String outcome) {
        return Counter.builder("shipsync.files")
            .description("Shipment files received, by what became of them")
            .tag("outcome", outcome)
            .register(registry);
    }

    private static Counter rows(MeterRegistry registry, String outcome) {
        return Counter.builder("shipsync.file.rows")
            .description("Rows of shipment files, by whether they passed the checks")
            .tag("outcome", outcome)
            .register(registry);
    }

}
