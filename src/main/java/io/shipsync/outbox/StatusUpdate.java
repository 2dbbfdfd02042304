package io.shipsync.outbox;

import java.time.Instant;

import io.shipsync.order.OrderStatus;

/**
 * One intended status change for one order, as the outbox holds it.
 *
 * @param sourceRef what asked for an update that did not come from a file, e.g. "webhook
 * event 17"
 * @param sendingStatus the status of the request that may be out while the update is
 * {@link UpdateState#SENDING}
 * @param stepsSent statuses already applied on the way to the target, comma separated
 * (filled-in steps)
 * @param createdAt when the update joined the outbox
 * @param giveUpReason why the update is given up once a read shows its last request did
 * not reach the platform
 */
public record StatusUpdate(long id, String storeKey, String orderId, OrderStatus targetStatus, String trackingUrl,
        String source, Long sourceFileId, Long sourceLine, String sourceRef, UpdateState state,
        OrderStatus sendingStatus, String stepsSent, int attempts, Instant nextAttemptAt, String lastError,
        Instant createdAt, String giveUpReason, int replays) {

    public boolean hasSentSteps() {
        return stepsSent != null && !stepsSent.isEmpty();
    }
}
