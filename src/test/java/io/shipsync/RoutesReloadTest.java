package io.shipsync;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Live reload of the route files, as a developer turns it on: a file saved in the routes
 * folder replaces its routes while the service runs; a file that cannot be loaded leaves
 * them running as they were, and the log says why. On a copy of {@code routes/}, so the
 * real files are never touched.
 */
@ExtendWith(OutputCaptureExtension.class)
class RoutesReloadTest extends EndToEndTest {

    private static final String WEBHOOK_DESCRIPTION = "Authenticates, checks and stores an order.created event, "
            + "then acknowledges it";

    private static Path routes;

    @Autowired
    private CamelContext camel;

    @LocalServerPort
    private int port;

    private int routesAtStart;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        configure(registry, 20, 50);
        routes = Files.createDirectories(dataDir.resolve("routes"));
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        registry.add("camel.main.routes-include-pattern", () -> "file:" + routes + "/*.camel.yaml");
        registry.add("camel.main.routes-reload-directory", routes::toString);
        registry.add("camel.main.routes-reload-enabled", () -> "true");
    }

    @Test
    void a_saved_route_file_replaces_its_routes_and_one_that_cannot_be_loaded_leaves_them_running(CapturedOutput output)
            throws Exception {
        Path file = routes.resolve("order-webhook.camel.yaml");
        String original = Files.readString(file);
        routesAtStart = camel.getRoutes().size();
        assertThat(original).contains(WEBHOOK_DESCRIPTION);

        save(file, original.replace(WEBHOOK_DESCRIPTION, "Takes the platform's order.created events"));

        await().atMost(Duration.ofSeconds(30))
            .until(() -> description("order-webhook"), "Takes the platform's order.created events"::equals);
        assertThat(camel.getRouteController().getRouteStatus("order-webhook")).isEqualTo(ServiceStatus.Started);
        assertThat(webhookAnswer()).as("the webhook still answers, refusing a request without credentials")
            .isEqualTo(401);
        // the per-store dispatch routes, made from a template at start-up, are still
        // there
        assertThat(camel.getRouteController().getRouteStatus("status-dispatch-default"))
            .isEqualTo(ServiceStatus.Started);

        // YAML that does not parse
        save(file, original.replace("    description: " + WEBHOOK_DESCRIPTION, "    description: [not closed"));

        await().atMost(Duration.ofSeconds(30)).until(() -> reloadErrors(output) == 1);
        assertThat(output.getOut()).contains("while parsing a flow sequence", "in file:" + file + ", line ");
        assertStillServing("Takes the platform's order.created events");

        // YAML that parses, with a route that cannot be made: Camel has removed the old
        // routes by then
        save(file, original.replace(WEBHOOK_DESCRIPTION, "Takes the platform's order.created events")
            .replace("ref: webhookAuthenticator", "ref: noSuchBean"));

        await().atMost(Duration.ofSeconds(30)).until(() -> reloadErrors(output) == 2);
        assertThat(output.getOut()).contains("No bean could be found in the registry for: noSuchBean");
        assertStillServing("Takes the platform's order.created events");
    }

    private void assertStillServing(String description) throws IOException, InterruptedException {
        assertThat(description("order-webhook")).isEqualTo(description);
        assertThat(camel.getRouteController().getRouteStatus("order-webhook")).isEqualTo(ServiceStatus.Started);
        assertThat(webhookAnswer()).isEqualTo(401);
        assertThat(camel.getRoutes()).hasSize(routesAtStart);
    }

    private static int reloadErrors(CapturedOutput output) {
        return output.getOut().split("Error reloading routes from file: ", -1).length - 1;
    }

    /** A route's description; null while it is being replaced. */
    private String description(String routeId) {
        Route route = camel.getRoute(routeId);
        return route == null ? null : route.getDescription();
    }

    /**
     * Saves a file as an editor does: written beside it, then moved over it, so the
     * watcher never reads half a file.
     */
    private static void save(Path file, String content) throws IOException {
        Path draft = file.resolveSibling(file.getFileName() + ".draft");
        Files.writeString(draft, content, StandardCharsets.UTF_8);
        Files.move(draft, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private int webhookAnswer() throws IOException, InterruptedException {
        return HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/webhook/orders"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(), HttpResponse.BodyHandlers.discarding())
            .statusCode();
    }

}
