package io.shipsync.shipment;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import io.shipsync.admin.Paging;
import io.shipsync.store.Store;
import io.shipsync.store.Stores;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads the received files for the admin API, each with its rows counted by outcome: the
 * rows in the outbox by state, the rows refused or repeated in the file, and the rows
 * accepted but not yet in the outbox; a dry run's rows by would-be outcome.
 */
@Repository
public class FileQueries {

    private final JdbcClient jdbc;

    private final Stores stores;

    private final Clock clock;

    public FileQueries(JdbcClient jdbc, Stores stores, Clock clock) {
        this.jdbc = jdbc;
        this.stores = stores;
        this.clock = clock;
    }

    /**
     * The received files, newest first: the real files, or the dry runs
     * ({@code *.check.csv}).
     */
    public Paging<FileView> list(boolean dryRun, int page, int size) {
        long offset = Paging.offset(page, size);
        long total = jdbc.sql("SELECT COUNT(*) FROM ingested_file WHERE dry_run = :dryRun")
            .param("dryRun", dryRun)
            .query(Long.class)
            .single();
        List<FileRow> files = jdbc
            .sql("SELECT * FROM ingested_file WHERE dry_run = :dryRun ORDER BY id DESC LIMIT :limit OFFSET :offset")
            .param("dryRun", dryRun)
            .param("limit", size)
            .param("offset", offset)
            .query(FileQueries::toRow)
            .list();
        return new Paging<>(withCounts(files), page, size, total);
    }

    public Optional<FileView> find(long id) {
        return jdbc.sql("SELECT * FROM ingested_file WHERE id = :id")
            .param("id", id)
            .query(FileQueries::toRow)
            .optional()
            .map(file -> withCounts(List.of(file)).get(0));
    }

    private List<FileView> withCounts(List<FileRow> files) {
        if (files.isEmpty()) {
            return List.of();
        }
        List<Long> ids = files.stream().map(FileRow::id).toList();
        Map<Long, Map<String, Long>> counts = new HashMap<>();
        Map<Long, TreeSet<String>> storesOf = new HashMap<>();
        jdbc.sql("""
                SELECT source_file_id AS file, store_key, state AS outcome, COUNT(*) AS n FROM status_update
                WHERE source_file_id IN (:ids) GROUP BY source_file_id, store_key, state
                UNION ALL
                SELECT file_id, store_key, 'PENDING', COUNT(*) FROM accepted_row
                WHERE file_id IN (:ids) GROUP BY file_id, store_key
                UNION ALL
                SELECT file_id, NULL, UPPER(outcome), COUNT(*) FROM skipped_row
                WHERE file_id IN (:ids) GROUP BY file_id, outcome
                UNION ALL
                SELECT file_id, store_key, UPPER(outcome), COUNT(*) FROM checked_row
                WHERE file_id IN (:ids) GROUP BY file_id, store_key, outcome""")
            .param("ids", ids)
            .query((ResultSet rs) -> {
                long file = rs.getLong("file");
                counts.computeIfAbsent(file, f -> new HashMap<>())
                    .merge(rs.getString("outcome"), rs.getLong("n"), Long::sum);
                if (rs.getString("store_key") != null) {
                    storesOf.computeIfAbsent(file, f -> new TreeSet<>()).add(rs.getString("store_key"));
                }
            });
        List<FileView> views = new ArrayList<>();
        for (FileRow file : files) {
            Map<String, Long> of = counts.getOrDefault(file.id(), Map.of());
            var rows = new FileView.Rows(of.getOrDefault("APPLIED", 0L), of.getOrDefault("WOULD-APPLY", 0L),
                    of.getOrDefault("UNCHANGED", 0L), of.getOrDefault("REJECTED", 0L), of.getOrDefault("DEAD", 0L),
                    of.getOrDefault("PENDING", 0L) + of.getOrDefault("SENDING", 0L));
            int percent = rows.total() == 0 ? 100 : (int) (rows.settled() * 100 / rows.total());
            views.add(new FileView(file.id(), file.name(), file.dryRun(), file.state().toLowerCase(Locale.ROOT),
                    file.receivedAt(), file.sizeBytes(), file.duplicateOf(), file.failureReason(),
                    List.copyOf(storesOf.getOrDefault(file.id(), new TreeSet<>())), rows,
                    new FileView.Progress(rows.settled(), rows.total(), percent),
                    file.reportPath() == null ? null : new FileView.Report(
                            Path.of(file.reportPath()).getFileName().toString(), file.reportedAt()),
                    rows.pending() == 0 ? null : eta(file.id())));
        }
        return views;
    }

