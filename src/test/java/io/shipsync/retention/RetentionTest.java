package io.shipsync.retention;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.shipsync.EndToEndTest;
import io.shipsync.webhook.WebhookClient;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.master.MasterConsumer;
import org.apache.camel.component.quartz.QuartzComponent;
import org.junit.jupiter.api.Test;
import org.quartz.CronTrigger;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient.StatementSpec;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The nightly retention run on the real service and database, fired through its route:
 * rows of every kind, seeded old and recent, and exactly the finished ones past their
 * keep window (the defaults: 30 days for settled updates, file rows and stopped
 * shipments, 90 for closed dead letters and webhook events) are gone afterwards.
 */
class RetentionTest extends EndToEndTest {

    private static final String TOKEN = "wh-test-retention-4c1d8e2a";

    private static final String JSON = "application/json";

    /**
     * The seeded rows' store: not configured, so no dispatch or admission ever touches
     * them.
     */
    private static final String RETIRED = "retired";

    private static final JobKey JOB = JobKey.jobKey("retention", "shipsync");

    @LocalServerPort
    private int port;

    @Autowired
    private CamelContext camel;

    @Autowired
    private MeterRegistry metrics;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        configure(registry, 20, 50);
        registry.add("shipsync.webhook.token", () -> TOKEN);
        // the schedule never fires by itself here: the test fires it
        registry.add("shipsync.retention.cron", () -> "0 0 0 1 1 ? 2099");
        // two rows at a time, so that every kind takes several batches
        registry.add("shipsync.retention.batch-size", () -> "2");
    }

    @Test
    void deletes_finished_work_past_its_keep_window_and_nothing_else() throws Exception {
        // an unprocessed event must stay unprocessed for as long as the test looks at it
        camel.getRouteController().stopRoute("order-events");
        long filesBefore = count("ingested_file");

        // a file reported 40 days ago: its rows and settled updates go, a recent update
        // stays
        long reported = file("INGESTED", daysAgo(40), daysAgo(40));
        skippedRows(reported, 3);
        long appliedOfReported = update(reported, "APPLIED", daysAgo(35));
        attempts(appliedOfReported, 2);
        long recentOfReported = update(reported, "REJECTED", daysAgo(5));
        attempts(recentOfReported, 1);
        // a file whose report waits for an update still pending keeps everything
        long unreported = file("INGESTED", daysAgo(40), null);
        skippedRows(unreported, 1);
        long appliedOfUnreported = update(unreported, "APPLIED", daysAgo(35));
        long pendingOfUnreported = update(unreported, "PENDING", daysAgo(35));
        // a file still being taken in
        long ingesting = file("INGESTING", daysAgo(40), null);
        skippedRows(ingesting, 1);
        // a file that failed is never reported: its rows go after the window all the
        // same,
        // unless some still wait to join the outbox
        long failed = file("FAILED", daysAgo(40), null);
        skippedRows(failed, 1);
        long appliedOfFailed = update(failed, "APPLIED", daysAgo(35));
        long failedStillJoining = file("FAILED", daysAgo(40), null);
        skippedRows(failedStillJoining, 1);
        jdbc.sql("""
                INSERT INTO accepted_row (file_id, line, store_key, order_id, target_status)
                VALUES (:file, 9, :store, 'order-waiting', 'processing')""")
            .param("file", failedStillJoining)
            .param("store", RETIRED)
            .update();
        // a dry run checked and reported 40 days ago, and one 5 days ago
        long oldDryRun = file("CHECKED", daysAgo(40), daysAgo(40));
        checkedRows(oldDryRun, 3);
        long recentDryRun = file("CHECKED", daysAgo(5), daysAgo(5));
        checkedRows(recentDryRun, 1);

        long sendingOld = update(null, "SENDING", daysAgo(35));
        attempts(sendingOld, 1);
        long deadOpen = update(null, "DEAD", daysAgo(100));
        long openLetter = deadLetter(deadOpen, null, null, null, null);
        long deadDiscarded = update(null, "DEAD", daysAgo(100));
        attempts(deadDiscarded, 3);
        deadLetter(deadDiscarded, null, null, null, daysAgo(95));
        // replayed 95 days ago, and applied then
        long replayedAndApplied = update(null, "APPLIED", daysAgo(94));
        deadLetter(replayedAndApplied, null, null, daysAgo(95), null);
        long deadRecentlyDiscarded = update(null, "DEAD", daysAgo(40));
        long recentlyDiscardedLetter = deadLetter(deadRecentlyDiscarded, null, null, null, daysAgo(10));

        long dispatchOfPolling = update(null, "APPLIED", daysAgo(35));
        long polling = shipment("POLLING", dispatchOfPolling, null, daysAgo(35));
        long dispatchOfDelivered = update(null, "APPLIED", daysAgo(35));
        long deliveredUpdate = update(null, "APPLIED", daysAgo(35));
        shipment("DELIVERED", dispatchOfDelivered, deliveredUpdate, daysAgo(35));
        long dispatchOfRecentlyDelivered = update(null, "APPLIED", daysAgo(35));
        long recentlyDelivered = shipment("DELIVERED", dispatchOfRecentlyDelivered, null, daysAgo(5));
        long returned = shipment("RETURNED", null, null, daysAgo(100));
        long returnedLetter = deadLetter(null, null, returned, null, null);

        event("PROCESSED", daysAgo(100), daysAgo(100));
        long redeliveredLately = event("PROCESSED", daysAgo(100), daysAgo(10));
        long unprocessed = event("PENDING", daysAgo(100), daysAgo(100));
        long deadEvent = event("DEAD", daysAgo(100), daysAgo(100));
        long eventLetter = deadLetter(null, deadEvent, null, null, null);

        // two events through the webhook, then made 80 and 100 days old
        WebhookClient webhook = new WebhookClient(port);
        UUID withinWindow = UUID.randomUUID();
        UUID pastWindow = UUID.randomUUID();
        assertThat(deliver(webhook, withinWindow)).contains("\"accepted\"");
        assertThat(deliver(webhook, pastWindow)).contains("\"accepted\"");
        processedDaysAgo(withinWindow, 80);
        processedDaysAgo(pastWindow, 100);
        long delivered80DaysAgo = eventOf(withinWindow);

        Map<String, Double> countedBefore = counted();
        runOnce();

        assertThat(ids("status_update")).containsExactlyInAnyOrder(recentOfReported, appliedOfUnreported,
                pendingOfUnreported, sendingOld, deadOpen, deadRecentlyDiscarded, dispatchOfPolling,
                dispatchOfRecentlyDelivered);
        assertThat(jdbc.sql("SELECT update_id FROM update_attempt").query(Long.class).list())
            .containsExactlyInAnyOrder(recentOfReported, sendingOld);
        assertThat(ids("dead_letter")).containsExactlyInAnyOrder(openLetter, recentlyDiscardedLetter, returnedLetter,
                eventLetter);
        assertThat(ids("tracked_shipment")).containsExactlyInAnyOrder(polling, recentlyDelivered, returned);
        assertThat(ids("webhook_event")).containsExactlyInAnyOrder(redeliveredLately, unprocessed, deadEvent,
                delivered80DaysAgo);
        assertThat(jdbc.sql("SELECT DISTINCT file_id FROM skipped_row").query(Long.class).list())
            .containsExactlyInAnyOrder(unreported, ingesting, failedStillJoining);
        assertThat(jdbc.sql("SELECT DISTINCT file_id FROM checked_row").query(Long.class).list())
            .containsExactly(recentDryRun);
        // every file's record stays, with its checksum: the same file dropped again is
        // still recognised
        assertThat(count("ingested_file")).isEqualTo(filesBefore + 7);
        assertThat(jdbc.sql("SELECT checksum FROM ingested_file WHERE id = :id")
            .param("id", reported)
            .query(String.class)
            .single()).isEqualTo("checksum-" + reported);

        Map<String, Double> expected = new LinkedHashMap<>();
        expected.put("dead_letter", 2.0);
        expected.put("tracked_shipment", 1.0);
        expected.put("update_attempt", 5.0);
        expected.put("status_update", 6.0);
        expected.put("webhook_event", 2.0);
        expected.put("skipped_row", 4.0);
        expected.put("checked_row", 3.0);
        Map<String, Double> counted = counted();
        counted.replaceAll((table, total) -> total - countedBefore.get(table));
        assertThat(counted).isEqualTo(expected);

        // the platform delivers both events again: the one within its window is a
        // duplicate, the one past it is taken as new
        assertThat(deliver(webhook, withinWindow)).contains("\"duplicate\"");
        assertThat(deliver(webhook, pastWindow)).contains("\"accepted\"");
    }

    @Test
    void runs_on_its_schedule_on_one_instance_skipping_missed_fires() throws Exception {
        assertThat(camel.getRoute("retention")).isNotNull();
        Scheduler scheduler = camel.getComponent("quartz", QuartzComponent.class).getScheduler();
        // the job is scheduled once this instance leads
        await().atMost(Duration.ofSeconds(30)).until(() -> scheduler.checkExists(JOB));
        CronTrigger trigger = (CronTrigger) scheduler.getTriggersOfJob(JOB).get(0);
        assertThat(trigger.getCronExpression()).isEqualTo("0 0 0 1 1 ? 2099");
        assertThat(trigger.getMisfireInstruction()).isEqualTo(CronTrigger.MISFIRE_INSTRUCTION_DO_NOTHING);
    }

    @Test
    void keeps_a_month_of_settled_work_and_three_of_events_and_closed_dead_letters_by_default() {
        RetentionProperties defaults = bind(Map.of());

        assertThat(defaults.cron()).isEqualTo("0 30 3 * * ?");
        assertThat(defaults.settledUpdates()).hasDays(30);
        assertThat(defaults.fileRows()).hasDays(30);
        assertThat(defaults.trackedShipments()).hasDays(30);
        assertThat(defaults.closedDeadLetters()).hasDays(90);
        assertThat(defaults.webhookEvents()).hasDays(90);
        assertThat(defaults.batchSize()).isEqualTo(1000);
    }

    @Test
    void refuses_to_start_with_a_window_given_without_its_unit() {
        assertThatThrownBy(() -> bind(Map.of("shipsync.retention.webhook-events", "90")))
            .isInstanceOf(BindException.class)
            .rootCause()
            .hasMessage("shipsync.retention.webhook-events (PT0.09S) must be at least 1d: give the unit, e.g. 30d"
                    + " (a number alone is milliseconds)");
    }

    /**
     * Fires the schedule and waits for the run to complete, as it would at night.
     */
    private void runOnce() throws Exception {
        Scheduler scheduler = camel.getComponent("quartz", QuartzComponent.class).getScheduler();
        await().atMost(Duration.ofSeconds(30)).until(() -> scheduler.checkExists(JOB));
        // the job exists from the start, but it reaches the route only once this instance
        // leads the retention
        // route's group (master:) and has started its Quartz consumer: a fire before that
        // goes nowhere
        MasterConsumer master = (MasterConsumer) camel.getRoute("retention").getConsumer();
        await().atMost(Duration.ofSeconds(30)).until(master::isMaster);
        NotifyBuilder started = new NotifyBuilder(camel).fromRoute("retention").whenReceived(1).create();
        NotifyBuilder done = new NotifyBuilder(camel).fromRoute("retention").whenCompleted(1).create();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!started.matches()) {
                scheduler.triggerJob(JOB);
            }
            return started.matches(2, TimeUnit.SECONDS);
        });
        assertThat(done.matches(60, TimeUnit.SECONDS)).as("the retention run completed").isTrue();
    }

    private static RetentionProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("shipsync.retention",
                RetentionProperties.class);
    }

    private static OffsetDateTime daysAgo(int days) {
        return Instant.now().minus(days, ChronoUnit.DAYS).atOffset(ZoneOffset.UTC);
    }

    private long file(String state, OffsetDateTime received, OffsetDateTime reported) {
        long id = insert(jdbc.sql("""
                INSERT INTO ingested_file (store_key, file_name, size_bytes, received_at, state, reported_at, dry_run)
                VALUES (:store, 'shipments.csv', 100, :received, :state, :reported, :dryRun)""")
            .param("store", RETIRED)
            .param("received", received)
            .param("state", state)
            .param("reported", reported)
            .param("dryRun", state.equals("CHECKED")));
        jdbc.sql("UPDATE ingested_file SET checksum = :checksum WHERE id = :id")
            .param("checksum", "checksum-" + id)
            .param("id", id)
            .update();
        return id;
    }

    private void skippedRows(long file, int rows) {
        for (int line = 2; line < 2 + rows; line++) {
            jdbc.sql("""
                    INSERT INTO skipped_row (file_id, line, order_id, status, outcome, detail)
                    VALUES (:file, :line, 'not-an-order', 'processing', 'rejected', 'order_id is not an order id')""")
                .param("file", file)
                .param("line", line)
                .update();
        }
    }

    private void checkedRows(long file, int rows) {
        for (int line = 2; line < 2 + rows; line++) {
            jdbc.sql("""
                    INSERT INTO checked_row (file_id, line, store_key, order_id, status, outcome, detail, sends)
                    VALUES (:file, :line, :store, 'order-1', 'processing', 'would-apply', 'would be sent', 1)""")
                .param("file", file)
                .param("line", line)
                .param("store", RETIRED)
                .update();
        }
    }

    /** An update that settled (or last moved) at {@code at}, from a file or not. */
    private long update(Long file, String state, OffsetDateTime at) {
        return insert(jdbc.sql("""
                INSERT INTO status_update (store_key, order_id, target_status, source, source_file_id, state,
                                           next_attempt_at, created_at, updated_at)
                VALUES (:store, :order, 'processing', :source, :file, :state, :at, :at, :at)""")
            .param("store", RETIRED)
            .param("order", UUID.randomUUID().toString())
            .param("source", file == null ? "webhook" : "csv")
            .param("file", file)
            .param("state", state)
            .param("at", at));
    }

    private void attempts(long update, int attempts) {
        for (int i = 0; i < attempts; i++) {
            jdbc.sql("""
                    INSERT INTO update_attempt (update_id, called_at, request, status, outcome, answer)
                    VALUES (:update, :at, 'send', 'processing', 'failed', '503 Service Unavailable')""")
                .param("update", update)
                .param("at", daysAgo(35))
                .update();
        }
    }

    /** A dead letter, open unless replayed or discarded. */
    private long deadLetter(Long update, Long event, Long shipment, OffsetDateTime replayed, OffsetDateTime discarded) {
        return insert(jdbc.sql("""
                INSERT INTO dead_letter (update_id, webhook_event_id, tracked_shipment_id, store_key, source, attempts,
                                         reason, created_at, replayed_at, discarded_at, discard_reason)
                VALUES (:update, :event, :shipment, :store, 'webhook', 1, 'TribeMade refused it', :created,
                        :replayed, :discarded, :why)""")
            .param("update", update)
            .param("event", event)
            .param("shipment", shipment)
            .param("store", RETIRED)
            .param("created", daysAgo(100))
            .param("replayed", replayed)
            .param("discarded", discarded)
            .param("why", discarded == null ? null : "the customer cancelled by phone"));
    }

    private long shipment(String state, Long dispatchUpdate, Long deliveredUpdate, OffsetDateTime at) {
        return insert(jdbc.sql("""
                INSERT INTO tracked_shipment (store_key, order_id, tracking_url, courier, awb, dispatch_update_id,
                                              state, dispatched_at, delivered_update_id, created_at, updated_at)
                VALUES (:store, :order, 'https://delhivery.com/track/AWB1', 'delhivery', 'AWB1', :dispatch, :state,
                        :at, :delivered, :at, :at)""")
            .param("store", RETIRED)
            .param("order", UUID.randomUUID().toString())
            .param("dispatch", dispatchUpdate)
            .param("state", state)
            .param("delivered", deliveredUpdate)
            .param("at", at));
    }

    private long event(String state, OffsetDateTime received, OffsetDateTime lastReceived) {
        return insert(jdbc.sql("""
                INSERT INTO webhook_event (store_key, event_type, order_id, platform_store_id, status, ordered_at,
                                           payload, state, deliveries, received_at, last_received_at)
                VALUES (:store, 'order.created', :order, :platformStore, 'started', :received, '{}', :state, 2,
                        :received, :last)""")
            .param("store", RETIRED)
            .param("order", UUID.randomUUID())
            .param("platformStore", WebhookClient.PLATFORM_STORE)
            .param("state", state)
            .param("received", received)
            .param("last", lastReceived));
    }

    private String deliver(WebhookClient webhook, UUID order) throws Exception {
        return webhook.post(WebhookClient.orderCreated(order), "Content-Type", JSON, "X-Webhook-Token", TOKEN).body();
    }

    /**
     * As if the event had arrived, been processed and last been delivered that long ago.
     */
    private void processedDaysAgo(UUID order, int days) {
        jdbc.sql("""
                UPDATE webhook_event
                SET state = 'PROCESSED', received_at = :at, last_received_at = :at, processed_at = :at
                WHERE order_id = :order""").param("at", daysAgo(days)).param("order", order).update();
    }

    private long eventOf(UUID order) {
        return jdbc.sql("SELECT id FROM webhook_event WHERE order_id = :order")
            .param("order", order)
            .query(Long.class)
            .single();
    }

    private long insert(StatementSpec insert) {
        var key = new GeneratedKeyHolder();
        insert.update(key, "id");
        return key.getKeyAs(Long.class);
    }

    private List<Long> ids(String table) {
        return jdbc.sql("SELECT id FROM " + table).query(Long.class).list();
    }

    private long count(String table) {
        return jdbc.sql("SELECT COUNT(*) FROM " + table).query(Long.class).single();
    }

    /** {@code shipsync_retention_deleted_total} of each table so far. */
    private Map<String, Double> counted() {
        Map<String, Double> counted = new LinkedHashMap<>();
        for (String table : Retention.TABLES) {
            counted.put(table, metrics.get("shipsync.retention.deleted").tag("table", table).counter().count());
        }
        return counted;
    }

}
