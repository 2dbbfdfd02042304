package io.shipsync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.shipsync.sandbox.TribeMadeSandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;

import static org.awaitility.Awaitility.await;

/**
 * The whole service as it runs: the real routes from {@code routes/}, the real
 * {@code config/application.yaml}, an H2 file database and inbox in a fresh folder per
 * test class, and real HTTP to a {@link TribeMadeSandbox} that follows the documented
 * contract. Limits are scaled down from a minute to a second so that tests of the rate
 * contract take seconds.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
public abstract class EndToEndTest {

    protected static final String API_KEY = "tb-test-e2e0-key1";

    protected static final UUID STORE = UUID.fromString("5a000000-0000-4000-8000-000000000001");

    protected static final UUID OTHER_STORE = UUID.fromString("5a000000-0000-4000-8000-000000000002");

    protected static TribeMadeSandbox platform;

    protected static Path dataDir;

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Autowired
    protected JdbcClient jdbc;

    @LocalManagementPort
    protected int managementPort;

    /**
     * Starts a new sandbox and data folder for the test class and points shipsync at
     * them.
     */
    protected static void configure(DynamicPropertyRegistry registry, int updatesPerSecond, int readsPerSecond)
            throws IOException {
        if (platform != null) {
            platform.stop();
        }
        platform = TribeMadeSandbox.builder()
            .updateLimit(updatesPerSecond, Duration.ofSeconds(1))
            .readLimit(readsPerSecond, Duration.ofSeconds(1))
            .build()
            .start();
        platform.addStore(API_KEY, STORE);
        dataDir = Files.createTempDirectory("shipsync-test-");
        registry.add("shipsync.data-dir", dataDir::toString);
        registry.add("shipsync.inbox", () -> dataDir.resolve("inbox").toString());
        registry.add("shipsync.tribemade.base-url", platform::baseUrl);
        registry.add("shipsync.tribemade.api-key", () -> API_KEY);
        registry.add("shipsync.status-updates.max-requests", () -> updatesPerSecond);
        registry.add("shipsync.status-updates.period", () -> "1s");
        registry.add("shipsync.tribemade.order-reads.max-requests", () -> readsPerSecond);
        registry.add("shipsync.tribemade.order-reads.period", () -> "1s");
        registry.add("shipsync.status-updates.poll-interval", () -> "100ms");
        registry.add("shipsync.status-updates.retry-delay", () -> "200ms");
        registry.add("shipsync.status-updates.retry-max-delay", () -> "1s");
        registry.add("shipsync.shipment-files.quiet-period", () -> "300ms");
        registry.add("shipsync.shipment-files.report-interval", () -> "200ms");
    }

    protected static UUID newOrder(String status) {
        UUID id = UUID.randomUUID();
        platform.addOrder(STORE, id, status);
        return id;
    }

    /**
     * Drops a file the way a careful writer does: written under a .part name, then
     * renamed.
     */
    protected static Path drop(String name, String content) throws IOException {
        return drop(name, content.getBytes(StandardCharsets.UTF_8));
    }

    protected static Path drop(String name, byte[] content) throws IOException {
        Path inbox = Files.createDirectories(dataDir.resolve("inbox"));
        Path part = inbox.resolve(name + ".part");
        Files.write(part, content);
        return Files.move(part, inbox.resolve(name));
    }

    /**
     * The newest result report of the files named {@code <stem>.<ext>}; while there is
     * none, a path that does not exist.
     */
    protected static Path reportOf(String stem) {
        List<Path> reports = reportsOf(stem);
        return reports.isEmpty() ? dataDir.resolve("reports").resolve("*-" + stem + ".result.csv")
                : reports.get(reports.size() - 1);
    }

    /** The result reports of files named {@code <stem>.<ext>}, oldest first. */
    protected static List<Path> reportsOf(String stem) {
        return reportsIn(dataDir.resolve("reports"), stem);
    }

    /**
     * The result reports in a reports folder of files named {@code <stem>.<ext>}, oldest
     * first: each is named {@code <time>-<n>-<stem>.result.csv}, {@code <n>} counting the
     * files received.
     */
    public static List<Path> reportsIn(Path reports, String stem) {
        if (!Files.isDirectory(reports)) {
            return List.of();
        }
        Pattern name = Pattern.compile("\\d{8}-\\d{6}-(\\d+)-" + Pattern.quote(stem) + "\\.result\\.csv");
        try (Stream<Path> files = Files.list(reports)) {
            return files.map(file -> name.matcher(file.getFileName().toString()))
                .filter(Matcher::matches)
                .sorted(Comparator.comparingLong(match -> Long.parseLong(match.group(1))))
                .map(match -> reports.resolve(match.group()))
                .toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits for the result report of a file named {@code <stem>.<ext>} and returns its
     * lines, header included.
     */
    protected static List<String> awaitReport(String stem) {
        return read(await().atMost(Duration.ofSeconds(30)).until(() -> reportOf(stem), Files::exists));
    }

    /**
     * Waits for the result report of one received file, by its {@code ingested_file} id,
     * and returns its lines.
     */
    protected List<String> awaitReport(long fileId) {
        return read(Path.of(await().atMost(Duration.ofSeconds(30))
            .until(() -> jdbc.sql("SELECT report_path FROM ingested_file WHERE id = :id")
                .param("id", fileId)
                .query(String.class)
                .optional(), Optional::isPresent)
            .orElseThrow()));
    }

    /** A report's lines, header included. */
    protected static List<String> read(Path report) {
        try {
            return Files.readAllLines(report, StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The one report line of a data row, found by its line number. */
    protected static String reportLine(List<String> report, int line) {
        return report.stream()
            .filter(l -> l.startsWith(line + ","))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no report line for line " + line + " in " + report));
    }

    /**
     * {@code /actuator/health} with its details, on the management port, as an operator
     * reads it.
     */
    protected JsonNode health() throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(response.body());
    }

    /**
     * Changes an order the way the store does in its own dashboard, behind shipsync's
     * back.
     */
    protected static void changeInDashboard(UUID order, String statusBody) throws IOException, InterruptedException {
        HttpResponse<String> answer = HTTP
            .send(HttpRequest.newBuilder(URI.create(platform.baseUrl() + "/api/orders/" + order + "/status"))
                .header("X-API-Key", API_KEY)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(statusBody))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("the sandbox refused the change: " + answer.body());
        }
    }

    protected long pendingUpdates() {
        return jdbc.sql("SELECT COUNT(*) FROM status_update WHERE state IN ('PENDING', 'SENDING')")
            .query(Long.class)
            .single();
    }

    /** The state of the order's latest update; null while it has none. */
    protected String updateState(UUID orderId) {
        return jdbc
            .sql("SELECT state FROM status_update WHERE order_id = :id ORDER BY created_at DESC, id DESC LIMIT 1")
            .param("id", orderId.toString())
            .query(String.class)
            .optional()
            .orElse(null);
    }

    protected static long requestsFor(UUID orderId) {
        return platform.requests().stream().filter(r -> r.path().contains(orderId.toString())).count();
    }

}
