package io.shipsync.shipment;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.shipsync.order.OrderStatus;
import io.shipsync.outbox.NewUpdate;
import io.shipsync.outbox.Outbox;
import io.shipsync.shipment.IngestedFiles.SkippedRow;
import io.shipsync.tribemade.TribeMadeProperties;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The rows of shipment files that passed validation, on their way into the outbox's dispatch queue.
 *
 * <p>A file's rows are committed here first, keyed by file and line: sequential inserts, so a million-row file is
 * taken in quickly. The outbox's index on the order id, random by nature, costs a page write per row at commit;
 * paying it all while the file is read would slow reading several times over, while the platform takes 20 updates
 * a minute anyway. So rows are admitted to the queue in file order, a batch at a time, whenever the queue runs low.
 */
@Component("acceptedRows")
public class AcceptedRows {

    /** Rows admitted at a time, and how few unsettled updates the queue may hold before more are admitted. */
    static final int ADMIT_BATCH = 1_000;

    private final JdbcTemplate jdbc;
    private final Outbox outbox;
    private final IngestedFiles files;
    private final TransactionTemplate transaction;

    public AcceptedRows(JdbcTemplate jdbc, Outbox outbox, IngestedFiles files, TransactionTemplate transaction) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.files = files;
        this.transaction = transaction;
    }

    /** Commits accepted rows of a file; call it inside the transaction that records how far the file was read. */
    public void add(long fileId, List<ShipmentRow.Accepted> rows) {
        jdbc.batchUpdate("""
                        INSERT INTO accepted_row (file_id, line, store_key, order_id, target_status, tracking_url)
                        VALUES (?, ?, ?, ?, ?, ?)""",
                rows, rows.size(), (ps, row) -> {
                    ps.setLong(1, fileId);
                    ps.setLong(2, row.line());
                    ps.setString(3, TribeMadeProperties.STORE_KEY);
                    ps.setObject(4, row.orderId());
                    ps.setString(5, row.status().wireName());
                    ps.setString(6, row.trackingUrl());
                });
    }

    /**
     * Moves the oldest accepted rows into the dispatch queue when it runs low, in one transaction per batch.
     *
     * @return how many rows were admitted
     */
    public int admit() {
        if (outbox.unsettled(TribeMadeProperties.STORE_KEY) >= ADMIT_BATCH) {
            return 0;
        }
        Integer admitted = transaction.execute(tx -> {
            List<Row> rows = jdbc.query("""
                            SELECT file_id, line, order_id, target_status, tracking_url FROM accepted_row
                            ORDER BY file_id, line LIMIT ?""", AcceptedRows::toRow, ADMIT_BATCH);
            long fileId = -1;
            var ofOneFile = new ArrayList<NewUpdate>();
            for (Row row : rows) {
                if (row.fileId() != fileId && !ofOneFile.isEmpty()) {
                    admitFromFile(fileId, ofOneFile);
                    ofOneFile.clear();
                }
                fileId = row.fileId();
                ofOneFile.add(row.update());
            }
            if (!ofOneFile.isEmpty()) {
                admitFromFile(fileId, ofOneFile);
            }
            return rows.size();
        });
        return admitted == null ? 0 : admitted;
    }

    private void admitFromFile(long fileId, List<NewUpdate> updates) {
        var repeats = new ArrayList<SkippedRow>();
        for (NewUpdate repeat : outbox.addFromFile(TribeMadeProperties.STORE_KEY, fileId, updates)) {
            long first = outbox.firstLineInFile(fileId, repeat.orderId(), repeat.target());
            repeats.add(new SkippedRow(repeat.sourceLine(), repeat.orderId().toString(), repeat.target().wireName(),
                    "unchanged", "Same order and status as line " + first + " of this file; sent once."));
        }
        files.addSkippedRows(fileId, repeats);
        // the batch holds the file's lowest waiting lines, so this range holds exactly the batch's rows
        jdbc.update("DELETE FROM accepted_row WHERE file_id = ? AND line BETWEEN ? AND ?", fileId,
                updates.get(0).sourceLine(), updates.get(updates.size() - 1).sourceLine());
    }

    private record Row(long fileId, NewUpdate update) {
    }

    private static Row toRow(ResultSet rs, int row) throws SQLException {
        return new Row(rs.getLong("file_id"), new NewUpdate(rs.getLong("line"), rs.getObject("order_id", UUID.class),
                OrderStatus.parse(rs.getString("target_status")).orElseThrow(), rs.getString("tracking_url")));
    }
}
