package io.shipsync.shipment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import io.shipsync.ShipsyncProperties;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * DOWN in {@code /actuator/health} when the inbox cannot take shipment files, with its
 * path and the reason. The file consumer creates the folder as it starts (Camel's
 * {@code autoCreate}), and never again: a folder missing later was removed or its share
 * unmounted, and Camel then polls nothing without a word until a restart. It is reported,
 * not created again, because a new empty folder would hide that the warehouse's files now
 * land somewhere else.
 */
@Component("inbox")
class InboxHealthIndicator implements HealthIndicator {

    private final Path inbox;

    InboxHealthIndicator(ShipsyncProperties paths) {
        this.inbox = paths.inbox().toAbsolutePath().normalize();
    }

    @Override
    public Health health() {
        return problem().map(reason -> Health.down().withDetail("reason", reason))
            .orElseGet(Health::up)
            .withDetail("path", inbox.toString())
            .build();
    }

    private Optional<String> problem() {
        if (!Files.exists(inbox)) {
            return Optional.of("the folder does not exist (it was removed, or its share is not mounted): "
                    + "files dropped there are not read until it is created again");
        }
        if (!Files.isDirectory(inbox)) {
            return Optional.of("it is not a folder");
        }
        if (!Files.isReadable(inbox)) {
            return Optional.of("shipsync may not read it: the files in it are not seen");
        }
        if (!Files.isWritable(inbox)) {
            // a file read is moved out of the inbox, to the archive or the failed folder
            return Optional.of("shipsync may not write to it: files read cannot be moved out of it");
        }
        return Optional.empty();
    }

}
