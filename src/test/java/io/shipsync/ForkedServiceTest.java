package io.shipsync;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;

import io.shipsync.TestDatabase.Database;
import io.shipsync.sandbox.TribeMadeSandbox;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test of the service in a JVM of its own ({@link ForkedService}) against a sandbox in
 * the test's JVM, with a data folder of its own; both are stopped after each test.
 */
public abstract class ForkedServiceTest {

    @TempDir
    protected Path dataDir;

    protected TribeMadeSandbox platform;

    protected ForkedService service;

    @AfterEach
    void stopServiceAndPlatform() throws InterruptedException {
        if (service != null) {
            service.kill();
        }
        if (platform != null) {
            platform.stop();
        }
    }

    /** Reads a number from the service's database, once the service no longer runs. */
    protected long query(String sql) throws SQLException {
        try (var connection = connectToDatabase(); var result = connection.createStatement().executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    /**
     * A connection to the service's database, once the service no longer runs: the
     * service's own URL for its embedded file (WRITE_DELAY=0 and all), or its PostgreSQL
     * database in that test pass.
     */
    protected Connection connectToDatabase() throws SQLException {
        Database database = TestDatabase.isPostgresql() ? TestDatabase.forDataDir(dataDir) : new Database(
                DatabaseConfiguration.EMBEDDED_URL.formatted(dataDir.toAbsolutePath().normalize().resolve("shipsync")),
                "", "");
        return DriverManager.getConnection(database.url(), database.username(), database.password());
    }

    /**
     * Starts the sandbox with these limits per window and one store that accepts
     * {@code apiKey}.
     */
    protected TribeMadeSandbox startPlatform(String apiKey, UUID store, int updates, int reads, Duration window)
            throws IOException {
        platform = TribeMadeSandbox.builder().updateLimit(updates, window).readLimit(reads, window).build().start();
        platform.addStore(apiKey, store);
        return platform;
    }

}
