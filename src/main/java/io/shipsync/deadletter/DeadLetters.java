package io.shipsync.deadletter;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import io.shipsync.dispatch.StatusDispatcher;
import io.shipsync.dispatch.UpdateFailedException;
import io.shipsync.outbox.Outbox;
import io.shipsync.outbox.StatusUpdate;
import io.shipsync.outbox.UpdateState;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The dead-letter store: an update that failed for good is kept with its original row, source file and line,
 * attempts and last error, so a person can list, understand and replay it.
 */
@Component("deadLetters")
public class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final JdbcClient jdbc;
    private final Outbox outbox;
    private final Clock clock;

    public DeadLetters(JdbcClient jdbc, Outbox outbox, Clock clock) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** Parks the update the dead-letter channel received, with the failure that sent it there. */
    @Transactional
    public void park(@ExchangeProperty(StatusDispatcher.UPDATE_ID) Long updateId,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) {
        if (updateId == null) {
            log.error("A failure reached the dead-letter channel without an update to park", failure);
            return;
        }
        StatusUpdate update = outbox.find(updateId).orElseThrow();
        String reason = failure instanceof UpdateFailedException ? failure.getMessage()
                : "shipsync failed while sending it: " + failure;
        String technical = failure instanceof UpdateFailedException failed ? failed.technicalDetail() : failure.toString();
        jdbc.sql("""
                        INSERT INTO dead_letter (update_id, store_key, order_id, target_status, tracking_url, source,
                                                 source_file_name, source_line, attempts, reason, last_error, created_at)
                        VALUES (:update, :store, :order, :target, :url, :source,
                                (SELECT file_name FROM ingested_file WHERE id = :file), :line, :attempts, :reason,
                                :error, :now)""")
                .param("update", update.id()).param("store", update.storeKey()).param("order", update.orderId())
                .param("target", update.targetStatus().wireName()).param("url", update.trackingUrl())
                .param("source", update.source()).param("file", update.sourceFileId()).param("line", update.sourceLine())
                .param("attempts", update.attempts())
                .param("reason", reason).param("error", technical)
                .param("now", OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
                .update();
        outbox.settle(update.id(), UpdateState.DEAD, reason);
        log.warn("Dead letter: {} for order {} ({} line {}): {}", update.targetStatus(), update.orderId(),
                update.source(), update.sourceLine(), reason);
    }
}
