package io.shipsync.shipment;

import java.time.Instant;

/**
 * A shipment file shipsync received, and how far it got.
 *
 * @param dryRun a file dropped as {@code <name>.check.csv}: checked and reported, never
 * sent
 */
public record IngestedFile(long id, String fileName, String checksum, Instant receivedAt, State state, Long duplicateOf,
        long linesCommitted, String archivedAs, boolean dryRun) {

    public enum State {

        /**
         * Rows are being read and committed; a restart resumes after
         * {@code linesCommitted}.
         */
        INGESTING,
        /** Every row is in the outbox or refused. */
        INGESTED,
        /** A dry run: every row has its would-be outcome; nothing of it is sent. */
        CHECKED,
        /** The same content as {@code duplicateOf}; nothing of it is sent again. */
        DUPLICATE,
        /**
         * Unreadable as a shipment CSV, or taking it in kept failing; moved whole to the
         * failed folder.
         */
        FAILED

    }

    /** The first file with this content. */
    public long originalId() {
        return duplicateOf != null ? duplicateOf : id;
    }
}
