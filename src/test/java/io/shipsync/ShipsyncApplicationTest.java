package io.shipsync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The service starts with the routes from routes/ and says so on its health endpoints. */
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
        assertThat(camel.getRoutes()).extracting(Route::getRouteId).containsExactlyInAnyOrder(
                "shipment-files", "shipment-rows-to-outbox", "shipment-reports", "status-dispatch-default",
                "read-order-ahead", "read-order", "deliver-status-update", "tribemade-update", "tribemade-read",
                "tybrite-update", "cekat-update", "order-webhook", "order-events", "process-order-event",
                "courier-sync", "sync-due-shipments", "poll-shipment", "dead-letter");
        assertThat(camel.getRoutes()).allSatisfy(route ->
                assertThat(camel.getRouteController().getRouteStatus(route.getRouteId()).isStarted()).isTrue());
    }

    @Test
    void reports_up_with_details_on_the_management_port_once_routes_run() {
        var health = http.getForEntity("http://localhost:" + managementPort + "/actuator/health", String.class);

        assertThat(health.getStatusCode().value()).isEqualTo(200);
        assertThat(health.getBody()).startsWith("{\"status\":\"UP\"").contains("\"camelHealth\"", "\"db\"");
    }

    @Test
    void shows_a_load_balancer_only_up_or_down_on_the_public_port() {
        assertThat(http.getForEntity("/actuator/health", String.class).getStatusCode().value()).isEqualTo(404);
        for (String probe : new String[] {"/livez", "/readyz"}) {
            var answer = http.getForEntity(probe, String.class);
            assertThat(answer.getStatusCode().value()).as(probe).isEqualTo(200);
            assertThat(answer.getBody()).as(probe).isEqualTo("{\"status\":\"UP\"}");
        }
    }
}
