package io.shipsync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.CamelContext;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /actuator/health} on the management port is DOWN, with the part at fault and
 * why, when the service cannot do its work: a route stopped, the inbox gone or not
 * writable, the database unreachable. Each test puts things right again and sees the
 * service UP.
 */
class HealthTest extends EndToEndTest {

    /**
     * The database behind H2's TCP server, reached over the network as PostgreSQL is in
     * production, so that a test can stop it.
     */
    private static Server database;

    private static int databasePort;

    @Autowired
    private CamelContext camel;

    @Autowired
    private TestRestTemplate http;

    @Autowired
    private HikariDataSource pool;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        configure(registry, 20, 50);
        database = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
        databasePort = database.getPort();
        registry.add("spring.datasource.url",
                () -> DatabaseConfiguration.EMBEDDED_URL
                    .replace("jdbc:h2:file:", "jdbc:h2:tcp://localhost:" + databasePort + "/")
                    .formatted(dataDir.toAbsolutePath().resolve("shipsync")));
        // how long the pool waits for a connection, and so the db check: 30 s by default
        registry.add("spring.datasource.hikari.connection-timeout", () -> "1000");
    }

    @AfterAll
    static void stopDatabase() {
        database.stop();
    }

    @Test
    void is_down_naming_a_stopped_route() throws Exception {
        camel.getRouteController().stopRoute("order-webhook");
        try {
            JsonNode health = health();
            assertThat(health.path("status").asText()).isEqualTo("DOWN");
            JsonNode camelHealth = health.path("components").path("camelHealth");
            assertThat(camelHealth.path("status").asText()).isEqualTo("DOWN");
            assertThat(camelHealth.path("details").path("route:order-webhook").asText()).isEqualTo("DOWN");
            assertThat(camelHealth.path("details").path("route:order-webhook.data").path("route.status").asText())
                .isEqualTo("Stopped");
        }
        finally {
            camel.getRouteController().startRoute("order-webhook");
        }
        assertThat(health().path("status").asText()).isEqualTo("UP");
    }

    @Test
    void is_down_with_the_path_when_the_inbox_is_gone() throws Exception {
        Path inbox = dataDir.resolve("inbox");
        Files.delete(inbox);
        try {
            JsonNode health = health();
            assertThat(health.path("status").asText()).isEqualTo("DOWN");
            assertThat(health.path("components").path("inbox").path("details").path("path").asText())
                .isEqualTo(inbox.toAbsolutePath().toString());
            assertThat(health.path("components").path("inbox").path("details").path("reason").asText())
                .startsWith("the folder does not exist");
        }
        finally {
            Files.createDirectories(inbox);
        }
        assertThat(health().path("status").asText()).isEqualTo("UP");
    }

    @Test
    void is_down_when_the_inbox_is_not_writable() throws Exception {
        Path inbox = dataDir.resolve("inbox");
        try (var readOnly = new ReadOnlyFolder(inbox)) {
            assumeThat(Files.isWritable(inbox)).as("this machine lets a test forbid writing to a folder").isFalse();
            JsonNode health = health();
            assertThat(health.path("status").asText()).isEqualTo("DOWN");
            assertThat(health.path("components").path("inbox").path("details").path("reason").asText())
                .startsWith("shipsync may not write to it");
        }
        assertThat(health().path("status").asText()).isEqualTo("UP");
    }

    @Test
    void is_down_while_the_database_is_unreachable_and_not_ready_for_the_load_balancer() throws Exception {
        database.stop();
        try {
            JsonNode health = await().atMost(Duration.ofSeconds(10))
                .until(this::health, h -> h.path("components").path("db").path("status").asText().equals("DOWN"));
            assertThat(health.path("status").asText()).isEqualTo("DOWN");
            var readiness = http.getForEntity("/readyz", String.class);
            assertThat(readiness.getStatusCode().value()).isEqualTo(503);
            assertThat(readiness.getBody()).isEqualTo("{\"status\":\"DOWN\"}");
        }
        finally {
            database = Server.createTcpServer("-tcpPort", String.valueOf(databasePort), "-ifNotExists").start();
            // H2's client keeps failing on a session its server dropped, with error codes
            // Hikari does not take for a lost connection (PostgreSQL's 08xxx it does)
            pool.getHikariPoolMXBean().softEvictConnections();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> health().path("status").asText().equals("UP"));
    }

    /**
     * A folder this process may not write to until closed: by its permissions, and where
     * they do not stop this process (root), by Linux's immutable attribute, which stops
     * root too.
     */
    private static final class ReadOnlyFolder implements AutoCloseable {

        private final Path folder;

        private final boolean immutable;

        ReadOnlyFolder(Path folder) throws IOException, InterruptedException {
            this.folder = folder;
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-xr-xr-x"));
            this.immutable = Files.isWritable(folder);
            if (immutable) {
                chattr("+i");
            }
        }

        @Override
        public void close() throws IOException, InterruptedException {
            if (immutable) {
                chattr("-i");
            }
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        }

        private void chattr(String change) throws IOException, InterruptedException {
            new ProcessBuilder("chattr", change, folder.toString()).inheritIO().start().waitFor();
        }

    }

}
