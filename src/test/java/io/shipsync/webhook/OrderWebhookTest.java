package io.shipsync.webhook;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.shipsync.EndToEndTest;
import io.shipsync.TestDatabase;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The order webhook through real HTTP on the running service, with a shared token and
 * {@code auto-status: processing}: what it accepts, what it refuses and why, and that
 * every acknowledged event is stored once and acted on once.
 */
class OrderWebhookTest extends EndToEndTest {

    private static final String TOKEN = "wh-test-token-5f1c2a9e7b";

    private static final String JSON = "application/json";

    /**
     * A second TribeMade store, with a key of its own, taking the events of its platform
     * store id.
     */
    private static final String NORTH_KEY = "tb-test-nrth-key2";

    private static final UUID NORTH = UUID.fromString("5a000000-0000-4000-8000-00000000000a");

    @LocalServerPort
    private int port;

    @Autowired
    private MeterRegistry metrics;

    @Autowired
    private CamelContext camel;

    @Autowired
    private OrderEvents orderEvents;

    @Autowired
    private TransactionTemplate transactions;

    private WebhookClient webhook;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        configure(registry, 20, 50);
        registry.add("shipsync.webhook.token", () -> TOKEN);
        registry.add("shipsync.webhook.auto-status", () -> "processing");
        registry.add("shipsync.webhook.max-body-size", () -> "4KB");
        registry.add("shipsync.webhook.poll-interval", () -> "100ms");
        registry.add("shipsync.tribemade.platform-store-id", () -> WebhookClient.PLATFORM_STORE);
        platform.addStore(NORTH_KEY, NORTH);
        registry.add("shipsync.stores.north.platform", () -> "tribemade");
        registry.add("shipsync.stores.north.base-url", platform::baseUrl);
        registry.add("shipsync.stores.north.api-key", () -> NORTH_KEY);
        registry.add("shipsync.stores.north.platform-store-id", () -> NORTH);
    }

    @BeforeEach
    void client() {
        webhook = new WebhookClient(port);
    }

    @Test
    void an_event_of_another_platform_store_goes_to_the_store_whose_platform_store_id_it_is() throws Exception {
        UUID order = UUID.randomUUID();
        platform.addOrder(NORTH, order, "started");

        var response = webhook.post(
                WebhookClient.orderCreated(order).replace(WebhookClient.PLATFORM_STORE.toString(), NORTH.toString()),
                "Content-Type", JSON, "X-Webhook-Token", TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        // the platform answers 403 to another store's key: processing arrived with
        // north's
        await().atMost(Duration.ofSeconds(10)).until(() -> platform.statusHistory(order).size() == 1);
        assertThat(platform.statusHistory(order)).containsExactly("processing");
        assertThat(jdbc.sql("SELECT store_key FROM webhook_event WHERE order_id = :o")
            .param("o", order)
            .query(String.class)
            .single()).isEqualTo("north");
        assertThat(jdbc.sql("SELECT store_key FROM status_update WHERE order_id = :o")
            .param("o", order.toString())
            .query(String.class)
            .single()).isEqualTo("north");
    }

    @Test
    void an_event_is_stored_acknowledged_and_moves_the_new_order_to_processing() throws Exception {
        UUID order = newOrder("started");

        var response = webhook.post(WebhookClient.orderCreated(order), "Content-Type", JSON, "X-Webhook-Token", TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
            .hasValueSatisfying(t -> assertThat(t).startsWith(JSON));
        assertThat(response.body()).contains("\"status\":\"accepted\"").contains("\"event_id\":" + eventId(order));
        await().atMost(Duration.ofSeconds(10)).until(() -> platform.statusHistory(order).size() == 1);
        assertThat(platform.statusHistory(order)).containsExactly("processing");
        assertThat(jdbc.sql("SELECT source || ' / ' || source_ref FROM status_update WHERE order_id = :o")
            .param("o", order.toString())
            .query(String.class)
            .single()).isEqualTo("webhook / webhook event " + eventId(order));
        assertThat(jdbc.sql("SELECT platform_store_id FROM known_order WHERE order_id = :o")
            .param("o", order.toString())
            .query(UUID.class)
            .single()).isEqualTo(WebhookClient.PLATFORM_STORE);
        assertThat(jdbc.sql("SELECT ordered_at FROM known_order WHERE order_id = :o")
            .param("o", order.toString())
            .query(OffsetDateTime.class)
            .single()
            .toInstant())
            .isEqualTo(OffsetDateTime.of(2024, 11, 16, 10, 30, 45, 123_456_000, ZoneOffset.UTC).toInstant());
    }

    @Test
    void the_token_may_come_in_the_query_for_platforms_that_only_take_a_url() throws Exception {
        UUID order = UUID.randomUUID();

        var response = webhook.postWithQuery("?token=" + TOKEN, WebhookClient.orderCreated(order), "Content-Type",
                JSON);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(storedEvents(order)).isEqualTo(1);
    }

    @Test
    void a_request_without_the_right_token_is_refused_and_nothing_is_stored() throws Exception {
        UUID order = UUID.randomUUID();
        String event = WebhookClient.orderCreated(order);
        double refusedBefore = refused("bad-token");

        var missing = webhook.post(event, "Content-Type", JSON);
        var wrong = webhook.post(event, "Content-Type", JSON, "X-Webhook-Token", TOKEN + "x");
        var wrongInQuery = webhook.postWithQuery("?token=nope", event, "Content-Type", JSON);

        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.body()).startsWith("{\"error\":").contains("token missing").contains("X-Webhook-Token");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("token not accepted");
        assertThat(wrongInQuery.statusCode()).isEqualTo(401);
        assertThat(storedEvents(order)).isZero();
        assertThat(refused("bad-token") - refusedBefore).isEqualTo(3);
    }

    @Test
    void the_answer_never_echoes_the_credentials() throws Exception {
        var response = webhook.postWithQuery("?token=" + TOKEN, WebhookClient.orderCreated(UUID.randomUUID()),
                "Content-Type", JSON, "X-Webhook-Token", TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().map().toString()).doesNotContain(TOKEN);
        assertThat(response.body()).doesNotContain(TOKEN);
    }

    @Test
    void only_json_is_accepted() throws Exception {
        UUID order = UUID.randomUUID();
        String event = WebhookClient.orderCreated(order);
        double refusedBefore = refused("wrong-content-type");

        var text = webhook.post(event, "Content-Type", "text/plain", "X-Webhook-Token", TOKEN);
        var form = webhook.post(event, "Content-Type", "application/x-www-form-urlencoded", "X-Webhook-Token", TOKEN);
        var latin1 = webhook.post(event, "Content-Type", "application/json; charset=ISO-8859-1", "X-Webhook-Token",
                TOKEN);
        var none = webhook.post(event, "X-Webhook-Token", TOKEN);
        assertThat(storedEvents(order)).isZero();
        var utf8 = webhook.post(event, "Content-Type", "application/json; charset=utf-8", "X-Webhook-Token", TOKEN);

        assertThat(text.statusCode()).isEqualTo(415);
        assertThat(text.body()).contains("application/json");
        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(form.body()).startsWith("{\"error\":");
        assertThat(none.statusCode()).isEqualTo(415);
        assertThat(none.body()).contains("Content-Type is missing");
        assertThat(latin1.statusCode()).isEqualTo(415);
        assertThat(latin1.body()).contains("UTF-8");
        assertThat(utf8.statusCode()).isEqualTo(200);
        assertThat(refused("wrong-content-type") - refusedBefore).isEqualTo(4);
    }

    @Test
    void a_body_over_the_size_limit_is_refused_whether_or_not_it_declares_its_length() throws Exception {
        UUID order = UUID.randomUUID();
        String oversized = WebhookClient.orderCreated(order).replace("Please gift wrap", "x".repeat(5000));
        double refusedBefore = refused("too-large");

        var declared = webhook.post(oversized, "Content-Type", JSON, "X-Webhook-Token", TOKEN);
        var chunked = webhook.postChunked(oversized.getBytes(), "Content-Type", JSON, "X-Webhook-Token", TOKEN);

        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(declared.body()).contains("max-body-size");
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(storedEvents(order)).isZero();
        assertThat(refused("too-large") - refusedBefore).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @SuppressWarnings("checkstyle:LineLength")
    @CsvSource(delimiter = '|',
            textBlock = """
                    not JSON                  | {"event": "order.created",                 | not valid JSON | malformed
                    not an object             | ["order.created"]                          | must be a JSON object | malformed
                    another event             | {"event": "order.updated"}                 | "order.updated" is not handled here | not-order-created
                    no event                  | {"order_id": "770e8400-e29b-41d4-a716-446655440789"} | event is missing | malformed
                    order_id not a UUID       | @order_id=12345                            | order_id must be a UUID | malformed
                    store_id missing          | @store_id=                                 | store_id is missing | malformed
                    created_at not a time     | @created_at=yesterday                      | created_at must be an ISO 8601 timestamp | malformed
                    created_at not a date     | @created_at=2024-02-30T10:30:45.123456     | created_at must be an ISO 8601 timestamp | malformed
                    created_at with a letter  | @created_at=2024-11-16T10:30:4x.123456     | created_at must be an ISO 8601 timestamp | malformed
                    unknown status            | @status=shipped                            | "shipped" is not an order status | malformed
                    not a new order           | @status=processing                         | "processing" is not the status of a new order | not-new-order
                    another store             | @store_id=5a000000-0000-4000-8000-0000000000ff | is not a store shipsync works for | unknown-store
                    two order_ids             | @duplicate                                 | Duplicate field | malformed
                    trailing data             | @trailing                                  | not valid JSON | malformed
                    empty body                | @empty                                     | body is empty | malformed
                    """)
    void a_malformed_event_is_refused_with_a_reason(String name, String body, String reason, String counted)
            throws Exception {
        UUID order = UUID.randomUUID();
        double refusedBefore = refused(counted);

        var response = webhook.post(malformed(order, body), "Content-Type", JSON, "X-Webhook-Token", TOKEN);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).startsWith("{\"error\":").contains(reason.replace("\"", "\\\""));
        assertThat(storedEvents(order)).isZero();
        assertThat(refused(counted) - refusedBefore).as("refusals counted as %s", counted).isEqualTo(1);
    }

    @Test
    void the_documented_nullable_fields_may_be_null() throws Exception {
        UUID order = UUID.randomUUID();
        String event = WebhookClient.orderCreated(order)
            .replace("\"Slim Fit\"", "null")
            .replace("\"L\"", "null")
            .replace("\"Navy Blue\"", "null")
            .replace("\"Please gift wrap\"", "null");

        var response = webhook.post(event, "Content-Type", JSON, "X-Webhook-Token", TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(storedEvents(order)).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            without a zone, as in the reference's example (UTC) | 2024-11-16T10:30:45.123456
            in UTC                                                | 2024-11-16T10:30:45.123456Z
            with an offset                                        | 2024-11-16T16:00:45.123456+05:30
            with a negative offset                                | 2024-11-16T05:30:45.123456-05:00
            with nine digits of a second, in UTC                  | 2024-11-16T10:30:45.123456000Z
            """)
    void created_at_is_taken_as_the_moment_it_names(String name, String createdAt) throws Exception {
        UUID order = UUID.randomUUID();

        var response = webhook.post(replaceField(WebhookClient.orderCreated(order), "created_at=" + createdAt),
                "Content-Type", JSON, "X-Webhook-Token", TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(jdbc.sql("SELECT ordered_at FROM webhook_event WHERE order_id = :o")
            .param("o", order)
            .query(OffsetDateTime.class)
            .single()
            .toInstant())
            .isEqualTo(OffsetDateTime.of(2024, 11, 16, 10, 30, 45, 123_456_000, ZoneOffset.UTC).toInstant());
    }

    @Test
    void only_post_is_served() throws Exception {
        assertThat(webhook.get("X-Webhook-Token", TOKEN).statusCode()).isEqualTo(405);
    }

    @Test
    void a_redelivered_event_is_acknowledged_every_time_and_acted_on_once() throws Exception {
        UUID order = newOrder("started");
        String event = WebhookClient.orderCreated(order);
        double acceptedBefore = stored("accepted");
        double duplicatesBefore = stored("duplicate");

        var first = webhook.post(event, "Content-Type", JSON, "X-Webhook-Token", TOKEN);
        var second = webhook.post(event, "Content-Type", JSON, "X-Webhook-Token", TOKEN);
        await().atMost(Duration.ofSeconds(10)).until(() -> "APPLIED".equals(updateState(order)));
        var afterProcessing = webhook.post(event, "Content-Type", JSON, "X-Webhook-Token", TOKEN);

        assertThat(List.of(first.statusCode(), second.statusCode(), afterProcessing.statusCode())).containsOnly(200);
        assertThat(first.body()).contains("\"status\":\"accepted\"");
        assertThat(second.body()).contains("\"status\":\"duplicate\"");
        assertThat(afterProcessing.body()).contains("\"status\":\"duplicate\"");
        assertThat(deliveries(order)).isEqualTo(3);
        assertThat(stored("accepted") - acceptedBefore).isEqualTo(1);
        assertThat(stored("duplicate") - duplicatesBefore).isEqualTo(2);
        assertThat(updatesFor(order)).isEqualTo(1);
        assertThat(platform.statusHistory(order)).containsExactly("processing");
    }

    /**
     * At a failover two instances can process the same stored event for a moment. The
     * second reads it as pending while the first has processed it but not yet committed;
     * it waits for the first one's locks, then finds the event no longer pending, and its
     * transaction is undone: the order gets one status update, not two.
     */
    @Test
    void an_event_two_instances_process_at_once_is_acted_on_once() throws Exception {
        UUID order = newOrder("started");
        var pool = Executors.newFixedThreadPool(2);
        camel.getRouteController().suspendRoute("order-events");
        try {
            webhook.post(WebhookClient.orderCreated(order), "Content-Type", JSON, "X-Webhook-Token", TOKEN);
            List<Long> event = List.of(eventId(order));
            var firstProcessed = new CountDownLatch(1);
            var firstMayCommit = new CountDownLatch(1);
            Future<?> first = pool.submit(() -> transactions.executeWithoutResult(status -> {
                orderEvents.processAll(event);
                firstProcessed.countDown();
                awaitLatch(firstMayCommit);
            }));
            assertThat(firstProcessed.await(10, TimeUnit.SECONDS)).isTrue();
            Future<?> second = pool.submit(() -> orderEvents.processAll(event));
            await().atMost(Duration.ofSeconds(10)).until(this::anotherTransactionInsertsAnOrder);
            firstMayCommit.countDown();
            first.get(10, TimeUnit.SECONDS);
            second.get(10, TimeUnit.SECONDS);
        }
        finally {
            pool.shutdownNow();
            camel.getRouteController().resumeRoute("order-events");
        }

        assertThat(eventState(order)).isEqualTo("PROCESSED");
        assertThat(updatesFor(order)).isEqualTo(1);
    }

    @Test
    void a_storm_of_twenty_concurrent_duplicates_is_stored_once_and_processed_once() throws Exception {
        UUID order = newOrder("started");
        String event = WebhookClient.orderCreated(order);
        var responses = new ArrayList<Future<HttpResponse<String>>>();
        var senders = Executors.newFixedThreadPool(20);
        try {
            for (int i = 0; i < 20; i++) {
                Callable<HttpResponse<String>> send = () -> webhook.post(event, "Content-Type", JSON, "X-Webhook-Token",
                        TOKEN);
                responses.add(senders.submit(send));
            }
        }
        finally {
            senders.shutdown();
        }

        var bodies = new ArrayList<String>();
        for (var response : responses) {
            assertThat(response.get().statusCode()).isEqualTo(200);
            bodies.add(response.get().body());
        }
        assertThat(bodies).filteredOn(b -> b.contains("\"accepted\"")).hasSize(1);
        assertThat(bodies).filteredOn(b -> b.contains("\"duplicate\"")).hasSize(19);
        assertThat(storedEvents(order)).isEqualTo(1);
        assertThat(deliveries(order)).isEqualTo(20);
        await().atMost(Duration.ofSeconds(10)).until(() -> "APPLIED".equals(updateState(order)));
        assertThat(updatesFor(order)).isEqualTo(1);
        assertThat(platform.statusHistory(order)).containsExactly("processing");
    }

    @Test
    void the_customers_personal_data_is_not_kept() throws Exception {
        UUID order = UUID.randomUUID();

        webhook.post(WebhookClient.orderCreated(order), "Content-Type", JSON, "X-Webhook-Token", TOKEN);

        String stored = jdbc.sql("SELECT payload FROM webhook_event WHERE order_id = :o")
            .param("o", order)
            .query(String.class)
            .single();
        assertThat(stored).contains(order.toString())
            .contains("\"quantity\":2")
            .contains("Slim Fit")
            .doesNotContain("Rahul")
            .doesNotContain("rahul@example.com")
            .doesNotContain("9876543210")
            .doesNotContain("MG Road")
            .doesNotContain("400001")
            .doesNotContain("gift wrap");
    }

    @Test
    void a_late_event_does_not_move_an_order_that_has_gone_further() throws Exception {
        UUID order = newOrder("dispatched");
        jdbc.sql("""
                INSERT INTO known_order (store_key, order_id, status, learned_from, updated_at)
                VALUES ('default', :o, 'dispatched', 'UPDATE', CURRENT_TIMESTAMP)""")
            .param("o", order.toString())
            .update();

        webhook.post(WebhookClient.orderCreated(order), "Content-Type", JSON, "X-Webhook-Token", TOKEN);

        await().atMost(Duration.ofSeconds(10)).until(() -> "PROCESSED".equals(eventState(order)));
        assertThat(updatesFor(order)).isZero();
        assertThat(jdbc.sql("SELECT status FROM known_order WHERE order_id = :o")
            .param("o", order.toString())
            .query(String.class)
            .single()).isEqualTo("dispatched");
        assertThat(jdbc.sql("SELECT detail FROM webhook_event WHERE order_id = :o")
            .param("o", order)
            .query(String.class)
            .single()).isEqualTo("order known as dispatched; processing not queued");
    }

    @Test
    void an_event_the_database_cannot_take_is_answered_503_so_the_platform_sends_it_again() throws Exception {
        UUID order = UUID.randomUUID();
        String event = WebhookClient.orderCreated(order);
        double failedBefore = failed("unavailable");
        HttpResponse<String> unavailable;
        jdbc.sql("ALTER TABLE webhook_event RENAME TO webhook_event_away").update();
        try {
            unavailable = webhook.post(event, "Content-Type", JSON, "X-Webhook-Token", TOKEN);
        }
        finally {
            jdbc.sql("ALTER TABLE webhook_event_away RENAME TO webhook_event").update();
        }
        var again = webhook.post(event, "Content-Type", JSON, "X-Webhook-Token", TOKEN);

        assertThat(unavailable.statusCode()).isEqualTo(503);
        assertThat(unavailable.body()).contains("not accepted, send it again");
        assertThat(unavailable.headers().firstValue("Retry-After")).isPresent();
        assertThat(failed("unavailable") - failedBefore).isEqualTo(1);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("\"accepted\"");
    }

    @Test
    void an_event_that_fails_while_processed_becomes_a_dead_letter() throws Exception {
        UUID order = UUID.randomUUID();
        jdbc.sql("ALTER TABLE known_order RENAME TO known_order_away").update();
        try {
            webhook.post(WebhookClient.orderCreated(order), "Content-Type", JSON, "X-Webhook-Token", TOKEN);
            await().atMost(Duration.ofSeconds(10)).until(() -> "DEAD".equals(eventState(order)));
        }
        finally {
            jdbc.sql("ALTER TABLE known_order_away RENAME TO known_order").update();
        }

        assertThat(jdbc.sql("""
                SELECT d.source || ' / ' || d.source_ref FROM dead_letter d
                JOIN webhook_event e ON e.id = d.webhook_event_id WHERE e.order_id = :o""")
            .param("o", order)
            .query(String.class)
            .single()).isEqualTo("webhook / webhook event " + eventId(order));
        assertThat(jdbc.sql("SELECT reason FROM dead_letter WHERE order_id = :o")
            .param("o", order.toString())
            .query(String.class)
            .single()).contains("failed while processing the order.created event").containsIgnoringCase("known_order");
        assertThat(updatesFor(order)).isZero();
    }

    @Test
    void an_event_that_fails_does_not_hold_up_the_events_processed_with_it() throws Exception {
        UUID first = newOrder("started");
        UUID failing = newOrder("started");
        UUID last = newOrder("started");
        jdbc.sql("ALTER TABLE known_order ADD CONSTRAINT refuse_one_order CHECK (order_id <> '" + failing + "')")
            .update();
        try {
            for (UUID order : List.of(first, failing, last)) {
                webhook.post(WebhookClient.orderCreated(order), "Content-Type", JSON, "X-Webhook-Token", TOKEN);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> "DEAD".equals(eventState(failing)));
        }
        finally {
            jdbc.sql("ALTER TABLE known_order DROP CONSTRAINT refuse_one_order").update();
        }

        await().atMost(Duration.ofSeconds(10))
            .until(() -> "PROCESSED".equals(eventState(first)) && "PROCESSED".equals(eventState(last)));
        assertThat(updatesFor(first)).isEqualTo(1);
        assertThat(updatesFor(last)).isEqualTo(1);
        assertThat(updatesFor(failing)).isZero();
        assertThat(jdbc
            .sql("SELECT COUNT(*) FROM dead_letter WHERE webhook_event_id IS NOT NULL AND order_id IN (:orders)")
            .param("orders", List.of(first.toString(), failing.toString(), last.toString()))
            .query(Long.class)
            .single()).isEqualTo(1);
    }

    private static String malformed(UUID order, String body) {
        String event = WebhookClient.orderCreated(order);
        return switch (body) {
            case "@duplicate" -> event.replace("\"status\"", "\"order_id\": \"" + UUID.randomUUID() + "\", \"status\"");
            case "@trailing" -> event + " {}";
            case "@empty" -> "";
            default -> body.startsWith("@") ? replaceField(event, body.substring(1)) : body;
        };
    }

    /** {@code field=value} sets a top-level string field; {@code field=} removes it. */
    private static String replaceField(String event, String assignment) {
        String field = assignment.substring(0, assignment.indexOf('='));
        String value = assignment.substring(assignment.indexOf('=') + 1);
        String withoutField = event.replaceAll("\\s*\"" + field + "\": \"[^\"]*\",", "");
        return value.isEmpty() ? withoutField
                : withoutField.replace("\"event\"", "\"" + field + "\": \"" + value + "\", \"event\"");
    }

    /**
     * Webhook requests refused for this reason so far
     * ({@code shipsync_webhook_events_total}).
     */
    private double refused(String reason) {
        return metrics.get("shipsync.webhook.events").tag("result", "refused").tag("reason", reason).counter().count();
    }

    private double failed(String reason) {
        return metrics.get("shipsync.webhook.events").tag("result", "failed").tag("reason", reason).counter().count();
    }

    /**
     * Events of the default store stored so far: {@code accepted} or {@code duplicate}.
     */
    private double stored(String result) {
        return metrics.get("shipsync.webhook.events").tag("store", "default").tag("result", result).counter().count();
    }

    private long storedEvents(UUID order) {
        return jdbc.sql("SELECT COUNT(*) FROM webhook_event WHERE order_id = :o")
            .param("o", order)
            .query(Long.class)
            .single();
    }

    private long eventId(UUID order) {
        return jdbc.sql("SELECT id FROM webhook_event WHERE order_id = :o")
            .param("o", order)
            .query(Long.class)
            .single();
    }

    private String eventState(UUID order) {
        return jdbc.sql("SELECT state FROM webhook_event WHERE order_id = :o")
            .param("o", order)
            .query(String.class)
            .optional()
            .orElse(null);
    }

    private int deliveries(UUID order) {
        return jdbc.sql("SELECT deliveries FROM webhook_event WHERE order_id = :o")
            .param("o", order)
            .query(Integer.class)
            .single();
    }

    /**
     * Whether a transaction other than the test's is inserting an order into
     * {@code known_order}: it has read its event as pending, and it waits for the lock of
     * the transaction that inserted the same order first.
     */
    private boolean anotherTransactionInsertsAnOrder() {
        String executing = TestDatabase.isPostgresql()
                ? "SELECT query FROM pg_stat_activity WHERE state = 'active' AND datname = current_database()"
                : "SELECT executing_statement FROM information_schema.sessions";
        return jdbc.sql(executing)
            .query(String.class)
            .list()
            .stream()
            .anyMatch(statement -> statement != null && statement.startsWith("INSERT INTO known_order"));
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private long updatesFor(UUID order) {
        return jdbc.sql("SELECT COUNT(*) FROM status_update WHERE order_id = :o")
            .param("o", order.toString())
            .query(Long.class)
            .single();
    }

}
