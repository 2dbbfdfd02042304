package io.shipsync.outbox;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.shipsync.admin.ApiProblem;
import io.shipsync.admin.Paging;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads the outbox for the admin API: filtered lists, and one update with its history.
 */
@Repository
public class UpdateQueries {

    private static final String COLUMNS = """
            u.id, u.store_key, u.order_id, u.target_status, u.tracking_url, u.source, u.source_file_id,
            u.source_line, u.source_ref, u.state, u.steps_sent, u.attempts, u.replays, u.next_attempt_at,
            u.last_error, u.detail, u.created_at, u.updated_at, f.file_name""";

    private static final String FROM = " FROM status_update u LEFT JOIN ingested_file f ON f.id = u.source_file_id";

    private final JdbcClient jdbc;

    private final UpdateHistory history;

    public UpdateQueries(JdbcClient jdbc, UpdateHistory history) {
        this.jdbc = jdbc;
        this.history = history;
    }

    /**
     * The updates the filter takes, newest first.
     * @param state pending, sending, applied, unchanged, rejected or dead-letter
     */
    public Paging<UpdateView> list(String state, String store, String orderId, Long fileId, int page, int size) {
        long offset = Paging.offset(page, size);
        List<String> conditions = new ArrayList<>();
        Map<String, Object> params = new HashMap<>();
        if (state != null && !state.isBlank()) {
            conditions.add("u.state = :state");
            params.put("state", stateColumnValue(state));
        }
        if (store != null && !store.isBlank()) {
            conditions.add("u.store_key = :store");
            params.put("store", store);
        }
        if (orderId != null && !orderId.isBlank()) {
            // order ids are kept as the platform writes them; UUIDs in lower case
            conditions.add("(u.order_id = :order OR u.order_id = :lowerOrder)");
            params.put("order", orderId.strip());
            params.put("lowerOrder", orderId.strip().toLowerCase(Locale.ROOT));
        }
        if (fileId != null) {
            conditions.add("u.source_file_id = :file");
            params.put("file", fileId);
        }
        String where = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        long total = jdbc.sql("SELECT COUNT(*)" + FROM + where).params(params).query(Long.class).single();
        List<UpdateView> items = jdbc
            .sql("SELECT " + COLUMNS + FROM + where
                    + " ORDER BY u.created_at DESC, u.id DESC LIMIT :limit OFFSET :offset")
            .params(params)
            .param("limit", size)
            .param("offset", offset)
            .query(UpdateQueries::toView)
            .list();
        return new Paging<>(items, page, size, total);
    }

    public Optional<UpdateView.Detail> detail(long id) {
        return jdbc.sql("SELECT " + COLUMNS + FROM + " WHERE u.id = :id")
            .param("id", id)
            .query(UpdateQueries::toView)
            .optional()
            .map(update -> new UpdateView.Detail(update, history.of(id), deadLetters(id)));
    }

    private List<UpdateView.ParkedAs> deadLetters(long updateId) {
        return jdbc.sql("""
                SELECT id, reason, created_at, replayed_at, discarded_at, discard_reason
                FROM dead_letter WHERE update_id = :update ORDER BY id""")
            .param("update", updateId)
            .query((rs, row) -> new UpdateView.ParkedAs(rs.getLong("id"), rs.getString("reason"),
                    instant(rs, "created_at"), instant(rs, "replayed_at"), instant(rs, "discarded_at"),
                    rs.getString("discard_reason")))
            .list();
    }

    private static String stateColumnValue(String state) {
        return Arrays.stream(UpdateState.values())
            .filter(each -> each.outcome().equalsIgnoreCase(state.strip()))
            .findFirst()
            .orElseThrow(() -> ApiProblem
                .badRequest("state must be pending, sending, applied, unchanged, rejected or dead-letter"))
            .name();
    }

    private static UpdateView toView(ResultSet rs, int row) throws SQLException {
        UpdateState state = UpdateState.valueOf(rs.getString("state"));
        Long fileId = rs.getObject("source_file_id", Long.class);
        String source = rs.getString("source");
        return new UpdateView(rs.getLong("id"), rs.getString("store_key"), rs.getString("order_id"),
                rs.getString("target_status"), rs.getString("tracking_url"), source.equals("csv") ? "file" : source,
                fileId == null ? null
                        : new UpdateView.SourceFile(fileId, rs.getString("file_name"),
                                rs.getObject("source_line", Long.class)),
                rs.getString("source_ref"), state.outcome(), rs.getString("steps_sent"), rs.getInt("attempts"),
                rs.getInt("replays"), state.isFinal() ? null : instant(rs, "next_attempt_at"),
                rs.getString("last_error"), rs.getString("detail"), instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime at = rs.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

}
