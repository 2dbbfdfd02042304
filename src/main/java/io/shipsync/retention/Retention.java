package io.shipsync.retention;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.shipsync.outbox.UpdateState;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes finished work once it is older than its keep window
 * ({@link RetentionProperties}), so that the database holds what is in progress and a
 * recent past, not everything since the first day.
 *
 * <p>
 * Only finished rows go: settled updates, closed dead letters, processed webhook events,
 * shipments no longer followed, the rows of reported files. Pending and sending updates,
 * open dead letters and what they point at, unprocessed events, files still being taken
 * in or waiting for their report, and every file's record with its checksum are never
 * touched, whatever their age. A row goes only after every row that points at it, so the
 * order of the steps is the order of the foreign keys.
 *
 * <p>
 * Each batch (at most {@code batch-size} rows) is one short transaction, so a run never
 * holds locks for long and the service keeps working beside it. A batch continues after
 * the last id of the one before, so a run reads each table once, however much it deletes.
 * Counted ({@code shipsync_retention_deleted_total} by table) as each batch commits, and
 * logged as one line per run.
 */
@Component("retention")
public class Retention {

    private static final Logger log = LoggerFactory.getLogger(Retention.class);

    /** The tables a run deletes from, in the order it does. */
    static final List<String> TABLES = List.of("dead_letter", "tracked_shipment", "update_attempt", "status_update",
            "webhook_event", "skipped_row", "checked_row");

    private static final List<String> SETTLED = Arrays.stream(UpdateState.values())
        .filter(UpdateState::isFinal)
        .map(UpdateState::name)
        .toList();

    /**
     * Shipments no longer polled. RETURNED, EXCEPTION and FAILING can be followed again,
     * but only by replaying their dead letter, which keeps them here while it exists.
     */
    private static final List<String> STOPPED_SHIPMENTS = List.of("DELIVERED", "NOT_POLLED", "RETURNED", "EXCEPTION",
            "FAILING", "EXPIRED");

    private final JdbcClient jdbc;

    private final TransactionTemplate transaction;

    private final RetentionProperties keep;

    private final Clock clock;

    private final Map<String, Counter> deleted = new LinkedHashMap<>();

