package io.shipsync.courier;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import io.shipsync.outbox.Outbox;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The shipments shipsync follows at their courier after it moved their order to
 * dispatched.
 */
@Repository
public class TrackedShipments {

    /** One tracked shipment. */
    public record TrackedShipment(long id, String storeKey, String orderId, String trackingUrl, String courier,
            String awb, String state, Instant dispatchedAt, int polls, int consecutiveFailures) {
    }

    private static final Logger log = LoggerFactory.getLogger(TrackedShipments.class);

    private final JdbcClient jdbc;

    private final CourierCatalog couriers;

    private final CourierSyncProperties properties;

    private final Clock clock;

    public TrackedShipments(JdbcClient jdbc, CourierCatalog couriers, CourierSyncProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.couriers = couriers;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Why a shipment dispatched with this tracking link will not be followed, for the
     * update's detail.
     */
    public Optional<String> whyNotFollowed(String trackingUrl) {
        return notPolled(trackingUrl).map(why -> "Delivery is not followed: " + why + ".");
    }

    private Optional<String> notPolled(String trackingUrl) {
        Optional<CourierCatalog.Recognised> recognised = couriers.recognise(trackingUrl);
        return recognised.isEmpty() ? Optional.of("the tracking link matches no courier's tracking-url-template")
                : couriers.courier(recognised.get().courier())
                    .orElseThrow()
                    .whyNotPolled()
                    .map(why -> "courier " + recognised.get().courier() + " has " + why);
    }

    /** Starts following an order the platform confirmed as dispatched; once per order. */
    public void startTracking(String storeKey, String orderId, String trackingUrl, long dispatchUpdateId) {
        if (trackingUrl == null) {
            return;
        }
        Optional<CourierCatalog.Recognised> recognised = couriers.recognise(trackingUrl);
        Optional<String> notPolled = notPolled(trackingUrl);
        OffsetDateTime now = now();
        int added = jdbc.sql("""
                INSERT INTO tracked_shipment (store_key, order_id, tracking_url, courier, awb, dispatch_update_id,
                                              state, detail, dispatched_at, next_poll_at, created_at, updated_at)
                VALUES (:store, :order, :url, :courier, :awb, :update, :state, :detail, :now, :next, :now, :now)
                ON CONFLICT DO NOTHING""")
            .param("store", storeKey)
            .param("order", orderId)
            .param("url", trackingUrl)
            .param("courier", recognised.map(CourierCatalog.Recognised::courier).orElse(null))
            .param("awb", recognised.map(CourierCatalog.Recognised::awb).orElse(null))
            .param("update", dispatchUpdateId)
            .param("state", notPolled.isPresent() ? "NOT_POLLED" : "POLLING")
            .param("detail", notPolled.map(why -> "Not polled: " + why).orElse(null))
            .param("now", now)
            .param("next", notPolled.isPresent() ? null : now.plus(properties.firstPollAfter()))
            .update();
        if (added == 1 && notPolled.isPresent()) {
            log.info("Order {} dispatched with {}: its delivery is not followed, {}", orderId, trackingUrl,
                    notPolled.get());
        }
    }

    /**
     * Takes up to {@code limit} shipments due by {@code dueBy} and moves their next poll
     * one interval on, so that an overlapping run, or another instance, does not take
     * them too and a crash mid-poll only delays them.
     */
    @Transactional
    public List<Long> claimDue(Instant dueBy, int limit) {
        List<Long> due = jdbc.sql("""
                SELECT id FROM tracked_shipment
                WHERE state = 'POLLING' AND next_poll_at <= :dueBy
                ORDER BY state, next_poll_at, id
                LIMIT :limit
                FOR UPDATE SKIP LOCKED""")
            .param("dueBy", dueBy.atOffset(ZoneOffset.UTC))
            .param("limit", limit)
            .query(Long.class)
            .list();
        if (!due.isEmpty()) {
            jdbc.sql("UPDATE tracked_shipment SET next_poll_at = :next WHERE id IN (:ids)")
                .param("next", now().plus(properties.pollInterval()))
                .param("ids", due)
                .update();
        }
        return due;
    }

    public Optional<TrackedShipment> find(long id) {
        return jdbc.sql("""
                SELECT id, store_key, order_id, tracking_url, courier, awb, state, dispatched_at, polls,
                       consecutive_failures
                FROM tracked_shipment WHERE id = :id""").param("id", id).query(TrackedShipments::toShipment).optional();
    }

    /**
     * The courier's answer, kept for the audit trail; a successful poll ends a run of
     * failures.
     */
    public void recordAnswer(long id, TrackingAnswer.Known answer) {
        jdbc.sql("""
                UPDATE tracked_shipment
                SET tracking_state = :state, courier_status = :status, courier_time = :time,
                    courier_location = :location, polls = polls + 1, consecutive_failures = 0,
                    last_error = NULL, updated_at = :now
                WHERE id = :id""")
            .param("state", answer.state().wireName())
            .param("status", Outbox.truncate(answer.courierStatus(), 200))
            .param("time", Outbox.truncate(answer.time(), 100))
            .param("location", Outbox.truncate(answer.location(), 500))
            .param("now", now())
            .param("id", id)
            .update();
    }

    /** A failed poll: the next one waits {@code backoff} from now. */
    public void recordFailure(long id, String error, Duration backoff) {
        OffsetDateTime now = now();
        jdbc.sql("""
                UPDATE tracked_shipment
                SET polls = polls + 1, consecutive_failures = consecutive_failures + 1, last_error = :error,
                    next_poll_at = :next, updated_at = :now
                WHERE id = :id""")
            .param("error", Outbox.truncate(error, 2000))
            .param("next", now.plus(backoff))
            .param("now", now)
            .param("id", id)
            .update();
    }

    /**
     * Marks the shipment delivered, once: of two polls that both saw the delivery, only
     * the first gets true.
     */
    public boolean markDelivered(long id) {
        return jdbc.sql("""
                UPDATE tracked_shipment SET state = 'DELIVERED', next_poll_at = NULL, updated_at = :now
                WHERE id = :id AND state = 'POLLING'""").param("now", now()).param("id", id).update() == 1;
    }

    public void recordDeliveredUpdate(long id, long updateId, String detail) {
        jdbc.sql("UPDATE tracked_shipment SET delivered_update_id = :update, detail = :detail WHERE id = :id")
            .param("update", updateId)
            .param("detail", Outbox.truncate(detail, 2000))
            .param("id", id)
            .update();
    }

    /** Stops following the shipment, with the reason. */
    public void stop(long id, String state, String detail) {
        jdbc.sql("""
                UPDATE tracked_shipment SET state = :state, detail = :detail, next_poll_at = NULL, updated_at = :now
                WHERE id = :id""")
            .param("state", state)
            .param("detail", Outbox.truncate(detail, 2000))
            .param("now", now())
            .param("id", id)
            .update();
    }

    /**
     * A person asks for a parked shipment to be followed again: polled at once, its
     * failures counted afresh. A shipment past max-age is not (it would expire again at
     * once).
     * @return false when the shipment is not parked, or is expired
     */
    public boolean replay(long id) {
        return jdbc.sql("""
                UPDATE tracked_shipment
                SET state = 'POLLING', next_poll_at = :now, consecutive_failures = 0, updated_at = :now
                WHERE id = :id AND state IN ('RETURNED', 'EXCEPTION', 'FAILING')""")
            .param("now", now())
            .param("id", id)
            .update() == 1;
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    private static TrackedShipment toShipment(ResultSet rs, int row) throws SQLException {
        return new TrackedShipment(rs.getLong("id"), rs.getString("store_key"), rs.getString("order_id"),
                rs.getString("tracking_url"), rs.getString("courier"), rs.getString("awb"), rs.getString("state"),
                rs.getObject("dispatched_at", OffsetDateTime.class).toInstant(), rs.getInt("polls"),
                rs.getInt("consecutive_failures"));
    }

}
