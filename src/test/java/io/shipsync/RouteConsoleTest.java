package io.shipsync;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.shipsync.sandbox.Fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Route operations on the management port, from Camel's own tools: its consoles
 * ({@code /actuator/camel/...}: routes, exchanges in flight) and camel-spring-boot's
 * route endpoint ({@code /actuator/camelroutes}: stop, start). None of it on the public
 * port.
 */
// the route statistics come from Camel's JMX management, which Camel's test support
// turns off unless asked; the service runs with it
@DisableJmx(false)
class RouteConsoleTest extends EndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A write operation's body: JSON, here without options (a stop's timeout). */
    private static final HttpEntity<String> NO_OPTIONS = new HttpEntity<>("{}", jsonHeaders());

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        configure(registry, 20, 50);
    }

    @Autowired
    private CamelContext camel;

    @Autowired
    private TestRestTemplate http;

    @Test
    void shows_an_exchange_in_flight_with_its_route_while_the_platform_has_not_answered() throws Exception {
        UUID order = newOrder("started");
        // the platform holds its answer to the status update
        platform.injectFault("PUT", Fault.delay(Duration.ofSeconds(5)), 1);
        drop("held.csv", "order_id,status\n" + order + ",processing\n");

        JsonNode exchange = await().atMost(Duration.ofSeconds(20))
            .until(() -> inflightAt("tribemade-update"), found -> !found.isMissingNode());
        assertThat(exchange.path("fromRouteId").asText()).isEqualTo("status-dispatch-default");
        assertThat(route(console("route"), "tribemade-update").path("statistics").path("exchangesInflight").asInt())
            .isEqualTo(1);

        await().atMost(Duration.ofSeconds(20)).until(() -> updateState(order).equals("APPLIED"));
        assertThat(route(console("route"), "tribemade-update").path("statistics").path("exchangesInflight").asInt())
            .isZero();
        // message history is off unless asked for: it would show the request's headers,
        // the API key among them
        assertThat(console("message-history").toString()).doesNotContain(API_KEY);
    }

    @Test
    void stops_and_starts_a_route() throws IOException {
        var stop = http.postForEntity(management("camelroutes/courier-sync/stop"), NO_OPTIONS, String.class);

        assertThat(stop.getStatusCode().is2xxSuccessful()).as(stop.toString()).isTrue();
        assertThat(camel.getRouteController().getRouteStatus("courier-sync")).isEqualTo(ServiceStatus.Stopped);
        assertThat(route(console("route"), "courier-sync").path("state").asText()).isEqualTo("Stopped");

        var start = http.postForEntity(management("camelroutes/courier-sync/start"), NO_OPTIONS, String.class);

        assertThat(start.getStatusCode().is2xxSuccessful()).as(start.toString()).isTrue();
        assertThat(camel.getRouteController().getRouteStatus("courier-sync")).isEqualTo(ServiceStatus.Started);
    }

    @Test
    void shows_only_the_consoles_about_routes_and_their_exchanges() throws IOException {
        JsonNode consoles = JSON.readTree(http.getForObject(management("camel"), String.class));

        assertThat(consoles.properties()).extracting(Map.Entry::getKey)
            .containsExactlyInAnyOrderElementsOf(RouteConsoles.SHOWN);
        // the bean console would list every bean's properties, the database password
        // among them
        assertThat(console("bean").isEmpty()).isTrue();
    }

    @Test
    void answers_on_the_management_port_only() {
        for (String path : new String[] { "camel", "camel/route", "camel/inflight", "camelroutes" }) {
            assertThat(http.getForEntity(management(path), String.class).getStatusCode().value()).as(path)
                .isEqualTo(200);
            assertThat(http.getForEntity("/actuator/" + path, String.class).getStatusCode().value()).as(path)
                .isEqualTo(404);
        }
        assertThat(http.postForEntity("/actuator/camelroutes/courier-sync/stop", NO_OPTIONS, String.class)
            .getStatusCode()
            .value()).isEqualTo(404);
        assertThat(camel.getRouteController().getRouteStatus("courier-sync")).isEqualTo(ServiceStatus.Started);
    }

    private static HttpHeaders jsonHeaders() {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return headers;
    }

    private String management(String path) {
        return "http://localhost:" + managementPort + "/actuator/" + path;
    }

    /** One of Camel's consoles, as {@code /actuator/camel/<id>} shows it. */
    private JsonNode console(String id) throws IOException {
        return JSON.readTree(http.getForObject(management("camel/" + id), String.class)).path(id);
    }

    /** The first exchange in flight that is at this route, or a missing node. */
    private JsonNode inflightAt(String routeId) throws IOException {
        JsonNode inflight = console("inflight");
        for (JsonNode exchange : inflight.path("exchanges")) {
            if (exchange.path("atRouteId").asText().equals(routeId)) {
                return exchange;
            }
        }
        return inflight.path("none");
    }

    private static JsonNode route(JsonNode routeConsole, String routeId) {
        for (JsonNode route : routeConsole.path("routes")) {
            if (route.path("routeId").asText().equals(routeId)) {
                return route;
            }
        }
        throw new AssertionError("no route " + routeId + " in " + routeConsole);
    }

}