    public Retention(JdbcClient jdbc, TransactionTemplate transaction, RetentionProperties keep, Clock clock,
            MeterRegistry registry) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.keep = keep;
        this.clock = clock;
        // every series from the start: a rate or an alert on one needs no first run
        for (String table : TABLES) {
            deleted.put(table,
                    Counter.builder("shipsync.retention.deleted")
                        .description("Rows the retention run deleted, once their deletion is committed")
                        .tag("table", table)
                        .register(registry));
        }
    }

    /**
     * One run: deletes what is past its keep window.
     * @return rows deleted per table, in the order of {@link #TABLES}
     */
    public Map<String, Long> run() {
        Instant started = clock.instant();
        var run = new LinkedHashMap<String, Long>();
        TABLES.forEach(table -> run.put(table, 0L));
        // closed dead letters first: while one exists, what it points at stays
        deleteClosedDeadLetters(before(started, keep.closedDeadLetters()), run);
        // then shipments, which point at the updates that dispatched and delivered them
        deleteStoppedShipments(before(started, keep.trackedShipments()), run);
        deleteSettledUpdates(before(started, keep.settledUpdates()), run);
        deleteProcessedWebhookEvents(before(started, keep.webhookEvents()), run);
        deleteRowsOfFinishedFiles(before(started, keep.fileRows()), run);

        LoggingEventBuilder line = log.atInfo();
        run.forEach(line::addKeyValue);
        line.log("Retention deleted what was past its keep window: {} ({} ms)",
                run.entrySet()
                    .stream()
                    .map(rows -> rows.getKey() + " " + rows.getValue())
                    .collect(Collectors.joining(", ")),
                Duration.between(started, clock.instant()).toMillis());
        return run;
    }

    private void deleteClosedDeadLetters(OffsetDateTime before, Map<String, Long> run) {
        inBatches("""
                SELECT id FROM dead_letter
                WHERE id > :after AND (replayed_at < :before OR discarded_at < :before)
                ORDER BY id LIMIT :limit""", Map.of("before", before), ids -> Map.of("dead_letter",
                jdbc.sql("DELETE FROM dead_letter WHERE id IN (:ids)").param("ids", ids).update()), run);
    }

    private void deleteStoppedShipments(OffsetDateTime before, Map<String, Long> run) {
        inBatches("""
                SELECT s.id FROM tracked_shipment s
                WHERE s.id > :after AND s.state IN (:stopped) AND s.updated_at < :before
                  AND NOT EXISTS (SELECT 1 FROM dead_letter d WHERE d.tracked_shipment_id = s.id)
                ORDER BY s.id LIMIT :limit""", Map.of("stopped", STOPPED_SHIPMENTS, "before", before),
                ids -> Map.of("tracked_shipment",
                        jdbc.sql("DELETE FROM tracked_shipment WHERE id IN (:ids)").param("ids", ids).update()),
                run);
    }

    /**
     * Settled updates with their attempts. An update of a file stays until the file's
     * report, which lists it, is written; a file that failed is never reported.
     */
    private void deleteSettledUpdates(OffsetDateTime before, Map<String, Long> run) {
        inBatches("""
                SELECT u.id FROM status_update u
                WHERE u.id > :after AND u.state IN (:settled) AND u.updated_at < :before
                  AND NOT EXISTS (SELECT 1 FROM dead_letter d WHERE d.update_id = u.id)
                  AND NOT EXISTS (SELECT 1 FROM tracked_shipment s WHERE s.dispatch_update_id = u.id)
                  AND NOT EXISTS (SELECT 1 FROM tracked_shipment s WHERE s.delivered_update_id = u.id)
                  AND (u.source_file_id IS NULL
                       OR EXISTS (SELECT 1 FROM ingested_file f
                                  WHERE f.id = u.source_file_id AND (f.reported_at IS NOT NULL OR f.state = 'FAILED')))
                ORDER BY u.id LIMIT :limit""", Map.of("settled", SETTLED, "before", before), ids -> {
            var rows = new LinkedHashMap<String, Integer>();
            rows.put("update_attempt",
                    jdbc.sql("DELETE FROM update_attempt WHERE update_id IN (:ids)").param("ids", ids).update());
            rows.put("status_update",
                    jdbc.sql("DELETE FROM status_update WHERE id IN (:ids)").param("ids", ids).update());
            return rows;
        }, run);
    }

    /**
     * Processed events, and dead ones whose dead letter is gone. While an event is kept,
     * a redelivery of it is a duplicate; a redelivery moves last_received_at on, so it is
     * checked again as the row is deleted: an event delivered again during the run stays.
     */
    private void deleteProcessedWebhookEvents(OffsetDateTime before, Map<String, Long> run) {
        inBatches("""
                SELECT e.id FROM webhook_event e
                WHERE e.id > :after AND e.state IN ('PROCESSED', 'DEAD') AND e.last_received_at < :before
                  AND NOT EXISTS (SELECT 1 FROM dead_letter d WHERE d.webhook_event_id = e.id)
                ORDER BY e.id LIMIT :limit""", Map.of("before", before),
                ids -> Map.of("webhook_event",
                        jdbc.sql("DELETE FROM webhook_event WHERE id IN (:ids) AND last_received_at < :before")
                            .param("ids", ids)
                            .param("before", before)
                            .update()),
                run);
    }

    /**
     * The rows of files reported (or failed) before {@code before}, kept until then for
     * the report and the file's counts. A file's rows are keyed by file and line, so they
     * go a file at a time, {@code batch-size} rows to a statement.
     */
    private void deleteRowsOfFinishedFiles(OffsetDateTime before, Map<String, Long> run) {
        long after = 0;
        List<Long> files;
        do {
            files = jdbc.sql("""
                    SELECT f.id FROM ingested_file f
                    WHERE f.id > :after
                      AND (f.reported_at < :before OR (f.state = 'FAILED' AND f.received_at < :before))
                      AND NOT EXISTS (SELECT 1 FROM accepted_row a WHERE a.file_id = f.id)
                      AND (EXISTS (SELECT 1 FROM skipped_row r WHERE r.file_id = f.id)
                           OR EXISTS (SELECT 1 FROM checked_row c WHERE c.file_id = f.id))
                    ORDER BY f.id LIMIT :limit""")
                .param("after", after)
                .param("before", before)
                .param("limit", keep.batchSize())
                .query(Long.class)
                .list();
            for (long file : files) {
                for (String table : List.of("skipped_row", "checked_row")) {
                    int rows;
                    do {
                        // each statement commits on its own: one short transaction per
                        // batch
                        rows = jdbc
                            .sql("DELETE FROM " + table + " WHERE file_id = :file AND line IN (SELECT line FROM "
                                    + table + " WHERE file_id = :file LIMIT :limit)")
                            .param("file", file)
                            .param("limit", keep.batchSize())
                            .update();
                        count(table, rows, run);
                    }
                    while (rows == keep.batchSize());
                }
            }
            after = files.isEmpty() ? after : files.get(files.size() - 1);
        }
        while (files.size() == keep.batchSize());
    }

    /**
     * Finds ids with {@code select} (which takes {@code :after} and {@code :limit}) and
     * hands each batch of them to {@code delete}, in one transaction per batch, until a
     * batch comes back short.
     */
    private void inBatches(String select, Map<String, ?> params, Function<List<Long>, Map<String, Integer>> delete,
            Map<String, Long> run) {
        long after = 0;
        List<Long> ids;
        do {
            long from = after;
            Batch batch = transaction.execute(tx -> {
                List<Long> found = jdbc.sql(select)
                    .params(params)
                    .param("after", from)
                    .param("limit", keep.batchSize())
                    .query(Long.class)
                    .list();
                return new Batch(found, found.isEmpty() ? Map.of() : delete.apply(found));
            });
            // committed: now it counts
            batch.deleted().forEach((table, rows) -> count(table, rows, run));
            ids = batch.ids();
            after = ids.isEmpty() ? after : ids.get(ids.size() - 1);
        }
        while (ids.size() == keep.batchSize());
    }

    private void count(String table, int rows, Map<String, Long> run) {
        deleted.get(table).increment(rows);
        run.merge(table, (long) rows, Long::sum);
    }

    private static OffsetDateTime before(Instant now, Duration keep) {
        return now.minus(keep).atOffset(ZoneOffset.UTC);
    }

    private record Batch(List<Long> ids, Map<String, Integer> deleted) {
    }

}
