package io.shipsync.outbox;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import io.shipsync.ShipsyncProperties;
import io.shipsync.order.OrderStatus;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The audit trail of each update: every call made for it and what the platform answered,
 * kept through retries and replays, so a person can see why an update ended where it did.
 */
@Repository
public class UpdateHistory {

    /**
     * One call for an update.
     *
     * @param call {@code read-order}, or {@code send} with the status sent
     * @param outcome the answer's kind (see {@code PlatformAnswer.Outcome#kind})
     * @param answer the answer in a person's words
     * @param instance the instance that made the call
     */
    public record Attempt(Instant at, String call, OrderStatus status, String outcome, String answer, String instance) {
    }

    private final JdbcClient jdbc;

    private final Clock clock;

    private final String instanceId;

    public UpdateHistory(JdbcClient jdbc, Clock clock, ShipsyncProperties shipsync) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.instanceId = shipsync.instanceId();
    }

    /**
     * Records a call's answer, in the caller's transaction when there is one.
     * @param sent the status sent; null for an order read
     */
    public void record(long updateId, OrderStatus sent, String outcome, String answer) {
        jdbc.sql("""
                INSERT INTO update_attempt (update_id, called_at, request, status, outcome, answer, instance_id)
                VALUES (:update, :at, :call, :status, :outcome, :answer, :instance)""")
            .param("update", updateId)
            .param("at", OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
            .param("call", sent == null ? "read-order" : "send")
            .param("status", sent == null ? null : sent.wireName())
            .param("outcome", outcome)
            .param("answer", Outbox.truncate(answer, 2000))
            .param("instance", instanceId)
            .update();
    }

    /** The update's calls, first first. */
    public List<Attempt> of(long updateId) {
        return jdbc
            .sql("SELECT called_at, request, status, outcome, answer, instance_id FROM update_attempt"
                    + " WHERE update_id = :update ORDER BY id")
            .param("update", updateId)
            .query((rs, row) -> new Attempt(rs.getObject("called_at", OffsetDateTime.class).toInstant(),
                    rs.getString("request"),
                    rs.getString("status") == null ? null : OrderStatus.parse(rs.getString("status")).orElseThrow(),
                    rs.getString("outcome"), rs.getString("answer"), rs.getString("instance_id")))
            .list();
    }

}
