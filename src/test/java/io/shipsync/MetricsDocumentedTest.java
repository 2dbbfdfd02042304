package io.shipsync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.shipsync.sandbox.CourierSandbox;
import io.shipsync.sandbox.CourierSandbox.DelhiveryStatus;
import io.shipsync.webhook.WebhookClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every metric the README's "Metrics and logs" section names is on
 * {@code /actuator/prometheus}, and a small flow through the real routes (a file with
 * good and bad rows, an unreadable file and a repeated one, webhook events, a courier
 * poll) shows in the counters it should.
 */
// metrics are exported in production; a Spring Boot test turns exporting off unless asked
@AutoConfigureObservability
class MetricsDocumentedTest extends EndToEndTest {

    private static final String TOKEN = "wh-test-metrics-9d2f4b7c1e";

    private static final String DELHIVERY_TOKEN = "dlv-test-metrics-1";

    private static final Pattern METRIC_NAME = Pattern.compile("`((?:shipsync|camel)_[a-z0-9_]+)`");

    /** A metric with label filters in a PromQL query: its name, then the filters. */
    private static final Pattern SELECTOR = Pattern.compile("\\b((?:shipsync|camel)_[a-z0-9_]+)\\{([^}]*)}");

    /** One label filter: the label, the operator, the value. */
    private static final Pattern LABEL_FILTER = Pattern.compile("(\\w+)\\s*(=~|!=|!~|=)\\s*\"([^\"]*)\"");

    private static CourierSandbox courier;

    @Autowired
    private TestRestTemplate http;

    @Autowired
    private ProducerTemplate producer;

