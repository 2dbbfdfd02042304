package io.shipsync.outbox;

import java.util.Locale;

/** Where a status update is in its life; see ARCHITECTURE.md "An update's life". */
public enum UpdateState {

    /** Waiting for its turn (or for its next attempt). */
    PENDING,
    /**
     * A request may have reached the platform without its answer being recorded: verify
     * before sending again.
     */
    SENDING, APPLIED, UNCHANGED, REJECTED, DEAD;

    public boolean isFinal() {
        return this != PENDING && this != SENDING;
    }

    /** The word the result report uses. */
    public String outcome() {
        return this == DEAD ? "dead-letter" : name().toLowerCase(Locale.ROOT);
    }

}
