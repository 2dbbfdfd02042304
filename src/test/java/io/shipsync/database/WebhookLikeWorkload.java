package io.shipsync.database;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;

/**
 * What the webhook does to the H2 file, on a small scale: events keyed by a random order
 * id (a unique index, so every commit touches a random page of it) committed a few at a
 * time, and marked processed later, 50 to a transaction. Those scattered updates leave
 * every old chunk with a few live pages, which is what makes the file grow.
 */
final class WebhookLikeWorkload {

    static final int EVENTS_PER_COMMIT = 5;

    private static final String PAYLOAD = "x".repeat(900);

    private final Connection writer;

    private final PreparedStatement insert;

    private final PreparedStatement process;

    private long stored;

    private long processed;

    WebhookLikeWorkload(DataSource database) throws SQLException {
        writer = database.getConnection();
        try (Statement sql = writer.createStatement()) {
            sql.execute("""
                    CREATE TABLE IF NOT EXISTS event (id BIGINT PRIMARY KEY, order_id UUID NOT NULL UNIQUE,
                    state VARCHAR(16) NOT NULL, payload VARCHAR(1000) NOT NULL)""");
            sql.execute("CREATE INDEX IF NOT EXISTS event_pending ON event (state, id)");
        }
        writer.setAutoCommit(false);
        insert = writer.prepareStatement("INSERT INTO event VALUES (?, ?, 'PENDING', ?)");
        process = writer.prepareStatement("UPDATE event SET state = 'PROCESSED' WHERE id > ? AND id <= ?");
    }

    /** The embedded file under {@code folder}, opened as shipsync opens it. */
    static DataSource database(Path folder) {
        var database = new JdbcDataSource();
        database.setURL("jdbc:h2:file:" + folder.toAbsolutePath().resolve("shipsync")
                + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE");
        return database;
    }

    /**
     * One webhook commit of {@link #EVENTS_PER_COMMIT} events, and every tenth commit the
     * processing of 50 events.
     * @return the events committed so far
     */
    long commit() throws SQLException {
        for (int i = 0; i < EVENTS_PER_COMMIT; i++) {
            insert.setLong(1, ++stored);
            insert.setObject(2, UUID.randomUUID());
            insert.setString(3, PAYLOAD);
            insert.executeUpdate();
        }
        writer.commit();
        if (stored % (10 * EVENTS_PER_COMMIT) == 0) {
            process.setLong(1, processed);
            process.setLong(2, stored);
            process.executeUpdate();
            writer.commit();
            processed = stored;
        }
        return stored;
    }

    long processed() {
        return processed;
    }

    void close() throws SQLException {
        writer.close();
    }

}
