package io.shipsync.shipment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import io.shipsync.ShipsyncProperties;

import org.springframework.stereotype.Component;

/**
 * Files whose reading was interrupted (by a stop or a crash) and that were then taken out
 * of the inbox, so that no instance will ever finish them. Their rows were committed but
 * are admitted to the outbox only once a file is read to its end; without this they would
 * wait for ever, unsent and unreported. Such a file is given up: its rows are discarded,
 * nothing of it is sent, and a reason file in the failed folder says so, because a person
 * who takes a file back out of the inbox may well not want it sent.
 *
 * <p>
 * A file counts as abandoned when it is not in the inbox and no reading has committed a
 * row of it for {@code shipsync.shipment-files.abandoned-after}: a file being read is in
 * the inbox until it is finished, and a reading commits a batch every fraction of a
 * second, also when someone deletes the file under it. Called by one instance at a time
 * ({@code master:} in {@code routes/shipment-files.camel.yaml}); what it has seen is kept
 * between calls, so an instance taking over starts looking afresh.
 */
@Component("abandonedFiles")
public class AbandonedFiles {

    /**
     * An unfinished file seen missing from the inbox with this many lines committed,
     * first at {@code since}.
     */
    record Missing(long linesCommitted, Instant since) {

        /**
         * Whether the file, now missing with {@code linesNow} committed, is abandoned;
         * otherwise what to remember of it.
         */
        Missing seenAgain(long linesNow, Instant now) {
            return linesNow == linesCommitted ? this : new Missing(linesNow, now);
        }

        boolean abandoned(Instant now, Duration after) {
            return !since.plus(after).isAfter(now);
        }

    }

    private final IngestedFiles files;

    private final ShipsyncProperties paths;

    private final ShipmentFileProperties properties;

    private final FileOutcomes outcomes;

    private final Clock clock;

    private Map<Long, Missing> missing = Map.of();

    AbandonedFiles(IngestedFiles files, ShipsyncProperties paths, ShipmentFileProperties properties,
            FileOutcomes outcomes, Clock clock) {
        this.files = files;
        this.paths = paths;
        this.properties = properties;
        this.outcomes = outcomes;
        this.clock = clock;
    }

    /** Looks at the unfinished files once, and gives up those abandoned. */
    public void giveUpAbandoned() throws IOException {
        Instant now = clock.instant();
        var stillMissing = new HashMap<Long, Missing>();
        for (IngestedFile file : files.unfinished()) {
            if (Files.exists(paths.inbox().resolve(file.fileName()))) {
                continue;
            }
            Missing seen = missing.containsKey(file.id()) ? missing.get(file.id()).seenAgain(file.linesCommitted(), now)
                    : new Missing(file.linesCommitted(), now);
            if (!seen.abandoned(now, properties.abandonedAfter()) || !giveUp(file)) {
                stillMissing.put(file.id(), seen);
            }
        }
        missing = stillMissing;
    }

    private boolean giveUp(IngestedFile file) throws IOException {
        String name = file.fileName();
        String reason = name + " was taken out of the inbox before shipsync had read it to the end (after line "
                + file.linesCommitted() + ").";
        if (!files.giveUpUnfinished(file.id(), file.linesCommitted(), reason)) {
            // finished, or read further, since it was looked up
            return false;
        }
        Path reasonFile = paths.failedDir().resolve(ReceivedFileName.of(file).unique(name) + ".reason.txt");
        Files.createDirectories(reasonFile.getParent());
        Files.writeString(reasonFile, """
                shipsync had not finished reading %s (received %s) when it was taken out of the inbox: \
                shipsync stopped or restarted while reading it, after line %d, and the file was gone when it \
                came back to it.

                %s
                """.formatted(name, file.receivedAt(), file.linesCommitted(),
                file.dryRun() ? "This was a dry run, which sends nothing. To check it, drop it into the inbox again."
                        : "Nothing from this file was sent: its rows join the queue only once the whole file is "
                                + "read. To send it, drop it into the inbox again."));
        outcomes.abandoned(file.id(), name, file.linesCommitted(), reasonFile);
        return true;
    }

}