    /** The report's path, once it is written. */
    public Optional<Path> reportOf(long id) {
        return jdbc.sql("SELECT report_path FROM ingested_file WHERE id = :id")
            .param("id", id)
            .query(String.class)
            .optional()
            .map(Path::of);
    }

    /**
     * When the file's rows still to send will have gone: for each store, the updates
     * ahead of its last one in that store's queue (its own included), at the store's
     * limit. Rows still waiting to join the outbox join it behind everything already
     * there, in file order; rows already in it are behind the updates with smaller ids.
     */
    private FileView.Eta eta(long fileId) {
        Instant now = clock.instant();
        List<FileView.StoreEta> parts = new ArrayList<>();
        for (String storeName : jdbc.sql("""
                SELECT store_key FROM status_update
                WHERE source_file_id = :file AND state IN ('PENDING', 'SENDING')
                UNION SELECT store_key FROM accepted_row WHERE file_id = :file""")
            .param("file", fileId)
            .query(String.class)
            .list()) {
            Optional<Store> store = stores.find(storeName);
            if (store.isEmpty()) {
                // a store no longer configured sends nothing: there is no time to give
                continue;
            }
            long ahead = updatesAhead(fileId, storeName);
            Store.Limit limit = store.get().statusUpdates();
            parts.add(new FileView.StoreEta(storeName, ahead, limit.maxRequests(), limit.period().toSeconds(),
                    now.plus(limit.timeFor(ahead))));
        }
        if (parts.isEmpty()) {
            return null;
        }
        Instant finishesAt = parts.stream().map(FileView.StoreEta::finishesAt).max(Instant::compareTo).orElseThrow();
        return new FileView.Eta(finishesAt, Duration.between(now, finishesAt).toSeconds(),
                parts.stream().mapToLong(FileView.StoreEta::updatesAhead).sum(), parts);
    }

    private long updatesAhead(long fileId, String store) {
        boolean stillJoining = jdbc
            .sql("SELECT COUNT(*) FROM accepted_row WHERE file_id = :file AND store_key = :store")
            .param("file", fileId)
            .param("store", store)
            .query(Long.class)
            .single() > 0;
        if (stillJoining) {
            return jdbc.sql("""
                    SELECT (SELECT COUNT(*) FROM status_update
                            WHERE store_key = :store AND state IN ('PENDING', 'SENDING'))
                         + (SELECT COUNT(*) FROM accepted_row WHERE store_key = :store AND file_id <= :file)""")
                .param("store", store)
                .param("file", fileId)
                .query(Long.class)
                .single();
        }
        return jdbc.sql("""
                SELECT COUNT(*) FROM status_update
                WHERE store_key = :store AND state IN ('PENDING', 'SENDING')
                  AND created_at <= (SELECT MAX(created_at) FROM status_update
                                     WHERE source_file_id = :file AND store_key = :store
                                       AND state IN ('PENDING', 'SENDING'))""")
            .param("store", store)
            .param("file", fileId)
            .query(Long.class)
            .single();
    }

    private record FileRow(long id, String name, boolean dryRun, String state, Instant receivedAt, long sizeBytes,
            Long duplicateOf, String failureReason, String reportPath, Instant reportedAt) {
    }

    private static FileRow toRow(ResultSet rs, int row) throws SQLException {
        OffsetDateTime reported = rs.getObject("reported_at", OffsetDateTime.class);
        return new FileRow(rs.getLong("id"), rs.getString("file_name"), rs.getBoolean("dry_run"), rs.getString("state"),
                rs.getObject("received_at", OffsetDateTime.class).toInstant(), rs.getLong("size_bytes"),
                rs.getObject("duplicate_of", Long.class), rs.getString("failure_reason"), rs.getString("report_path"),
                reported == null ? null : reported.toInstant());
    }

}