    @LocalServerPort
    private int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        configure(registry, 20, 50);
        registry.add("shipsync.webhook.token", () -> TOKEN);
        registry.add("shipsync.webhook.auto-status", () -> "processing");
        registry.add("shipsync.webhook.poll-interval", () -> "100ms");
        courier = CourierSandbox.builder()
            .delhiveryToken(DELHIVERY_TOKEN)
            .genericKey("unused-generic-key")
            .build()
            .start();
        // the schedule never fires by itself here: the test runs the sync
        registry.add("shipsync.courier-sync.cron", () -> "0 0 0 1 1 ? 2099");
        registry.add("shipsync.courier-sync.first-poll-after", () -> "0s");
        registry.add("shipsync.couriers.delhivery.api-url",
                () -> courier.baseUrl() + "/api/v1/packages/json/?waybill={awb}");
        registry.add("shipsync.couriers.delhivery.auth.secret", () -> DELHIVERY_TOKEN);
    }

    @AfterAll
    static void stopCourier() {
        courier.stop();
    }

    @Test
    void every_metric_the_readme_names_is_on_prometheus_and_a_small_flow_shows_in_them() throws Exception {
        UUID started = newOrder("started");
        UUID processing = newOrder("processing");
        UUID delivered = newOrder("delivered");
        UUID nowhere = UUID.randomUUID();
        String shipments = """
                order_id,status,tracking_url,courier,awb
                %s,processing,,,
                %s,dispatched,,delhivery,DLVM001
                %s,cancelled,,,
                %s,processing,,,
                not-an-order-id,processing,,,
                """.formatted(started, processing, delivered, nowhere);
        drop("metrics.csv", shipments);
        awaitReport("metrics");
        drop("metrics-again.csv", shipments);
        drop("broken.csv", "this is not a shipment file\n");

        WebhookClient webhook = new WebhookClient(port);
        UUID created = newOrder("started");
        String event = WebhookClient.orderCreated(created);
        String json = "application/json";
        assertThat(webhook.post(event, "Content-Type", json, "X-Webhook-Token", TOKEN).body()).contains("accepted");
        assertThat(webhook.post(event, "Content-Type", json, "X-Webhook-Token", TOKEN).body()).contains("duplicate");
        assertThat(webhook.post(event, "Content-Type", json, "X-Webhook-Token", "wrong").statusCode()).isEqualTo(401);
        await().atMost(Duration.ofSeconds(10)).until(() -> "APPLIED".equals(updateState(created)));

        courier.delhivery("DLVM001", DelhiveryStatus.IN_TRANSIT, "Bhiwandi_Mankoli_HB (Maharashtra)");
        producer.requestBody("direct:sync-due-shipments", (Object) null);

        await().atMost(Duration.ofSeconds(15))
            .untilAsserted(() -> assertThat(value(scrape(), "shipsync_files_total", "outcome=\"duplicate\"")
                    + value(scrape(), "shipsync_files_total", "outcome=\"refused\""))
                .isEqualTo(2));
        String metrics = scrape();

        Set<String> exposed = new TreeSet<>();
        metrics.lines()
            .filter(line -> !line.startsWith("#"))
            .map(line -> line.split("[{ ]", 2)[0])
            .forEach(exposed::add);
        assertThat(documentedMetrics()).isNotEmpty()
            .allSatisfy(name -> assertThat(exposed).as(name).containsAnyOf(name, name + "_count", name + "_total"));

        String store = "store=\"default\"";
        String csv = "source=\"csv\"";
        assertThat(value(metrics, "shipsync_updates_settled_total", store, csv, "outcome=\"applied\"")).isEqualTo(2);
        assertThat(value(metrics, "shipsync_updates_settled_total", store, csv, "outcome=\"rejected\"")).isEqualTo(1);
        assertThat(value(metrics, "shipsync_updates_settled_total", store, csv, "outcome=\"dead-letter\""))
            .isEqualTo(1);
        assertThat(value(metrics, "shipsync_updates_settled_total", store, "source=\"webhook\"", "outcome=\"applied\""))
            .isEqualTo(1);
        assertThat(value(metrics, "shipsync_file_rows_total", "outcome=\"accepted\"")).isEqualTo(4);
        assertThat(value(metrics, "shipsync_file_rows_total", "outcome=\"rejected\"")).isEqualTo(1);
        assertThat(value(metrics, "shipsync_files_total", "outcome=\"ingested\"")).isEqualTo(1);
        assertThat(value(metrics, "shipsync_webhook_events_total", store, "result=\"accepted\"")).isEqualTo(1);
        assertThat(value(metrics, "shipsync_webhook_events_total", store, "result=\"duplicate\"")).isEqualTo(1);
        assertThat(value(metrics, "shipsync_webhook_events_total", "result=\"refused\"", "reason=\"bad-token\""))
            .isEqualTo(1);
        assertThat(value(metrics, "shipsync_courier_polls_total", "courier=\"delhivery\"", "outcome=\"in_transit\""))
            .isEqualTo(1);
        // processing, dispatched (the first file) and processing (the webhook): three
        // status requests sent
        assertThat(value(metrics, "shipsync_throttle_wait_seconds_count", store)).isEqualTo(3);
        assertThat(value(metrics, "shipsync_platform_rate_limited_total", store, "budget=\"status-updates\"")).isZero();
        // the webhook's three requests are left out of Spring's HTTP observation (its
        // cost at hundreds a second); observed, they would show as
        // uri="/webhook/orders"
        assertThat(metrics.lines().filter(line -> line.startsWith("http_server_requests_seconds_count{")))
            .noneMatch(line -> line.contains("/webhook"));
    }

    @Test
    void the_example_dashboard_queries_the_metrics_the_readme_names_from_the_data_source_picked_on_import()
            throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("docs/grafana-dashboard.json").toFile());
        Set<String> queried = new TreeSet<>();
        dashboard.findValues("expr").forEach(expr -> {
            Matcher names = Pattern.compile("\\b(?:shipsync|camel)_[a-z0-9_]+").matcher(expr.asText());
            while (names.find()) {
                // a timer's series are its name with a suffix
                queried.add(names.group().replaceFirst("_(bucket|sum|count|max)$", ""));
            }
        });

        assertThat(queried).isNotEmpty().isSubsetOf(documentedMetrics());
        // the Prometheus data source is picked on import, not written in
        assertThat(dashboard.findValues("datasource"))
            .allSatisfy(source -> assertThat(source.path("uid").asText()).isEqualTo("${datasource}"));
        // a filter on a label the metric does not carry matches nothing, and its panel
        // stays empty without a word: every filter matches a series the service exports
        Set<LabelFilter> filters = new HashSet<>();
        dashboard.findValues("expr").forEach(expr -> {
            Matcher selectors = SELECTOR.matcher(expr.asText());
            while (selectors.find()) {
                Matcher labels = LABEL_FILTER.matcher(selectors.group(2));
                while (labels.find()) {
                    // a literal value must be there; a dashboard variable's, any value
                    filters.add(new LabelFilter(selectors.group(1),
                            labels.group(1) + "=\"" + (labels.group(2).equals("=") ? labels.group(3) + "\"" : "")));
                }
            }
        });
        assertThat(filters).isNotEmpty();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String metrics = scrape();
            assertThat(filters).allSatisfy(filter -> assertThat(metrics.lines()
                .filter(line -> line.startsWith(filter.metric() + "{") && line.contains(filter.wanted())))
                .as(filter.toString())
                .isNotEmpty());
        });
    }

    /** A dashboard query's filter on a metric: what its series must contain. */
    private record LabelFilter(String metric, String wanted) {

        @Override
        public String toString() {
            return metric + "{" + wanted + "…}";
        }

    }

    /** The metric names in the README's "Metrics and logs" section. */
    private static Set<String> documentedMetrics() throws IOException {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf("\n## Metrics and logs\n");
        assertThat(start).as("the README's \"Metrics and logs\" section").isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        Matcher names = METRIC_NAME.matcher(readme.substring(start, end < 0 ? readme.length() : end));
        Set<String> found = new TreeSet<>();
        while (names.find()) {
            found.add(names.group(1));
        }
        return found;
    }

    private String scrape() {
        var answer = http.getForEntity("http://localhost:" + managementPort + "/actuator/prometheus", String.class);
        assertThat(answer.getStatusCode().value()).isEqualTo(200);
        return answer.getBody();
    }

    /** The value of the one series of {@code name} with all the given labels. */
    private static double value(String metrics, String name, String... labels) {
        var series = metrics.lines()
            .filter(line -> line.startsWith(name + "{"))
            .filter(line -> Arrays.stream(labels).allMatch(line::contains))
            .toList();
        assertThat(series).as("%s with %s", name, Arrays.toString(labels)).hasSize(1);
        return Double.parseDouble(series.get(0).substring(series.get(0).lastIndexOf(' ') + 1));
    }

}
