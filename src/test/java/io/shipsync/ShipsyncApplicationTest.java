package io.shipsync;

import java.io.IOException;
import java.util.UUID;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service starts with the routes from routes/ and says so on its health endpoints.
 */
// metrics are exported in production; a Spring Boot test turns exporting off unless asked
@AutoConfigureObservability
class ShipsyncApplicationTest extends EndToEndTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        configure(registry, 20, 50);
    }

    @Autowired
    CamelContext camel;

    @Autowired
    TestRestTemplate http;

    @Test
    void starts_every_route_from_the_routes_folder() {
        assertThat(camel.getRoutes()).extracting(Route::getRouteId)
            .containsExactlyInAnyOrder("shipment-files", "shipment-rows-to-outbox", "abandoned-shipment-files",
                    "shipment-reports", "shipment-check", "check-order", "status-dispatch-default", "read-order-ahead",
                    "read-order", "order-read-permit", "deliver-status-update", "tribemade-update", "tribemade-read",
                    "tybrite-update", "cekat-update", "order-webhook", "order-events", "process-order-event",
                    "courier-sync", "sync-due-shipments", "poll-shipment", "dead-letter", "retention");
        assertThat(camel.getRoutes())
            .allSatisfy(route -> assertThat(camel.getRouteController().getRouteStatus(route.getRouteId()).isStarted())
                .isTrue());
    }

    @Test
    void reports_up_with_details_on_the_management_port_once_routes_run() {
        var health = http.getForEntity("http://localhost:" + managementPort + "/actuator/health", String.class);

        assertThat(health.getStatusCode().value()).isEqualTo(200);
        assertThat(health.getBody()).startsWith("{\"status\":\"UP\"").contains("\"camelHealth\"", "\"db\"");
    }

    @Test
    void shows_each_store_s_backlog_and_camel_s_route_metrics_to_prometheus_on_the_management_port() {
        // an update waiting for a later attempt, queued 90 seconds ago
        jdbc.sql("""
                INSERT INTO status_update (store_key, order_id, target_status, source, state, attempts,
                                           next_attempt_at, created_at, updated_at)
                VALUES ('default', :order, 'processing', 'csv', 'PENDING', 1,
                        CURRENT_TIMESTAMP + INTERVAL '1' HOUR, CURRENT_TIMESTAMP - INTERVAL '90' SECOND,
                        CURRENT_TIMESTAMP)""").param("order", UUID.randomUUID().toString()).update();

        var metrics = http.getForEntity("http://localhost:" + managementPort + "/actuator/prometheus", String.class);

        assertThat(metrics.getStatusCode().value()).isEqualTo(200);
        assertThat(metrics.getBody()).contains("shipsync_updates_pending{store=\"default\"} 1.0",
                "camel_exchanges_total");
        double age = Double.parseDouble(metrics.getBody()
            .lines()
            .filter(line -> line.startsWith("shipsync_updates_oldest_pending_age_seconds{store=\"default\"}"))
            .findFirst()
            .orElseThrow()
            .split(" ")[1]);
        assertThat(age).isBetween(89.0, 120.0);
        assertThat(http.getForEntity("/actuator/prometheus", String.class).getStatusCode().value()).isEqualTo(404);
    }

    @Test
    void shows_a_load_balancer_only_up_or_down_on_the_public_port() {
        assertThat(http.getForEntity("/actuator/health", String.class).getStatusCode().value()).isEqualTo(404);
        for (String probe : new String[] { "/livez", "/readyz" }) {
            var answer = http.getForEntity(probe, String.class);
            assertThat(answer.getStatusCode().value()).as(probe).isEqualTo(200);
            assertThat(answer.getBody()).as(probe).isEqualTo("{\"status\":\"UP\"}");
        }
    }

}
