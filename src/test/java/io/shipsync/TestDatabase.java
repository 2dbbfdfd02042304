package io.shipsync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The database the tests run shipsync on. By default none is chosen here: shipsync makes
 * its embedded H2 file under {@code shipsync.data-dir}. With
 * {@code -Dshipsync.test.database=postgresql} (the build's second test pass), a real
 * PostgreSQL: one embedded server per test JVM, started on first use and stopped when the
 * JVM ends, holding one database per data folder. The name of that database follows from
 * the folder's path, so a service restarted on the same folder, in this JVM or a forked
 * one, finds its state again, and each test class, which gets a fresh folder, starts
 * empty.
 */
public final class TestDatabase {

    /** The system property that chooses the database: {@code postgresql}, or H2. */
    public static final String SELECTION = "shipsync.test.database";

    /**
     * shipsync connects as an ordinary role that owns its database, as in production, so
     * that nothing it does relies on a superuser's rights.
     */
    private static final String ROLE = "shipsync";

    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    private static EmbeddedPostgres server;

    private TestDatabase() {
    }

    /** Whether this test run puts shipsync on PostgreSQL rather than on H2. */
    public static boolean isPostgresql() {
        return "postgresql".equalsIgnoreCase(System.getProperty(SELECTION, ""));
    }

    /**
     * The PostgreSQL database of the service whose {@code shipsync.data-dir} this is,
     * created on first use.
     */
    public static Database forDataDir(Path dataDir) {
        return forDatabase(databaseName(dataDir));
    }

    /**
     * A PostgreSQL database by name, created on first use: for services in separate data
     * folders that share one database, as several instances of shipsync do.
     * @param name lower case letters, digits and underscores, starting with a letter
     */
    public static synchronized Database forDatabase(String name) {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        EmbeddedPostgres postgres = server();
        JdbcClient admin = JdbcClient.create(postgres.getPostgresDatabase());
        boolean exists = admin.sql("SELECT COUNT(*) FROM pg_database WHERE datname = ?")
            .param(name)
            .query(Long.class)
            .single() > 0;
        if (!exists) {
            admin.sql("CREATE DATABASE " + name + " OWNER " + ROLE).update();
        }
        return new Database("jdbc:postgresql://localhost:" + postgres.getPort() + "/" + name, ROLE, ROLE);
    }

    /**
     * A database name that only this data folder gets: a digest of its absolute path, so
     * the same folder, named relatively or not, gives the same name.
     */
    static String databaseName(Path dataDir) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest(dataDir.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return "shipsync_" + HexFormat.of().formatHex(digest, 0, 12);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static EmbeddedPostgres server() {
        if (server == null) {
            try {
                // under target/, so that mvn clean takes what a killed JVM left behind;
                // one folder per JVM, so that the two test passes never share a server
                Path parent = Files.createDirectories(Path.of("target", "embedded-postgresql"));
                Path data = Files.createTempDirectory(parent.toAbsolutePath(), "data-");
                // the server's own log, statements it refused among them, beside its
                // data rather than in the test output
                Redirect log = Redirect.appendTo(parent.resolve(data.getFileName() + ".log").toFile());
                server = EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    .setOutputRedirector(log)
                    .setErrorRedirector(log)
                    .setCleanDataDirectory(true)
                    .setRegisterShutdownHook(true)
                    .start();
            }
            catch (IOException e) {
                throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
            }
            JdbcClient.create(server.getPostgresDatabase())
                .sql("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + ROLE + "'")
                .update();
        }
        return server;
    }

    /** How a service reaches its database. */
    public record Database(String url, String username, String password) {

        /** As Spring Boot arguments, for a service in a JVM of its own. */
        public List<String> arguments() {
            return List.of("--spring.datasource.url=" + url, "--spring.datasource.username=" + username,
                    "--spring.datasource.password=" + password);
        }

    }

}
