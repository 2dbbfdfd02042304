package io.shipsync.deadletter;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.shipsync.admin.Paging;
import io.shipsync.deadletter.DeadLetterView.FileLine;
import io.shipsync.outbox.UpdateHistory;
import io.shipsync.outbox.UpdateState;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reads the dead letters for the admin API: filtered lists, and one with its story. */
@Repository
public class DeadLetterQueries {

    private static final String COLUMNS = "id, update_id, webhook_event_id, tracked_shipment_id, store_key, order_id,"
            + " target_status, tracking_url, source, source_file_name, source_line, source_ref, attempts, reason,"
            + " created_at, replayed_at, discarded_at, discard_reason";

    private final JdbcClient jdbc;

    private final UpdateHistory history;

    private final ObjectMapper json;

    public DeadLetterQueries(JdbcClient jdbc, UpdateHistory history, ObjectMapper json) {
        this.jdbc = jdbc;
        this.history = history;
        this.json = json;
    }

    /** The dead letters the filter takes, newest first. */
    public Paging<DeadLetterView> list(DeadLetterFilter filter, int page, int size) {
        long offset = Paging.offset(page, size);
        Map<String, Object> params = new HashMap<>();
        String where = where(filter, params);
        long total = jdbc.sql("SELECT COUNT(*) FROM dead_letter" + where).params(params).query(Long.class).single();
        List<DeadLetterView> items = jdbc
            .sql("SELECT " + COLUMNS + " FROM dead_letter" + where + " ORDER BY id DESC LIMIT :limit OFFSET :offset")
            .params(params)
            .param("limit", size)
            .param("offset", offset)
            .query(DeadLetterQueries::toView)
            .list();
        return new Paging<>(items, page, size, total);
    }

    /**
     * The ids of the open dead letters the filter takes, oldest first, at most
     * {@code limit}.
     */
    public List<Long> openIds(DeadLetterFilter filter, int limit) {
        Map<String, Object> params = new HashMap<>();
        String where = where(new DeadLetterFilter(filter.store(), filter.source(), filter.orderId(), filter.reason(),
                filter.since(), filter.until(), "open"), params);
        return jdbc.sql("SELECT id FROM dead_letter" + where + " ORDER BY id LIMIT :limit")
            .params(params)
            .param("limit", limit)
            .query(Long.class)
            .list();
    }

    public Optional<DeadLetterView> find(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM dead_letter WHERE id = :id")
            .param("id", id)
            .query(DeadLetterQueries::toView)
            .optional();
    }

    /** One dead letter with its original row, event or shipment, and every attempt. */
    public Optional<DeadLetterView.Detail> detail(long id) {
        return find(id).map(letter -> {
            String lastError = jdbc.sql("SELECT last_error FROM dead_letter WHERE id = :id")
                .param("id", id)
                .query(String.class)
                .single();
            if (letter.updateId() != null) {
                return new DeadLetterView.Detail(letter, originalRow(letter), history.of(letter.updateId()), lastError,
                        updateNow(letter.updateId()));
            }
            if (letter.webhookEventId() != null) {
                return new DeadLetterView.Detail(letter, event(letter.webhookEventId()), null, lastError, null);
            }
            return new DeadLetterView.Detail(letter, shipment(letter.shipmentId()), null, lastError, null);
        });
    }

    private static Map<String, Object> originalRow(DeadLetterView letter) {
        Map<String, Object> row = new LinkedHashMap<>();
        if (letter.file() != null) {
            row.put("file", letter.file().name());
            row.put("line", letter.file().line());
        }
        row.put("store", letter.store());
        row.put("orderId", letter.orderId());
        row.put("status", letter.status());
        row.put("trackingUrl", letter.trackingUrl());
        return row;
    }

    private Map<String, Object> updateNow(long updateId) {
        return jdbc.sql("""
                SELECT id, state, attempts, replays, steps_sent, detail, last_error, updated_at
                FROM status_update WHERE id = :id""").param("id", updateId).query((rs, row) -> {
            Map<String, Object> update = new LinkedHashMap<>();
            update.put("id", rs.getLong("id"));
            update.put("state", UpdateState.valueOf(rs.getString("state")).outcome());
            update.put("attempts", rs.getInt("attempts"));
            update.put("replays", rs.getInt("replays"));
            update.put("stepsSent", rs.getString("steps_sent"));
            update.put("detail", rs.getString("detail"));
            update.put("updatedAt", instant(rs, "updated_at"));
            return update;
        }).single();
    }

