package io.shipsync.deadletter;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import io.shipsync.admin.ApiProblem;
import io.shipsync.courier.TrackedShipments;
import io.shipsync.outbox.Outbox;
import io.shipsync.webhook.WebhookEvents;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * What a person does with a dead letter: replay it (the update, event or shipment goes
 * back to work, through the state rules and the throttle like anything else) or discard
 * it with a reason (kept, shown, never sent). A dead letter is closed by the first of
 * these, in one conditional update: replaying twice, even at the same moment, sends once.
 */
@Service
public class DeadLetterActions {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterActions.class);

    private final JdbcClient jdbc;

    private final DeadLetterQueries queries;

    private final Outbox outbox;

    private final WebhookEvents events;

    private final TrackedShipments shipments;

    private final Clock clock;

    public DeadLetterActions(JdbcClient jdbc, DeadLetterQueries queries, Outbox outbox, WebhookEvents events,
            TrackedShipments shipments, Clock clock) {
        this.jdbc = jdbc;
        this.queries = queries;
        this.outbox = outbox;
        this.events = events;
        this.shipments = shipments;
        this.clock = clock;
    }

    /**
     * Sends the dead letter's update, event or shipment back to work.
     * @throws ApiProblem not found, or a conflict when it is not open or its update,
     * event or shipment is no longer parked
     */
    @Transactional
    public DeadLetterView replay(long id) {
        DeadLetterView letter = close(id, "replayed_at = :now", null);
        boolean resumed;
        if (letter.updateId() != null) {
            resumed = outbox.replay(letter.updateId(), "Replayed from dead letter " + id + ".");
        }
        else if (letter.webhookEventId() != null) {
            resumed = events.replay(letter.webhookEventId());
        }
        else {
            resumed = shipments.replay(letter.shipmentId());
        }
        if (!resumed) {
            // rolls the dead letter's closing back with it
            throw ApiProblem.conflict("Dead letter "
                    + id + " cannot be replayed: its " + what(letter) + (letter.shipmentId() != null
                            ? " is no longer parked, or is past courier-sync.max-age" : " is no" + " longer parked")
                    + ".");
        }
        log.info("Dead letter {} replayed: {} for order {} of store {} is back to work", id, what(letter),
                letter.orderId(), letter.store());
        return queries.find(id).orElseThrow();
    }

    /** Closes the dead letter without sending anything, with the person's reason. */
    @Transactional
    public DeadLetterView discard(long id, String reason) {
        if (reason == null || reason.isBlank()) {
            throw ApiProblem.badRequest("reason is missing: say why the dead letter is discarded");
        }
        if (reason.length() > 1000) {
            throw ApiProblem.badRequest("reason may be at most 1000 characters");
        }
        DeadLetterView letter = close(id, "discarded_at = :now, discard_reason = :reason", reason.strip());
        log.info("Dead letter {} discarded ({} for order {} of store {}): {}", id, what(letter), letter.orderId(),
                letter.store(), reason.strip());
        return queries.find(id).orElseThrow();
    }

    private DeadLetterView close(long id, String assignments, String reason) {
        DeadLetterView letter = queries.find(id)
            .orElseThrow(() -> ApiProblem.notFound("There is no dead letter " + id + "."));
        int closed = jdbc
            .sql("UPDATE dead_letter SET " + assignments
                    + " WHERE id = :id AND replayed_at IS NULL AND discarded_at IS NULL")
            .param("now", OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
            .param("reason", reason)
            .param("id", id)
            .update();
        if (closed == 0) {
            DeadLetterView now = queries.find(id).orElseThrow();
            throw ApiProblem
                .conflict(
                        "Dead letter " + id + " is not open: it was "
                                + (now.replayedAt() != null ? "replayed at " + now.replayedAt()
                                        : "discarded at " + now.discardedAt() + " (" + now.discardReason() + ")")
                                + ".");
        }
        return letter;
    }

    private static String what(DeadLetterView letter) {
        return letter.updateId() != null ? "status update " + letter.updateId() : letter.webhookEventId() != null
                ? "webhook event " + letter.webhookEventId() : "shipment " + letter.shipmentId();
    }

}
