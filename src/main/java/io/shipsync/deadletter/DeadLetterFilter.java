package io.shipsync.deadletter;

import java.time.OffsetDateTime;
import java.util.Locale;

import io.shipsync.admin.ApiProblem;

/**
 * Which dead letters a list or a bulk replay takes; every part is optional.
 *
 * @param state open (the default), replayed, discarded or all
 * @param source file, webhook or courier
 * @param orderId one order's dead letters
 * @param reason words the reason contains, in any case
 * @param since parked at or after
 * @param until parked before
 */
public record DeadLetterFilter(String store, String source, String orderId, String reason, OffsetDateTime since,
        OffsetDateTime until, String state) {

    public DeadLetterFilter {
        state = state == null || state.isBlank() ? "open" : state.toLowerCase(Locale.ROOT);
        if (!state.matches("open|replayed|discarded|all")) {
            throw ApiProblem.badRequest("state must be open, replayed, discarded or all");
        }
        if (source != null && !source.isBlank() && !source.toLowerCase(Locale.ROOT).matches("file|webhook|courier")) {
            throw ApiProblem.badRequest("source must be file, webhook or courier");
        }
        if (since != null && until != null && !since.isBefore(until)) {
            throw ApiProblem.badRequest("since must be before until");
        }
    }

    /** Whether anything narrows the filter beyond the state. */
    public boolean narrows() {
        return has(store) || has(source) || has(orderId) || has(reason) || since != null || until != null;
    }

    /** The source as the outbox writes it: a file's rows are "csv" there. */
    String sourceColumnValue() {
        String lower = source.toLowerCase(Locale.ROOT);
        return lower.equals("file") ? "csv" : lower;
    }

    static boolean has(String text) {
        return text != null && !text.isBlank();
    }

}
