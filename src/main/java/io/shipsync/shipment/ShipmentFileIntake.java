package io.shipsync.shipment;

import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import io.shipsync.ShipsyncProperties;
import io.shipsync.shipment.IngestedFiles.SkippedRow;
import io.shipsync.shipment.ShipmentFileInspector.Inspection;
import io.shipsync.store.Stores;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Takes in a dropped shipment file for the shipment-files route: decides from its
 * checksum whether it is new, a resumed one or a duplicate, reads and commits its rows
 * batch by batch in one pass, and says where the file goes afterwards. A file that turns
 * out unreadable as a shipment CSV, at its header or half-way, is refused whole: the rows
 * it committed are discarded, none of them having reached the outbox (the outbox admits a
 * file's rows only once it is read completely). When taking a file in fails for a reason
 * that is not its content (a database error, say), the route comes back here: the file is
 * tried again, a bounded number of times, then moved to the failed folder with the
 * reason.
 */
@Component("shipmentFileIntake")
public class ShipmentFileIntake {

    /** Exchange properties the route reads. */
    public static final String FILE_ID = "shipsyncFileId";

    public static final String DECISION = "shipsyncIntake";

    public static final String MOVE_TO = "shipsyncMoveTo";

    /** Which attempt at the file this is, from 1. */
    public static final String ATTEMPT = "shipsyncAttempt";

    /** What to do with a received file. */
    public enum Decision {

        /**
         * Read and commit its rows (from the start, or after the lines a crash left
         * committed).
         */
        INGEST,
        /**
         * Nothing to read: a duplicate, an unreadable file, or one whose rows were
         * committed before a crash.
         */
        MOVE_ONLY,
        /**
         * The attempt failed; take the file in again, from where the committed rows end.
         */
        TRY_AGAIN

    }

    private static final Logger log = LoggerFactory.getLogger(ShipmentFileIntake.class);

    /** Lines between two progress messages for a large file. */
    private static final long PROGRESS_EVERY = 100_000;

    /** Characters of a failure's message kept in the log line and the reason. */
    private static final int MAX_REASON = 300;

    private final ShipmentFileInspector inspector;

    private final IngestedFiles files;

    private final AcceptedRows acceptedRows;

    private final ShipsyncProperties paths;

    private final ShipmentFileProperties properties;

    private final TransactionTemplate transaction;

    private final Clock clock;

    private final FileOutcomes outcomes;

    ShipmentFileIntake(ShipmentFileInspector inspector, IngestedFiles files, AcceptedRows acceptedRows,
            ShipsyncProperties paths, ShipmentFileProperties properties, TransactionTemplate transaction, Clock clock,
            FileOutcomes outcomes) {
        this.inspector = inspector;
        this.files = files;
        this.acceptedRows = acceptedRows;
        this.paths = paths;
        this.properties = properties;
        this.transaction = transaction;
        this.clock = clock;
        this.outcomes = outcomes;
    }

    public void receive(Exchange exchange) throws IOException {
        Path file = exchange.getMessage().getBody(File.class).toPath();
        String name = file.getFileName().toString();
        int attempt = attempt(exchange);
        Instant receivedAt = clock.instant();
        Inspection inspection;
        try {
            inspection = inspector.inspect(file);
        }
        catch (UnreadableFileException e) {
            refuse(exchange, file, name, receivedAt, e.getMessage());
            return;
        }
        boolean dryRun = ReceivedFileName.isDryRun(name);
        Optional<IngestedFile> earlier = files.latestReadable(inspection.checksum(), dryRun);
        if (earlier.isPresent() && earlier.get().state() == IngestedFile.State.INGESTING && dryRun) {
            IngestedFile restarted = earlier.get();
            files.restartCheck(restarted.id());
            log.info("Checking {} again from the start (dry run: nothing is sent){}", name,
                    attempt == 1 ? ": the service stopped while checking it" : "");
            decide(exchange, restarted.id(), Decision.INGEST, restarted.archivedAs());
        }
        else if (earlier.isPresent() && earlier.get().state() == IngestedFile.State.INGESTING) {
            IngestedFile resumed = earlier.get();
            if (attempt == 1) {
                // an earlier attempt in this run is not a stop: failed() has said that it
                // tries again
                log.info("Resuming {} after line {}: the service stopped while reading it", name,
                        resumed.linesCommitted());
            }
            decide(exchange, resumed.id(), Decision.INGEST, resumed.archivedAs());
        }
        else if (earlier.isPresent() && name.equals(earlier.get().fileName()) && archiveMissing(earlier.get())) {
            log.info("{} was read completely before the service stopped; archiving it now", name);
            decide(exchange, earlier.get().id(), Decision.MOVE_ONLY, earlier.get().archivedAs());
        }
        else if (earlier.isPresent() && !dryRun) {
            IngestedFile original = files.get(earlier.get().originalId());
            long id = registerArchived(name, inspection, receivedAt, IngestedFile.State.DUPLICATE, original.id());
            outcomes.duplicate(id, name, original);
            decide(exchange, id, Decision.MOVE_ONLY, files.get(id).archivedAs());
        }
        else {
            long id = registerArchived(name, inspection, receivedAt, IngestedFile.State.INGESTING, null);
            decide(exchange, id, Decision.INGEST, files.get(id).archivedAs());
        }
    }

    /**
     * The file's rows in batches, skipping those a previous, interrupted reading already
     * committed.
     * @throws UnreadableFileException the header shows that the file is not a shipment
     * CSV; the rows after it may still turn out unreadable, which {@link #failed} handles
     */
    public Iterator<List<RawRow>> rowBatches(@ExchangeProperty(FILE_ID) long fileId, File file)
            throws IOException, UnreadableFileException {
        IngestedFile record = files.get(fileId);
        ShipmentCsvReader reader = ShipmentCsvReader.open(Files.newInputStream(file.toPath()),
                properties.recordLimits());
        if (record.linesCommitted() == 0) {
            log.info("{} {}{}", record.dryRun() ? "Checking" : "Reading", record.fileName(),
                    (reader.separator() == Separator.COMMA ? "" : " (" + reader.separator().description() + ")")
                            + (record.dryRun() ? "; a dry run: nothing is sent" : ""));
        }
        return new Batches(reader, record.fileName(), record.linesCommitted(), properties.batchSize());
    }

    /**
     * Commits one batch of checked rows, and how far the file is read, in one
     * transaction.
     */
    public void commit(@ExchangeProperty(FILE_ID) long fileId, List<ShipmentRow> rows) {
        var accepted = new ArrayList<ShipmentRow.Accepted>();
        var rejected = new ArrayList<SkippedRow>();
        for (ShipmentRow row : rows) {
            if (row instanceof ShipmentRow.Accepted good) {
                accepted.add(good);
            }
            else if (row instanceof ShipmentRow.Rejected bad) {
                rejected.add(new SkippedRow(bad.line(), bad.orderId(), bad.status(), "rejected", bad.reason()));
            }
        }
        long lastLine = rows.get(rows.size() - 1).line();
        transaction.executeWithoutResult(tx -> {
            acceptedRows.add(fileId, accepted);
            files.addSkippedRows(fileId, rejected);
            files.recordLinesCommitted(fileId, lastLine);
        });
        outcomes.rowsChecked(accepted.size(), rejected.size());
        if (lastLine / PROGRESS_EVERY > (rows.get(0).line() - 1) / PROGRESS_EVERY) {
            log.info("{}: rows up to line {} committed", files.get(fileId).fileName(), lastLine);
        }
    }

    public void finish(@ExchangeProperty(FILE_ID) long fileId) {
        if (files.get(fileId).dryRun()) {
            files.markChecked(fileId);
            outcomes.checked(files.get(fileId));
        }
        else {
            files.markIngested(fileId);
            outcomes.ingested(files.get(fileId));
        }
    }

    private void refuse(Exchange exchange, Path file, String name, Instant receivedAt, String reason)
            throws IOException {
        long id = files.register(Stores.DEFAULT, name, null, Files.size(file), receivedAt, IngestedFile.State.FAILED,
                null, reason);
        refused(exchange, id, name, receivedAt, reason);
    }

    private void refused(Exchange exchange, long id, String name, Instant receivedAt, String reason)
            throws IOException {
        Path target = moveToFailed(exchange, id, name, receivedAt, """
                shipsync could not read %s (received %s).

                %s

                Nothing from this file was sent. Fix it and drop it into the inbox again.
                """.formatted(name, receivedAt, reason));
        outcomes.refused(id, name, reason, target);
    }

    /**
     * Taking the file in failed for a reason that is not its content: the route calls
     * this with the failure caught. Decides to try again, or, after {@code max-attempts},
     * moves the file to the failed folder with the reason. Rows already committed from
     * the file are kept: they were checked, are durable and may already be on the
     * platform, which cannot be undone; the reason says up to which line they go.
     */
    public void failed(Exchange exchange) throws IOException {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String name = exchange.getMessage().getBody(File.class).getName();
        Long knownId = exchange.getProperty(FILE_ID, Long.class);
        Optional<String> unreadable = ShipmentCsvReader.unreadableReason(failure);
        if (unreadable.isPresent() && knownId != null) {
            IngestedFile record = files.get(knownId);
            // its rows were never admitted to the outbox: the file was still being read
            transaction.executeWithoutResult(tx -> {
                files.discardRows(record.id());
                files.markFailed(record.id(), unreadable.get());
            });
            refused(exchange, record.id(), name, record.receivedAt(), unreadable.get());
            return;
        }
        int attempt = attempt(exchange);
        String reason = inPlainWords(failure);
        if (attempt < properties.maxAttempts()) {
            log.warn("Trying {} again (attempt {} of {}) after: {}", name, attempt + 1, properties.maxAttempts(),
                    reason);
            log.debug("Attempt {} at {} failed", attempt, name, failure);
            exchange.setProperty(ATTEMPT, attempt + 1);
            exchange.setProperty(DECISION, Decision.TRY_AGAIN.name());
            return;
        }
        String summary = "Taking the file in failed " + attempt + " times, the last time with " + reason + ".";
        IngestedFile record = knownId != null ? files.get(knownId) : null;
        long id;
        Instant receivedAt;
        if (record != null) {
            id = record.id();
            receivedAt = record.receivedAt();
            files.markFailed(id, summary);
        }
        else {
            receivedAt = clock.instant();
            id = files.register(Stores.DEFAULT, name, null,
                    Files.size(exchange.getMessage().getBody(File.class).toPath()), receivedAt,
                    IngestedFile.State.FAILED, null, summary);
        }
        long linesCommitted = record == null ? 0 : record.linesCommitted();
        String taken = ReceivedFileName.isDryRun(name) ? "This was a dry run: nothing from it was sent."
                : linesCommitted > 0
                        ? "The rows up to line " + linesCommitted
                                + " were taken in before that and are sent to the platform "
                                + "as usual; the rows after line " + linesCommitted + " were not."
                        : "No row of this file was taken in; nothing from it was sent.";
        Path target = moveToFailed(exchange, id, name, receivedAt, """
                shipsync could not finish taking in %s (received %s).

                %s

                %s

                This is not one of the problems shipsync checks files for: ask whoever runs shipsync to look at its \
                log. Once the cause is fixed, drop the file into the inbox again: an order that already has its \
                status is reported unchanged and not sent twice.
                """.formatted(name, receivedAt, summary, taken));
        outcomes.failed(id, name, attempt, reason, target, failure);
    }

    /**
     * A failure in plain words for the log and the reason file: its root cause's first
     * line, no class names.
     */
    static String inPlainWords(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String kind = root instanceof SQLException ? "a database error"
                : root instanceof IOException ? "an error reading or moving the file" : "an unexpected error";
        String message = root.getMessage() == null ? "" : root.getMessage()
            .lines()
            .findFirst()
            .orElse("")
            // H2 ends the first line of its messages with the statement that follows on
            // the next lines
            .replaceFirst(";\\s*SQL statement:?\\s*$", "")
            .strip();
        if (message.isEmpty()) {
            return kind;
        }
        return kind + ": " + (message.length() <= MAX_REASON ? message : message.substring(0, MAX_REASON - 1) + "…");
    }

    private Path moveToFailed(Exchange exchange, long id, String name, Instant receivedAt, String reasonFile)
            throws IOException {
        Path target = paths.failedDir().resolve(uniqueName(id, name, receivedAt));
        Files.createDirectories(target.getParent());
        Files.writeString(target.resolveSibling(target.getFileName() + ".reason.txt"), reasonFile);
        files.recordArchivedAs(id, target.toString());
        decide(exchange, id, Decision.MOVE_ONLY, target.toString());
        return target;
    }

    private String archive(long id, String name, Instant receivedAt) {
        String target = paths.archiveDir().resolve(uniqueName(id, name, receivedAt)).toString();
        files.recordArchivedAs(id, target);
        return target;
    }

    /** Registers a received file and where it will be archived, in one transaction. */
    private long registerArchived(String name, Inspection inspection, Instant receivedAt, IngestedFile.State state,
            Long duplicateOf) {
        return transaction.execute(tx -> {
            long registered = files.register(Stores.DEFAULT, name, inspection.checksum(), inspection.sizeBytes(),
                    receivedAt, state, duplicateOf, null);
            archive(registered, name, receivedAt);
            return registered;
        });
    }

    private static boolean archiveMissing(IngestedFile file) {
        return file.archivedAs() != null && Files.notExists(Path.of(file.archivedAs()));
    }

    /**
     * Unique so that a second file of the same name never overwrites the first in the
     * archive.
     */
    private static String uniqueName(long id, String name, Instant receivedAt) {
        return new ReceivedFileName(id, receivedAt).unique(name);
    }

    private static int attempt(Exchange exchange) {
        return exchange.getProperty(ATTEMPT, 1, Integer.class);
    }

    private static void decide(Exchange exchange, long fileId, Decision decision, String moveTo) {
        exchange.setProperty(FILE_ID, fileId);
        exchange.setProperty(DECISION, decision.name());
        exchange.setProperty(MOVE_TO, moveTo);
    }

    /**
     * The file's rows in batches, read ahead on a thread of its own while the route
     * checks and commits the batch before: parsing and committing then each take a core
     * instead of taking turns on one. At most {@link #AHEAD} batches wait, so memory
     * stays that of a few batches whatever the file's size. Camel's split closes it,
     * which stops the reading and closes the file.
     */
    private static final class Batches implements Iterator<List<RawRow>>, Closeable {

        /** Batches read ahead of the one being committed. */
        private static final int AHEAD = 2;

        /** What the reading thread hands over: a batch, the end, or why it stopped. */
        private sealed interface Ahead {

        }

        private record Batch(List<RawRow> rows) implements Ahead {
        }

        private record End() implements Ahead {
        }

        private record Failure(Throwable cause) implements Ahead {
        }

        private final ShipmentCsvReader reader;

        private final String fileName;

        private final int size;

        private final long skipThroughLine;

        private final BlockingQueue<Ahead> ready = new ArrayBlockingQueue<>(AHEAD);

        private final Thread reading;

        private Ahead next;

        Batches(ShipmentCsvReader reader, String fileName, long skipThroughLine, int size) {
            this.reader = reader;
            this.fileName = fileName;
            this.size = size;
            this.skipThroughLine = skipThroughLine;
            this.reading = new Thread(this::readAll, "shipment-reader " + fileName);
            this.reading.setDaemon(true);
            this.reading.start();
        }

        @Override
        public boolean hasNext() {
            if (next == null) {
                try {
                    next = ready.take();
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while reading the file", e);
                }
            }
            if (next instanceof Failure failure && failure.cause() instanceof Error error) {
                throw error;
            }
            if (next instanceof Failure failure) {
                throw (RuntimeException) failure.cause();
            }
            return !(next instanceof End);
        }

        @Override
        public List<RawRow> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            List<RawRow> batch = ((Batch) next).rows();
            next = null;
            return batch;
        }

        /** On the reading thread: every row, in batches, then the end or the failure. */
        private void readAll() {
            try {
                ready.put(readRows());
            }
            catch (InterruptedException e) {
                // closed before the end: nobody waits for the rest
            }
            finally {
                try {
                    reader.close();
                }
                catch (IOException e) {
                    // a file only read: nothing is lost when closing it fails
                }
            }
        }

        /** Hands every batch over; returns the end, or why the reading stopped. */
        private Ahead readRows() throws InterruptedException {
            try {
                long rows = 0;
                var batch = new ArrayList<RawRow>(size);
                while (reader.hasNext()) {
                    RawRow row = reader.next();
                    rows++;
                    if (row.line() > skipThroughLine) {
                        batch.add(row);
                    }
                    if (batch.size() == size) {
                        ready.put(new Batch(batch));
                        batch = new ArrayList<>(size);
                    }
                }
                if (!batch.isEmpty()) {
                    ready.put(new Batch(batch));
                }
                // all of them, also those a reading before a stop committed
                log.info("{}: {} data rows read", fileName, rows);
                return new End();
            }
            catch (RuntimeException | Error e) {
                return new Failure(e);
            }
        }

        @Override
        public void close() {
            reading.interrupt();
            try {
                // the file is closed once the reading thread is done, before Camel moves
                // it
                reading.join();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

    }

}