    private Map<String, Object> event(long eventId) {
        return jdbc.sql("""
                SELECT event_type, payload, state, deliveries, received_at, last_received_at, detail
                FROM webhook_event WHERE id = :id""").param("id", eventId).query((rs, row) -> {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("event", rs.getString("event_type"));
            event.put("payload", parse(rs.getString("payload")));
            event.put("state", rs.getString("state").toLowerCase(Locale.ROOT));
            event.put("deliveries", rs.getInt("deliveries"));
            event.put("receivedAt", instant(rs, "received_at"));
            event.put("lastReceivedAt", instant(rs, "last_received_at"));
            event.put("detail", rs.getString("detail"));
            return event;
        }).single();
    }

    private Map<String, Object> shipment(long shipmentId) {
        return jdbc.sql("""
                SELECT courier, awb, tracking_url, state, tracking_state, courier_status, courier_time,
                       courier_location, dispatched_at, polls, last_error, detail
                FROM tracked_shipment WHERE id = :id""").param("id", shipmentId).query((rs, row) -> {
            Map<String, Object> shipment = new LinkedHashMap<>();
            shipment.put("courier", rs.getString("courier"));
            shipment.put("awb", rs.getString("awb"));
            shipment.put("trackingUrl", rs.getString("tracking_url"));
            shipment.put("state", rs.getString("state").toLowerCase(Locale.ROOT));
            shipment.put("trackingState", rs.getString("tracking_state"));
            shipment.put("courierStatus", rs.getString("courier_status"));
            shipment.put("courierTime", rs.getString("courier_time"));
            shipment.put("courierLocation", rs.getString("courier_location"));
            shipment.put("dispatchedAt", instant(rs, "dispatched_at"));
            shipment.put("polls", rs.getInt("polls"));
            shipment.put("lastError", rs.getString("last_error"));
            shipment.put("detail", rs.getString("detail"));
            return shipment;
        }).single();
    }

    private Object parse(String payload) {
        try {
            return json.readTree(payload);
        }
        catch (JsonProcessingException e) {
            return payload;
        }
    }

    private static String where(DeadLetterFilter filter, Map<String, Object> params) {
        List<String> conditions = new ArrayList<>();
        switch (filter.state()) {
            case "open" -> conditions.add("replayed_at IS NULL AND discarded_at IS NULL");
            case "replayed" -> conditions.add("replayed_at IS NOT NULL");
            case "discarded" -> conditions.add("discarded_at IS NOT NULL");
            default -> {
            }
        }
        if (DeadLetterFilter.has(filter.store())) {
            conditions.add("store_key = :store");
            params.put("store", filter.store());
        }
        if (DeadLetterFilter.has(filter.source())) {
            conditions.add("source = :source");
            params.put("source", filter.sourceColumnValue());
        }
        if (DeadLetterFilter.has(filter.orderId())) {
            // order ids are kept as the platform writes them; UUIDs in lower case
            conditions.add("(order_id = :order OR order_id = :lowerOrder)");
            params.put("order", filter.orderId().strip());
            params.put("lowerOrder", filter.orderId().strip().toLowerCase(Locale.ROOT));
        }
        if (DeadLetterFilter.has(filter.reason())) {
            conditions.add("LOWER(reason) LIKE :reason ESCAPE '\\'");
            params.put("reason",
                    "%" + filter.reason()
                        .toLowerCase(Locale.ROOT)
                        .replace("\\", "\\\\")
                        .replace("%", "\\%")
                        .replace("_", "\\_") + "%");
        }
        if (filter.since() != null) {
            conditions.add("created_at >= :since");
            params.put("since", filter.since());
        }
        if (filter.until() != null) {
            conditions.add("created_at < :until");
            params.put("until", filter.until());
        }
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    private static DeadLetterView toView(ResultSet rs, int row) throws SQLException {
        Instant replayed = instant(rs, "replayed_at");
        Instant discarded = instant(rs, "discarded_at");
        String source = rs.getString("source");
        String fileName = rs.getString("source_file_name");
        return new DeadLetterView(rs.getLong("id"),
                replayed != null ? "replayed" : discarded != null ? "discarded" : "open", rs.getString("store_key"),
                source.equals("csv") ? "file" : source, rs.getString("order_id"), rs.getString("target_status"),
                rs.getString("tracking_url"),
                fileName == null ? null : new FileLine(fileName, rs.getObject("source_line", Long.class)),
                rs.getString("source_ref"), rs.getInt("attempts"), rs.getString("reason"), instant(rs, "created_at"),
                replayed, discarded, rs.getString("discard_reason"), rs.getObject("update_id", Long.class),
                rs.getObject("webhook_event_id", Long.class), rs.getObject("tracked_shipment_id", Long.class));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime at = rs.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

}
