package io.shipsync.shipment;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import io.shipsync.order.OrderStatus;
import io.shipsync.outbox.NewUpdate;
import io.shipsync.outbox.Outbox;
import io.shipsync.shipment.IngestedFiles.SkippedRow;
import io.shipsync.store.Store;
import io.shipsync.store.Stores;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The rows of shipment files that passed validation, on their way into the outbox's
 * dispatch queue.
 *
 * <p>
 * A file's rows are committed here first, keyed by file and line: sequential inserts, so
 * a million-row file is taken in quickly. The outbox's index on the order id, random by
 * nature, costs a page write per row at commit; paying it all while the file is read
 * would slow reading several times over, while the platform takes 20 updates a minute
 * anyway. So rows are admitted to each store's queue in file order, a batch at a time,
 * whenever it runs low.
 *
 * <p>
 * A file's rows are admitted only once the file is read to its end (or given up on after
 * failures that were not its content's fault): a file is read once, checked as it is
 * committed, and one that turns out unreadable half-way must have sent nothing.
 */
@Component("acceptedRows")
public class AcceptedRows {

    /**
     * Rows admitted at a time, and how few unsettled updates the queue may hold before
     * more are admitted.
     */
    static final int ADMIT_BATCH = 1_000;

    private final JdbcTemplate jdbc;

    private final Outbox outbox;

    private final IngestedFiles files;

    private final TransactionTemplate transaction;

    private final Stores stores;

    public AcceptedRows(JdbcTemplate jdbc, Outbox outbox, IngestedFiles files, TransactionTemplate transaction,
            Stores stores) {
        this.jdbc = jdbc;
        this.stores = stores;
        this.outbox = outbox;
        this.files = files;
        this.transaction = transaction;
    }

    /**
     * Commits accepted rows of a file; call it inside the transaction that records how
     * far the file was read.
     */
    public void add(long fileId, List<ShipmentRow.Accepted> rows) {
        jdbc.batchUpdate("""
                INSERT INTO accepted_row (file_id, line, store_key, order_id, target_status, tracking_url)
                VALUES (?, ?, ?, ?, ?, ?)""", rows, rows.size(), (ps, row) -> {
            ps.setLong(1, fileId);
            ps.setLong(2, row.line());
            ps.setString(3, row.store());
            ps.setString(4, row.orderId());
            ps.setString(5, row.status().wireName());
            ps.setString(6, row.trackingUrl());
        });
    }

    /**
     * Moves the oldest accepted rows of each store whose dispatch queue runs low into it,
     * in one transaction per batch: one store's backlog never holds back another store's
     * rows.
     * @return how many rows were admitted
     */
    public int admit() {
        int admitted = 0;
        for (Store store : stores.all()) {
            if (outbox.unsettled(store.name()) < ADMIT_BATCH) {
                Integer ofStore = transaction.execute(tx -> admit(store.name()));
                admitted += ofStore == null ? 0 : ofStore;
            }
        }
        return admitted;
    }

    private int admit(String store) {
        // the files first, then their rows file by file: one query over all accepted rows
        // would step through every row of a file still being read, at every poll. A file
        // with accepted rows left has no report yet, so the index on reported_at finds
        // them among the few unreported files
        List<Long> readFiles = jdbc.queryForList("""
                SELECT f.id FROM ingested_file f
                WHERE f.reported_at IS NULL AND f.state IN ('INGESTED', 'FAILED')
                  AND EXISTS (SELECT 1 FROM accepted_row r WHERE r.store_key = ? AND r.file_id = f.id)
                ORDER BY f.id""", Long.class, store);
        int admitted = 0;
        for (long fileId : readFiles) {
            List<NewUpdate> rows = jdbc.query("""
                    SELECT line, order_id, target_status, tracking_url FROM accepted_row
                    WHERE store_key = ? AND file_id = ? ORDER BY store_key, file_id, line LIMIT ?""",
                    AcceptedRows::toUpdate, store, fileId, ADMIT_BATCH - admitted);
            admitFromFile(store, fileId, rows);
            admitted += rows.size();
            if (admitted == ADMIT_BATCH) {
                break;
            }
        }
        return admitted;
    }

    private void admitFromFile(String store, long fileId, List<NewUpdate> updates) {
        var repeats = new ArrayList<SkippedRow>();
        for (NewUpdate repeat : outbox.addFromFile(store, fileId, updates)) {
            long first = outbox.firstLineInFile(fileId, store, repeat.orderId(), repeat.target());
            repeats.add(new SkippedRow(repeat.sourceLine(), repeat.orderId(), repeat.target().wireName(), "unchanged",
                    "Same order and status as line " + first + " of this file; sent once."));
        }
        files.addSkippedRows(fileId, repeats);
        // the batch holds the store's lowest waiting lines of the file, so this range
        // holds exactly the batch's rows
        jdbc.update("DELETE FROM accepted_row WHERE store_key = ? AND file_id = ? AND line BETWEEN ? AND ?", store,
                fileId, updates.get(0).sourceLine(), updates.get(updates.size() - 1).sourceLine());
    }

    private static NewUpdate toUpdate(ResultSet rs, int row) throws SQLException {
        return new NewUpdate(rs.getLong("line"), rs.getString("order_id"),
                OrderStatus.parse(rs.getString("target_status")).orElseThrow(), rs.getString("tracking_url"));
    }

}
