package io.shipsync;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where shipsync reads and writes files.
 *
 * @param inbox the drop folder the warehouse writes shipment files to
 * @param dataDir the database, archived and failed files and result reports live under
 * here
 */
@ConfigurationProperties("shipsync")
public record ShipsyncProperties(@DefaultValue("data/inbox") Path inbox, @DefaultValue("data") Path dataDir) {

    public Path archiveDir() {
        return dataDir.resolve("archive").toAbsolutePath().normalize();
    }

    public Path failedDir() {
        return dataDir.resolve("failed").toAbsolutePath().normalize();
    }

    public Path reportsDir() {
        return dataDir.resolve("reports").toAbsolutePath().normalize();
    }
}
