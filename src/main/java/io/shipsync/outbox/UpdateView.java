package io.shipsync.outbox;

import java.time.Instant;
import java.util.List;

import io.shipsync.outbox.UpdateHistory.Attempt;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A status update as the admin API shows it.
 *
 * @param state pending, sending, applied, unchanged, rejected or dead-letter
 * @param source file, webhook or courier
 * @param stepsSent the statuses already applied on the way to {@code status}
 * @param replays how often a person replayed it from a dead letter
 * @param nextAttemptAt when it is tried next, while it is pending or sending
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UpdateView(long id, String store, String orderId, String status, String trackingUrl, String source,
        SourceFile file, String sourceRef, String state, String stepsSent, int attempts, int replays,
        Instant nextAttemptAt, String lastError, String detail, Instant createdAt, Instant updatedAt) {

    public record SourceFile(long id, String name, Long line) {
    }

    /**
     * One update with its history.
     *
     * @param calls every call made for it, with its time and answer
     * @param deadLetters each time it was parked for a person
     */
    public record Detail(UpdateView update, List<Attempt> calls, List<ParkedAs> deadLetters) {
    }

    /** A dead letter of the update: open, replayed or discarded. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ParkedAs(long id, String reason, Instant createdAt, Instant replayedAt, Instant discardedAt,
            String discardReason) {
    }

}
