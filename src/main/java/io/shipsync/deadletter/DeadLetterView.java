package io.shipsync.deadletter;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.shipsync.outbox.UpdateHistory.Attempt;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A dead letter as the admin API shows it.
 *
 * @param state open (waiting for a person), replayed or discarded
 * @param source file, webhook or courier
 * @param file the shipment file and line the update came from, for a file's row
 * @param sourceRef what else it came from, e.g. "webhook event 17"
 * @param attempts how many attempts the update (or polls the shipment) had when it was
 * parked
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadLetterView(long id, String state, String store, String source, String orderId, String status,
        String trackingUrl, FileLine file, String sourceRef, int attempts, String reason, Instant createdAt,
        Instant replayedAt, Instant discardedAt, String discardReason, Long updateId, Long webhookEventId,
        Long shipmentId) {

    public record FileLine(String name, Long line) {
    }

    /**
     * One dead letter with what a person needs to decide: the original row or event,
     * every attempt and the last error.
     *
     * @param original the row as shipsync read it, the event as received (without
     * personal data) or the shipment as its courier last told it
     * @param calls each call made for the update, with its time and answer (updates only)
     * @param lastError the technical detail of the last failure
     * @param update the update's state now, for an update
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Detail(DeadLetterView deadLetter, Map<String, Object> original, List<Attempt> calls, String lastError,
            Map<String, Object> update) {
    }

}
