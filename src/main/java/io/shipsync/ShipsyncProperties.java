package io.shipsync;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.UUID;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where shipsync reads and writes files, and which instance this is.
 *
 * @param inbox the drop folder the warehouse writes shipment files to
 * @param dataDir the database, archived and failed files and result reports live under
 * here
 * @param instanceId this instance's name among several sharing one database; when empty,
 * the host name and a random suffix, new at every start
 */
@ConfigurationProperties("shipsync")
public record ShipsyncProperties(@DefaultValue("data/inbox") Path inbox, @DefaultValue("data") Path dataDir,
        String instanceId) {

    public ShipsyncProperties {
        if (instanceId == null || instanceId.isBlank()) {
            instanceId = hostName() + "-" + UUID.randomUUID().toString().substring(0, 8);
        }
    }

    public Path archiveDir() {
        return dataDir.resolve("archive").toAbsolutePath().normalize();
    }

    public Path failedDir() {
        return dataDir.resolve("failed").toAbsolutePath().normalize();
    }

    public Path reportsDir() {
        return dataDir.resolve("reports").toAbsolutePath().normalize();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        }
        catch (UnknownHostException ex) {
            return "shipsync";
        }
    }

}
