package io.shipsync.shipment;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import io.shipsync.outbox.Outbox;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The record of every shipment file received. */
@Repository
public class IngestedFiles {

    private final JdbcClient jdbc;

    private final JdbcTemplate batches;

    public IngestedFiles(JdbcClient jdbc, JdbcTemplate batches) {
        this.jdbc = jdbc;
        this.batches = batches;
    }

    public long register(String storeKey, String fileName, String checksum, long sizeBytes, Instant receivedAt,
            IngestedFile.State state, Long duplicateOf, String failureReason) {
        var keys = new GeneratedKeyHolder();
        jdbc.sql("""
                INSERT INTO ingested_file (store_key, file_name, checksum, size_bytes, received_at, state,
                                           duplicate_of, failure_reason, dry_run)
                VALUES (:store, :name, :checksum, :size, :received, :state, :duplicateOf, :reason, :dryRun)""")
            .param("store", storeKey)
            .param("name", Outbox.truncate(fileName, 512))
            .param("checksum", checksum)
            .param("size", sizeBytes)
            .param("received", utc(receivedAt))
            .param("state", state.name())
            .param("duplicateOf", duplicateOf)
            .param("reason", Outbox.truncate(failureReason, 2000))
            .param("dryRun", ReceivedFileName.isDryRun(fileName))
            .update(keys, "id");
        return keys.getKey().longValue();
    }

    public void recordArchivedAs(long id, String path) {
        jdbc.sql("UPDATE ingested_file SET archived_as = :path WHERE id = :id")
            .param("path", path)
            .param("id", id)
            .update();
    }

    /**
     * The most recent file with this content that was read successfully or is being read,
     * among the real files or among the dry runs: a dry run sends nothing, so a real file
     * with its content is not a duplicate.
     */
    public Optional<IngestedFile> latestReadable(String checksum, boolean dryRun) {
        return jdbc.sql("""
                SELECT * FROM ingested_file WHERE checksum = :checksum AND state <> 'FAILED' AND dry_run = :dryRun
                ORDER BY id DESC LIMIT 1""")
            .param("checksum", checksum)
            .param("dryRun", dryRun)
            .query(IngestedFiles::toFile)
            .optional();
    }

    public IngestedFile get(long id) {
        return jdbc.sql("SELECT * FROM ingested_file WHERE id = :id")
            .param("id", id)
            .query(IngestedFiles::toFile)
            .single();
    }

    public void recordLinesCommitted(long id, long line) {
        jdbc.sql("UPDATE ingested_file SET lines_committed = :line WHERE id = :id")
            .param("line", line)
            .param("id", id)
            .update();
    }

    /**
     * Discards the rows a file committed while it was read, when it turns out unreadable:
     * none of them was admitted to the outbox yet.
     */
    public void discardRows(long id) {
        for (String table : new String[] { "accepted_row", "skipped_row", "checked_row" }) {
            jdbc.sql("DELETE FROM " + table + " WHERE file_id = :id").param("id", id).update();
        }
    }

    /**
     * Gives up on a file: its taking in kept failing, and the rows it committed stay; or
     * it turned out unreadable, and they were discarded.
     */
    public void markFailed(long id, String reason) {
        jdbc.sql("UPDATE ingested_file SET state = 'FAILED', failure_reason = :reason WHERE id = :id")
            .param("reason", Outbox.truncate(reason, 2000))
            .param("id", id)
            .update();
    }

    /** The files being read, or whose reading a stop interrupted. */
    public List<IngestedFile> unfinished() {
        return jdbc.sql("SELECT * FROM ingested_file WHERE state = 'INGESTING' ORDER BY id")
            .query(IngestedFiles::toFile)
            .list();
    }

    /**
     * Gives up on an unfinished file and discards the rows it committed, none of which
     * was admitted to the outbox, in one transaction; only if it is still unfinished and
     * no reading has committed more of it since {@code linesCommitted} was seen.
     * @return whether it was given up
     */
    @Transactional
    public boolean giveUpUnfinished(long id, long linesCommitted, String reason) {
        boolean givenUp = jdbc.sql("""
                UPDATE ingested_file SET state = 'FAILED', failure_reason = :reason
                WHERE id = :id AND state = 'INGESTING' AND lines_committed = :lines""")
            .param("reason", Outbox.truncate(reason, 2000))
            .param("id", id)
            .param("lines", linesCommitted)
            .update() == 1;
        if (givenUp) {
            discardRows(id);
        }
        return givenUp;
    }

