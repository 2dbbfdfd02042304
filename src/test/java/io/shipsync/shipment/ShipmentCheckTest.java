package io.shipsync.shipment;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import io.shipsync.EndToEndTest;
import io.shipsync.sandbox.RecordedRequest;
import io.shipsync.sandbox.TybriteSandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A dry run: a file dropped as {@code <name>.check.csv} gets a report of what each row
 * would do against the platforms' current state, and when the file would be through;
 * nothing is sent, nothing enters the outbox, and the same content dropped for real
 * afterwards is taken in as usual.
 */
class ShipmentCheckTest extends EndToEndTest {

    private static final String ADMIN_TOKEN = "admin-token-shipment-check";

    private static final String TYBRITE_KEY = "tybrite_sk_test_shipmentcheck";

    private static final String TYBRITE_SECRET = "shipment-check-hmac";

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static TybriteSandbox tybrite;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        // three order reads a second: the file's six TribeMade orders take two windows
        configure(registry, 10, 3);
        tybrite = TybriteSandbox.builder().updateLimit(10, Duration.ofSeconds(1)).build().start();
        tybrite.addAccount(TYBRITE_KEY, TYBRITE_SECRET);
        registry.add("shipsync.stores.tybrite-shop.platform", () -> "tybrite");
        registry.add("shipsync.stores.tybrite-shop.base-url", tybrite::baseUrl);
        registry.add("shipsync.stores.tybrite-shop.api-key", () -> TYBRITE_KEY);
        registry.add("shipsync.stores.tybrite-shop.hmac-secret", () -> TYBRITE_SECRET);
        registry.add("shipsync.stores.tybrite-shop.status-updates.max-requests", () -> 10);
        registry.add("shipsync.stores.tybrite-shop.status-updates.period", () -> "1s");
        registry.add("shipsync.admin.token", () -> ADMIN_TOKEN);
    }

    @AfterAll
    static void stopTybrite() {
        tybrite.stop();
    }

    @Test
    void a_dry_run_reports_every_row_s_would_be_outcome_and_sends_nothing() throws Exception {
        UUID toProcess = newOrder("started");
        UUID toDispatch = newOrder("started");
        UUID alreadyDispatched = newOrder("dispatched");
        UUID backwards = newOrder("dispatched");
        UUID delivered = newOrder("delivered");
        UUID notOnPlatform = UUID.randomUUID();
        UUID tybriteUnknown = UUID.randomUUID();
        tybrite.addOrder(TYBRITE_KEY, tybriteUnknown, "processing");
        UUID tybriteDelivered = UUID.randomUUID();
        tybrite.addOrder(TYBRITE_KEY, tybriteDelivered, "delivered");
        jdbc.sql("""
                INSERT INTO known_order (store_key, order_id, status, learned_from, updated_at)
                VALUES ('tybrite-shop', :order, 'delivered', 'UPDATE', :at)""")
            .param("order", tybriteDelivered.toString())
            .param("at", OffsetDateTime.now().minusDays(1))
            .update();
        String content = """
                store,order_id,status,tracking_url,courier,awb
                ,%s,processing,,,
                ,%s,dispatched,,delhivery,DLVY4242
                ,%s,dispatched,https://delhivery.com/track/DLVY1,,
                ,%s,processing,,,
                ,not-an-order,processing,,,
                elsewhere,%s,processing,,,
                ,%s,processing,,,
                tybrite-shop,%s,dispatched,,delhivery,DLVY777
                tybrite-shop,%s,cancelled,,,
                ,%s,processing,,,
                ,%s,cancelled,,,
                """.formatted(toProcess, toDispatch, alreadyDispatched, backwards, toProcess, notOnPlatform,
                tybriteUnknown, tybriteDelivered, toProcess, delivered);

        drop("monday.CHECK.csv", content);

        List<String> report = awaitReport("monday.CHECK");
        assertThat(report).hasSize(13);
        assertThat(reportLine(report, 2))
            .isEqualTo("2," + toProcess + ",processing,would-apply,TribeMade would update the order to processing.");
        assertThat(reportLine(report, 3)).isEqualTo("3," + toDispatch + ",dispatched,would-apply,"
                + "\"TribeMade would update the order to dispatched, step by step: processing, dispatched.\"");
        assertThat(reportLine(report, 4)).isEqualTo("4," + alreadyDispatched
                + ",dispatched,unchanged,The order is already dispatched on TribeMade; nothing would be sent.");
        assertThat(reportLine(report, 5)).isEqualTo("5," + backwards + ",processing,rejected,"
                + "Would not be sent: order is already dispatched; it cannot go back to processing.");
        assertThat(reportLine(report, 6)).startsWith("6,not-an-order,processing,rejected,")
            .contains("is not a valid order id on TribeMade");
        assertThat(reportLine(report, 7)).startsWith("7," + toProcess + ",processing,rejected,")
            .contains("is not configured; use one of:");
        assertThat(reportLine(report, 8)).isEqualTo("8," + notOnPlatform + ",processing,rejected,"
                + "Would not be sent: TribeMade does not have this order: Order not found (HTTP 404).");
        assertThat(reportLine(report, 9)).startsWith("9," + tybriteUnknown + ",dispatched,would-apply,")
            .contains("Would send dispatched as it is.",
                    "Tybrite Labs has no order read: judged from what shipsync knows");
        assertThat(reportLine(report, 10)).startsWith("10," + tybriteDelivered + ",cancelled,rejected,")
            .contains("Would not be sent: order is already delivered, which is final; it cannot become cancelled.",
                    "Tybrite Labs has no order read: judged from what shipsync knows.");
        assertThat(reportLine(report, 11)).isEqualTo("11," + toProcess
                + ",processing,unchanged,Same order and status as line 2 of this file; would be sent once.");
        assertThat(reportLine(report, 12)).startsWith("12," + delivered + ",cancelled,rejected,")
            .contains("order is already delivered, which is final");
        assertThat(report.get(12))
            .startsWith(",,,eta,\"If dropped as a real file now, its last update would go out in ")
            .contains("default: 3 status requests from this file after 0 waiting, at 10 per 1s",
                    "tybrite-shop: 1 status request from this file after 0 waiting, at 10 per 1s");

        // only reads, one per TribeMade order, within the read limit; no status request
        // anywhere
        assertThat(platform.requests()).extracting(RecordedRequest::method).containsOnly("GET").hasSize(6);
        assertThat(platform.requests()).extracting(RecordedRequest::status).doesNotContain(429);
        assertThat(tybrite.requests()).isEmpty();
        assertThat(platform.statusHistory(toProcess)).isEmpty();
        assertThat(count("status_update")).isZero();
        assertThat(count("accepted_row")).isZero();
        assertThat(count("skipped_row")).isZero();
        // the reads are the platform's word: kept, as any read of the dispatch
        assertThat(jdbc.sql("SELECT status FROM known_order WHERE order_id = :order")
            .param("order", alreadyDispatched.toString())
            .query(String.class)
            .single()).isEqualTo("dispatched");
        assertThat(Files.list(dataDir.resolve("archive")).map(path -> path.getFileName().toString()))
            .anyMatch(name -> name.endsWith("-monday.CHECK.csv"));

        // the page shows dry runs apart, by would-be outcome
        JsonNode checks = admin("/api/files?dryRun=true").path("items");
        assertThat(checks).hasSize(1);
        JsonNode check = checks.get(0);
        assertThat(check.path("dryRun").asBoolean()).isTrue();
        assertThat(check.path("state").asText()).isEqualTo("checked");
        assertThat(check.path("rows").path("wouldApply").asLong()).isEqualTo(3);
        assertThat(check.path("rows").path("unchanged").asLong()).isEqualTo(2);
        assertThat(check.path("rows").path("rejected").asLong()).isEqualTo(6);
        assertThat(check.path("stores")).extracting(JsonNode::asText).containsExactly("default", "tybrite-shop");
        assertThat(check.path("report").path("name").asText()).endsWith("-monday.CHECK.result.csv");
        assertThat(admin("/api/files").path("items")).isEmpty();

        // the same content for real: taken in as usual, not a duplicate of the dry run
        drop("monday.csv", content);

        List<String> real = awaitReport("monday");
        assertThat(reportLine(real, 2)).startsWith("2," + toProcess + ",processing,applied,");
        assertThat(reportLine(real, 3)).startsWith("3," + toDispatch + ",dispatched,applied,");
        assertThat(reportLine(real, 9)).startsWith("9," + tybriteUnknown + ",dispatched,applied,");
        assertThat(platform.statusHistory(toProcess)).containsExactly("processing");
        JsonNode files = admin("/api/files").path("items");
        assertThat(files).hasSize(1);
        assertThat(files.get(0).path("state").asText()).isEqualTo("ingested");
        assertThat(files.get(0).path("dryRun").asBoolean()).isFalse();
    }

    private long count(String table) {
        return jdbc.sql("SELECT COUNT(*) FROM " + table).query(Long.class).single();
    }

    private JsonNode admin(String path) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .header("Authorization", "Bearer " + ADMIN_TOKEN)
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return new ObjectMapper().readTree(answer.body());
    }

}
