package io.shipsync.shipment;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A received shipment file as the admin API shows it.
 *
 * @param state ingesting, ingested, duplicate (of {@code duplicateOf}: nothing sent
 * again) or failed (with {@code failureReason})
 * @param stores the stores its rows are for
 * @param rows its data rows by outcome so far
 * @param report the result report, once every row has its outcome
 * @param eta when its rows still to send will have gone, at its stores' limits
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FileView(long id, String name, String state, Instant receivedAt, long sizeBytes, Long duplicateOf,
        String failureReason, List<String> stores, Rows rows, Progress progress, Report report, Eta eta) {

    /**
     * @param pending rows accepted and still to send (or being sent)
     */
    public record Rows(long applied, long unchanged, long rejected, long deadLetter, long pending) {

        long settled() {
            return applied + unchanged + rejected + deadLetter;
        }

        long total() {
            return settled() + pending;
        }

    }

    /** How many rows have their outcome, of all; {@code percent} rounded down. */
    public record Progress(long settled, long total, int percent) {
    }

    /** The report's file name in the reports folder, and when it was written. */
    public record Report(String name, Instant writtenAt) {
    }

    /**
     * When the file's last row still to send will have been sent: the latest of its
     * stores'.
     *
     * @param updatesAhead the updates to send before the file is done, its own included,
     * at all its stores
     */
    public record Eta(Instant finishesAt, long seconds, long updatesAhead, List<StoreEta> stores) {
    }

    /**
     * One store's part: {@code updatesAhead} at {@code maxRequests} per
     * {@code periodSeconds}.
     */
    public record StoreEta(String store, long updatesAhead, int maxRequests, long periodSeconds, Instant finishesAt) {
    }

}
