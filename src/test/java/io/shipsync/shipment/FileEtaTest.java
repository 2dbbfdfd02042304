package io.shipsync.shipment;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import io.shipsync.EndToEndTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;
import static org.awaitility.Awaitility.await;

/**
 * The ETA a warehouse person reads for a file still draining is honest: the first
 * estimate, made as soon as the file is accepted, is within 10 % of when its last update
 * really went out, with another file's backlog ahead of it.
 */
class FileEtaTest extends EndToEndTest {

    static final int PER_SECOND = 10;

    static final String TOKEN = "eta-test-admin-token";

    static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        configure(registry, PER_SECOND, 50);
        registry.add("shipsync.admin.token", () -> TOKEN);
    }

    @Test
    void the_first_estimate_of_a_draining_file_is_within_ten_percent_of_its_real_finish() throws Exception {
        drop("ahead.csv", rows(40));
        await().atMost(Duration.ofSeconds(30)).until(() -> file("ahead.csv") != null);
        drop("mine.csv", rows(80));

        JsonNode first = await().atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> file("mine.csv"), file -> file != null && file.has("eta"));
        Instant estimatedAt = Instant.now();
        JsonNode eta = first.path("eta");
        Instant estimate = Instant.parse(eta.path("finishesAt").asText());
        await().atMost(Duration.ofSeconds(60))
            .until(() -> file("mine.csv").path("progress").path("percent").asInt() == 100);
        Instant finished = jdbc.sql("""
                SELECT MAX(u.updated_at) FROM status_update u JOIN ingested_file f ON f.id = u.source_file_id
                WHERE f.file_name = 'mine.csv'""").query(OffsetDateTime.class).single().toInstant();

        double predicted = Duration.between(estimatedAt, estimate).toMillis();
        double actual = Duration.between(estimatedAt, finished).toMillis();
        System.out.printf("ETA: %d updates ahead at %d/s: predicted %.1f s, took %.1f s (%.1f %%)%n",
                eta.path("updatesAhead").asLong(), PER_SECOND, predicted / 1000, actual / 1000,
                100 * (predicted - actual) / actual);
        assertThat(eta.path("updatesAhead").asLong()).as("this file's rows and the backlog ahead of them")
            .isBetween(81L, 120L);
        assertThat(eta.path("stores").get(0).path("maxRequests").asInt()).isEqualTo(PER_SECOND);
        assertThat(predicted).isCloseTo(actual, withinPercentage(10));
    }

    private String rows(int count) {
        var rows = new ArrayList<String>(List.of("order_id,status"));
        for (int i = 0; i < count; i++) {
            rows.add(newOrder("started") + ",processing");
        }
        return String.join("\n", rows) + "\n";
    }

    private JsonNode file(String name) throws Exception {
        HttpResponse<String> response = HTTP
            .send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/files?size=200"))
                .header("Authorization", "Bearer " + TOKEN)
                .build(), HttpResponse.BodyHandlers.ofString());
        for (JsonNode item : new ObjectMapper().readTree(response.body()).path("items")) {
            if (item.path("name").asText().equals(name)) {
                return item;
            }
        }
        return null;
    }

}
