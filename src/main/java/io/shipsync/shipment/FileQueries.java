package io.shipsync.shipment;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
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

    public FileQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
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
        Map<Long, TreeSet<String>> stores = new HashMap<>();
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
                    stores.computeIfAbsent(file, f -> new TreeSet<>()).add(rs.getString("store_key"));
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
                    List.copyOf(stores.getOrDefault(file.id(), new TreeSet<>())), rows,
                    new FileView.Progress(rows.settled(), rows.total(), percent),
                    file.reportPath() == null ? null : new FileView.Report(
                            Path.of(file.reportPath()).getFileName().toString(), file.reportedAt())));
        }
        return views;
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
