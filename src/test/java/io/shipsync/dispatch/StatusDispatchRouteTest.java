package io.shipsync.dispatch;

import java.io.IOException;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.sql.DataSource;

import io.shipsync.EndToEndTest;
import io.shipsync.sandbox.Fault;
import io.shipsync.sandbox.RecordedRequest;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The status-dispatch flow end to end: shipment files in the inbox, the outbox in H2,
 * real HTTP to the TribeMade sandbox. The sandbox here allows far more than shipsync's
 * throttle (5 status updates a second), so the pace the sandbox sees is the Throttle
 * EIP's alone: the platform's rate-limit headers never say "stop" and no 429 comes.
 * {@link StatusDispatchUnderStricterPlatformTest} covers a platform stricter than
 * shipsync.
 */
class StatusDispatchRouteTest extends EndToEndTest {

    static final int UPDATES_PER_SECOND = 5;
    static final String HEADER = "order_id,status,tracking_url\n";
    static final String TRACKING = "https://delhivery.com/track/DLVY";

    @Autowired
    private DataSource dataSource;

    @Autowired
    private CamelContext camel;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        configure(registry, 50, 50);
        // a later add of the same name in the same method wins: shipsync's throttle is
        // the only limit that acts
        registry.add("shipsync.status-updates.max-requests", () -> UPDATES_PER_SECOND);
        registry.add("shipsync.status-updates.max-attempts", () -> 3);
        registry.add("shipsync.status-updates.auth-retry-interval", () -> "1s");
        // what shipsync applied is acted on without a new read, so an order changed
        // meanwhile meets the platform's refusal
        registry.add("shipsync.status-updates.trust-own-updates-for", () -> "1h");
    }

    /**
     * Every test leaves the platform healthy and the outbox settled, so the next one
     * starts clean.
     */
    @AfterEach
    void settleLeftovers() {
        platform.clearFaults();
        platform.restoreApiKey(API_KEY);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> pendingUpdates() == 0);
        }
        catch (ConditionTimeoutException stuck) {
            // the test has failed already; keep its leftovers from disturbing the next
            // test
            jdbc.sql("UPDATE status_update SET state = 'REJECTED', detail = 'abandoned by test clean-up' "
                    + "WHERE state IN ('PENDING', 'SENDING')")
                .update();
        }
    }

    // ------------------------------------------------------------------------------------------
    // rate

    @Test
    void every_order_goes_through_one_http_endpoint_per_api_root_and_method() throws IOException {
        List<UUID> orders = IntStream.range(0, 12).mapToObj(i -> newOrder("started")).toList();
        StringBuilder csv = new StringBuilder(HEADER);
        orders.forEach(order -> csv.append(order).append(",processing,\n"));

        drop("endpoints.csv", csv.toString());
        awaitReport("endpoints");

        // an endpoint URI per order would make an endpoint, with its HTTP client, per
        // order: memory and CPU
        assertThat(camel.getEndpoints()).extracting(Endpoint::getEndpointUri)
            .filteredOn(uri -> uri.startsWith("http"))
            .containsExactlyInAnyOrder(platform.baseUrl() + "?httpMethod=GET&throwExceptionOnFailure=false",
                    platform.baseUrl() + "?httpMethod=PUT&throwExceptionOnFailure=false");
    }

    @Test
    void sends_status_updates_no_faster_than_the_configured_rate() throws IOException {
        List<UUID> orders = IntStream.range(0, 16).mapToObj(i -> newOrder("started")).toList();
        StringBuilder csv = new StringBuilder(HEADER);
        orders.forEach(order -> csv.append(order).append(",processing,\n"));

        drop("rate.csv", csv.toString());

        await().atMost(Duration.ofSeconds(30))
            .until(() -> orders.stream()
                .allMatch(order -> platform.statusHistory(order).equals(List.of("processing"))));
        List<RecordedRequest> puts = platform.requests()
            .stream()
            .filter(r -> r.method().equals("PUT") && orders.stream().anyMatch(o -> r.path().contains(o.toString())))
            .toList();
        List<Instant> arrivals = puts.stream().map(RecordedRequest::arrivedAt).sorted().toList();
        assertThat(arrivals).hasSize(16);
        for (int i = 0; i + UPDATES_PER_SECOND < arrivals.size(); i++) {
            assertThat(Duration.between(arrivals.get(i), arrivals.get(i + UPDATES_PER_SECOND)))
                .as("PUTs %d and %d arrived within one second: more than %d in a 1 s window; arrivals %s", i,
                        i + UPDATES_PER_SECOND, UPDATES_PER_SECOND, arrivals)
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }
        assertThat(Duration.between(arrivals.get(0), arrivals.get(arrivals.size() - 1)))
            .isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        assertThat(awaitReport("rate")).filteredOn(line -> line.contains(",processing,applied,")).hasSize(16);
    }

    // ------------------------------------------------------------------------------------------
    // failures that pass

    @Test
    void retries_after_server_errors_and_applies_the_update_once() throws IOException {
        UUID order = newOrder("started");
        platform.injectFault("PUT", Fault.serverError(), 2);

        drop("server-errors.csv", HEADER + order + ",processing,\n");

        assertThat(reportLine(awaitReport("server-errors"), 2)).startsWith("2," + order + ",processing,applied,");
        assertThat(platform.statusHistory(order)).containsExactly("processing");
        assertThat(putsFor(order)).extracting(RecordedRequest::status).containsExactly(500, 500, 200);
        assertThat(updateRow(order)).containsEntry("state", "APPLIED").containsEntry("attempts", 2);
    }

    @Test
    void verifies_with_a_read_instead_of_resending_when_the_answer_to_an_applied_update_is_lost() throws IOException {
        UUID order = newOrder("started");
        platform.injectFault("PUT", Fault.dropAfterApply(), 1);

        drop("lost-answer.csv", HEADER + order + ",processing,\n");

        assertThat(reportLine(awaitReport("lost-answer"), 2)).startsWith("2," + order + ",processing,applied,");
        assertThat(platform.statusHistory(order)).containsExactly("processing");
        List<RecordedRequest> puts = putsFor(order);
        assertThat(puts).singleElement().satisfies(put -> assertThat(put.dropped()).isTrue());
        assertThat(requestsOf(order)).anySatisfy(read -> {
            assertThat(read.method()).isEqualTo("GET");
            assertThat(read.arrivedAt()).isAfter(puts.get(0).arrivedAt());
            assertThat(read.status()).isEqualTo(200);
        });
    }

    @Test
    void sends_again_when_a_dropped_update_was_not_applied() throws IOException {
        UUID order = newOrder("started");
        platform.injectFault("PUT", Fault.dropBeforeApply(), 1);

        drop("dropped-before.csv", HEADER + order + ",processing,\n");

        assertThat(reportLine(awaitReport("dropped-before"), 2)).startsWith("2," + order + ",processing,applied,");
        assertThat(platform.statusHistory(order)).containsExactly("processing");
        assertThat(putsFor(order)).extracting(RecordedRequest::status)
            .containsExactly(RecordedRequest.NO_RESPONSE, 200);
    }

    @Test
    void a_busy_database_leaves_the_update_for_later_instead_of_making_it_a_dead_letter() throws Exception {
        UUID order = newOrder("started");
        jdbc.sql("""
                INSERT INTO known_order (store_key, order_id, status, learned_from, updated_at)
                VALUES ('default', :order, 'started', 'PLATFORM', TIMESTAMP WITH TIME ZONE '2020-01-01 00:00:00Z')""")
            .param("order", order.toString())
            .update();
        try (Connection other = dataSource.getConnection()) {
            // another transaction holds the order's row: recording what the platform said
            // waits, then times out
            other.setAutoCommit(false);
            try (var lock = other.prepareStatement("SELECT status FROM known_order WHERE order_id = ? FOR UPDATE")) {
                lock.setString(1, order.toString());
                lock.executeQuery().close();
            }

            drop("busy-database.csv", HEADER + order + ",processing,\n");

            // every try reads the order first: a second read means a timed-out try was
            // left for later
            await().atMost(Duration.ofSeconds(60)).until(() -> requestsOf(order).size() >= 2);
            assertThat(deadLettersOf(order)).isZero();
            assertThat(updateState(order)).isEqualTo("PENDING");
            other.rollback();
        }

        assertThat(reportLine(awaitReport("busy-database"), 2)).startsWith("2," + order + ",processing,applied,");
        assertThat(platform.statusHistory(order)).containsExactly("processing");
        assertThat(deadLettersOf(order)).isZero();
    }

    @Test
    void an_applied_update_stays_applied_when_following_its_delivery_fails() throws IOException {
        UUID order = newOrder("processing");
        jdbc.sql("ALTER TABLE tracked_shipment RENAME TO tracked_shipment_away").update();
        try {
            drop("follow-up-fails.csv", HEADER + order + ",dispatched," + TRACKING + "90\n");

            assertThat(reportLine(awaitReport("follow-up-fails"), 2)).startsWith("2," + order + ",dispatched,applied,");
            await().atMost(Duration.ofSeconds(5))
                .until(() -> jdbc.sql("SELECT detail FROM status_update WHERE order_id = :o")
                    .param("o", order.toString())
                    .query(String.class)
                    .single()
                    .contains("Delivery is not followed: shipsync could not record the shipment."));
        }
        finally {
            jdbc.sql("ALTER TABLE tracked_shipment_away RENAME TO tracked_shipment").update();
        }
        assertThat(platform.statusHistory(order)).containsExactly("dispatched");
        assertThat(deadLettersOf(order)).isZero();
    }

    // ------------------------------------------------------------------------------------------
    // 401

    @Test
    void pauses_while_the_api_key_is_refused_and_resumes_once_it_works() throws Exception {
        UUID first = newOrder("started");
        UUID second = newOrder("started");
        platform.revokeApiKey(API_KEY);

        drop("key-revoked.csv", HEADER + first + ",processing,\n" + second + ",processing,\n");

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            JsonNode health = health();
            // one store's key is a problem of that store: the service stays up for the
            // others
            assertThat(health.path("status").asText()).isEqualTo("UP");
            assertThat(health.path("components").path("statusDispatch").path("details").toString()).contains("API key");
        });
        await().during(Duration.ofSeconds(2))
            .atMost(Duration.ofSeconds(4))
            .until(() -> updateState(first).equals("PENDING") && updateState(second).equals("PENDING")
                    && deadLettersOf(first, second) == 0);
        List<Instant> refused = platform.requests()
            .stream()
            .filter(r -> r.status() == 401)
            .map(RecordedRequest::arrivedAt)
            .toList();
        assertThat(refused).as("paused dispatch tries again, but not more than once per auth-retry-interval")
            .hasSizeBetween(1, 6);
        for (int i = 1; i < refused.size(); i++) {
            assertThat(Duration.between(refused.get(i - 1), refused.get(i))).isGreaterThan(Duration.ofMillis(900));
        }

        platform.restoreApiKey(API_KEY);

        List<String> report = awaitReport("key-revoked");
        assertThat(reportLine(report, 2)).startsWith("2," + first + ",processing,applied,");
        assertThat(reportLine(report, 3)).startsWith("3," + second + ",processing,applied,");
        assertThat(platform.statusHistory(first)).containsExactly("processing");
        assertThat(platform.statusHistory(second)).containsExactly("processing");
        await().atMost(Duration.ofSeconds(5))
            .untilAsserted(() -> assertThat(health().path("components").path("statusDispatch").path("status").asText())
                .isEqualTo("UP"));
    }

    // ------------------------------------------------------------------------------------------
    // dead letters

    @Test
    void dead_letters_updates_the_platform_refuses_with_its_error_and_does_not_retry() throws IOException {
        UUID foreign = UUID.randomUUID();
        platform.addOrder(OTHER_STORE, foreign, "started");
        UUID unknown = UUID.randomUUID();

        drop("refused.csv", HEADER + foreign + ",processing,\n" + unknown + ",processing,\n");

        List<String> report = awaitReport("refused");
        assertThat(reportLine(report, 2)).startsWith("2," + foreign + ",processing,dead-letter,")
            .contains("Order does not belong to this store");
        assertThat(reportLine(report, 3)).startsWith("3," + unknown + ",processing,dead-letter,")
            .contains("Order not found");
        assertThat(deadLetter(foreign)).containsEntry("source_file_name", "refused.csv")
            .containsEntry("source_line", 2L)
            .hasEntrySatisfying("reason",
                    reason -> assertThat((String) reason).contains("Order does not belong to this store"));
        assertThat(deadLetter(unknown)).containsEntry("source_file_name", "refused.csv")
            .containsEntry("source_line", 3L)
            .hasEntrySatisfying("reason", reason -> assertThat((String) reason).contains("Order not found"));
        assertThat(requestsOf(foreign)).singleElement().extracting(RecordedRequest::status).isEqualTo(403);
        assertThat(requestsOf(unknown)).singleElement().extracting(RecordedRequest::status).isEqualTo(404);
        assertThat(platform.statusHistory(foreign)).isEmpty();
    }

    @Test
    void dead_letters_an_update_the_platform_refuses_because_the_order_became_final_meanwhile() throws Exception {
        UUID order = newOrder("started");
        drop("before-cancel.csv", HEADER + order + ",processing,\n");
        assertThat(reportLine(awaitReport("before-cancel"), 2)).contains(",processing,applied,");
        // the store cancels it in the dashboard: shipsync still knows it as processing
        changeInDashboard(order, "{\"status\":\"cancelled\"}");
        int before = requestsOf(order).size();

        drop("after-cancel.csv", HEADER + order + ",dispatched," + TRACKING + "1\n");

        assertThat(reportLine(awaitReport("after-cancel"), 2)).startsWith("2," + order + ",dispatched,dead-letter,")
            .contains("Order is already cancelled");
        assertThat(deadLetter(order)).containsEntry("source_file_name", "after-cancel.csv")
            .hasEntrySatisfying("reason", reason -> assertThat((String) reason)
                .contains("Cannot update order status. Order is already cancelled."));
        assertThat(requestsOf(order).subList(before, requestsOf(order).size())).singleElement().satisfies(put -> {
            assertThat(put.method()).isEqualTo("PUT");
            assertThat(put.status()).isEqualTo(400);
        });
        assertThat(platform.statusHistory(order)).containsExactly("processing", "cancelled");
    }

    @Test
    void dead_letters_an_update_once_its_attempts_are_used_up() throws IOException {
        UUID order = newOrder("started");
        platform.injectFault("PUT", Fault.serverError(), 5);

        drop("exhausted.csv", HEADER + order + ",processing,\n");

        assertThat(reportLine(awaitReport("exhausted"), 2)).startsWith("2," + order + ",processing,dead-letter,")
            .contains("3 failed attempts");
        assertThat(putsFor(order)).extracting(RecordedRequest::status).containsExactly(500, 500, 500);
        assertThat(platform.statusHistory(order)).isEmpty();
        assertThat(deadLetter(order)).containsEntry("attempts", 3)
            .containsEntry("source_file_name", "exhausted.csv")
            .containsEntry("source_line", 2L)
            .hasEntrySatisfying("last_error", error -> assertThat((String) error).contains("500"));
        assertThat(updateRow(order)).containsEntry("state", "DEAD").containsEntry("attempts", 3);
    }

    // ------------------------------------------------------------------------------------------
    // state rules

    @Test
    void applies_the_state_rules_before_sending_anything() throws IOException {
        UUID alreadyDispatched = UUID.randomUUID();
        platform.addOrder(STORE, alreadyDispatched, "dispatched", TRACKING + "10");
        UUID delivered = newOrder("delivered");
        UUID dispatched = UUID.randomUUID();
        platform.addOrder(STORE, dispatched, "dispatched", TRACKING + "11");
        UUID skipping = newOrder("started");

        drop("state-rules.csv", HEADER + alreadyDispatched + ",dispatched," + TRACKING + "10\n" + delivered
                + ",cancelled,\n" + dispatched + ",processing,\n" + skipping + ",dispatched," + TRACKING + "12\n");

        List<String> report = awaitReport("state-rules");
        assertThat(reportLine(report, 2)).startsWith("2," + alreadyDispatched + ",dispatched,unchanged,");
        assertThat(reportLine(report, 3)).startsWith("3," + delivered + ",cancelled,rejected,").contains("final");
        assertThat(reportLine(report, 4)).startsWith("4," + dispatched + ",processing,rejected,").contains("go back");
        assertThat(reportLine(report, 5)).startsWith("5," + skipping + ",dispatched,applied,")
            .contains("processing, dispatched");
        assertThat(platform.statusHistory(skipping)).containsExactly("processing", "dispatched");
        assertThat(platform.order(skipping).trackingUrl()).isEqualTo(TRACKING + "12");
        for (UUID untouched : List.of(alreadyDispatched, delivered, dispatched)) {
            assertThat(putsFor(untouched)).as("PUTs for %s", untouched).isEmpty();
            assertThat(platform.statusHistory(untouched)).as("history of %s", untouched).isEmpty();
        }
    }

    @Test
    void rejects_a_row_that_skips_dispatched_without_a_tracking_url_before_sending_any_step() throws IOException {
        UUID order = newOrder("started");

        drop("no-link.csv", HEADER + order + ",delivered,\n");

        assertThat(reportLine(awaitReport("no-link"), 2)).startsWith("2," + order + ",delivered,rejected,")
            .contains("tracking");
        assertThat(putsFor(order)).as("no step may be sent for an update that cannot reach its target").isEmpty();
        assertThat(platform.statusHistory(order)).isEmpty();
    }

    // ------------------------------------------------------------------------------------------
    // helpers

    static List<RecordedRequest> requestsOf(UUID order) {
        return platform.requests().stream().filter(r -> r.path().contains(order.toString())).toList();
    }

    static List<RecordedRequest> putsFor(UUID order) {
        return requestsOf(order).stream().filter(r -> r.method().equals("PUT")).toList();
    }

    private Map<String, Object> updateRow(UUID order) {
        return jdbc.sql("SELECT state, attempts FROM status_update WHERE order_id = :id ORDER BY id DESC LIMIT 1")
            .param("id", order.toString())
            .query()
            .singleRow();
    }

    private Map<String, Object> deadLetter(UUID order) {
        return jdbc.sql("""
                SELECT source_file_name, source_line, attempts, reason, last_error
                FROM dead_letter WHERE order_id = :id""").param("id", order.toString()).query().singleRow();
    }

    private long deadLettersOf(UUID... orders) {
        return jdbc.sql("SELECT COUNT(*) FROM dead_letter WHERE order_id IN (:ids)")
            .param("ids", Stream.of(orders).map(UUID::toString).toList())
            .query(Long.class)
            .single();
    }

}