    public void markIngested(long id) {
        jdbc.sql("UPDATE ingested_file SET state = 'INGESTED' WHERE id = :id").param("id", id).update();
    }

    public void markChecked(long id) {
        jdbc.sql("UPDATE ingested_file SET state = 'CHECKED' WHERE id = :id").param("id", id).update();
    }

    /**
     * Starts a dry run interrupted by a stop over: what its checked rows were judged
     * against is gone with the process.
     */
    public void restartCheck(long id) {
        jdbc.sql("DELETE FROM checked_row WHERE file_id = :id").param("id", id).update();
        recordLinesCommitted(id, 0);
    }

    /**
     * A data row of a dry run with its would-be outcome.
     *
     * @param store the row's store; null when the row was rejected before its store was
     * known
     * @param sends the status requests it would send
     */
    public record CheckedRow(long line, String store, String orderId, String status, String outcome, String detail,
            int sends) {
    }

    public void addCheckedRows(long fileId, List<CheckedRow> rows) {
        batches.batchUpdate("""
                INSERT INTO checked_row (file_id, line, store_key, order_id, status, outcome, detail, sends)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""", rows, rows.size(), (ps, row) -> {
            ps.setLong(1, fileId);
            ps.setLong(2, row.line());
            ps.setString(3, row.store());
            ps.setString(4, Outbox.truncate(row.orderId(), 200));
            ps.setString(5, Outbox.truncate(row.status(), 200));
            ps.setString(6, row.outcome());
            ps.setString(7, Outbox.truncate(row.detail(), 2000));
            ps.setInt(8, row.sends());
        });
    }

    /**
     * A data row that did not become an update of its own, with the outcome the report
     * gives it.
     */
    public record SkippedRow(long line, String orderId, String status, String outcome, String detail) {
    }

    public void addSkippedRows(long fileId, List<SkippedRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        batches.batchUpdate("""
                INSERT INTO skipped_row (file_id, line, order_id, status, outcome, detail)
                VALUES (?, ?, ?, ?, ?, ?)""", rows, rows.size(), (ps, row) -> {
            ps.setLong(1, fileId);
            ps.setLong(2, row.line());
            ps.setString(3, Outbox.truncate(row.orderId(), 200));
            ps.setString(4, Outbox.truncate(row.status(), 200));
            ps.setString(5, row.outcome());
            ps.setString(6, Outbox.truncate(row.detail(), 2000));
        });
    }

    /**
     * Files whose every row reached a final outcome and that have no report yet. A
     * duplicate is due once the file it repeats is reported, since its report points at
     * that one's outcomes; a dry run once it is checked.
     */
    public List<IngestedFile> awaitingReport() {
        return jdbc.sql("""
                SELECT f.* FROM ingested_file f
                WHERE f.reported_at IS NULL
                  AND (f.state = 'CHECKED'
                    OR (f.state = 'INGESTED'
                        AND NOT EXISTS (SELECT 1 FROM accepted_row r WHERE r.file_id = f.id)
                        AND NOT EXISTS (SELECT 1 FROM status_update u
                                        WHERE u.source_file_id = f.id AND u.state IN ('PENDING', 'SENDING')))
                    OR (f.state = 'DUPLICATE'
                        AND EXISTS (SELECT 1 FROM ingested_file o
                                    WHERE o.id = f.duplicate_of AND o.reported_at IS NOT NULL)))
                ORDER BY f.id""").query(IngestedFiles::toFile).list();
    }

    public void markReported(long id, String reportPath) {
        jdbc.sql("UPDATE ingested_file SET reported_at = :now, report_path = :path WHERE id = :id")
            .param("now", OffsetDateTime.now(ZoneOffset.UTC))
            .param("path", reportPath)
            .param("id", id)
            .update();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static IngestedFile toFile(ResultSet rs, int row) throws SQLException {
        return new IngestedFile(rs.getLong("id"), rs.getString("file_name"), rs.getString("checksum"),
                rs.getObject("received_at", OffsetDateTime.class).toInstant(),
                IngestedFile.State.valueOf(rs.getString("state")), rs.getObject("duplicate_of", Long.class),
                rs.getLong("lines_committed"), rs.getString("archived_as"), rs.getBoolean("dry_run"));
    }

}
