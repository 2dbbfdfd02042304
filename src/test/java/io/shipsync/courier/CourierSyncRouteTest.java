package io.shipsync.courier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import io.shipsync.EndToEndTest;
import io.shipsync.admin.ApiProblem;
import io.shipsync.deadletter.DeadLetterActions;
import io.shipsync.sandbox.CourierFault;
import io.shipsync.sandbox.CourierSandbox;
import io.shipsync.sandbox.CourierSandbox.DelhiveryStatus;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.quartz.QuartzComponent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quartz.JobKey;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The courier sync through the real routes: shipments dispatched from a CSV file are
 * followed at a fake courier in Delhivery's answer shape (the shipped preset from
 * config/application.yaml, pointed at the fake) and at a courier configured only through
 * properties ("swiftship", the fake's generic shape).
 */
class CourierSyncRouteTest extends EndToEndTest {

    private static final String DELHIVERY_TOKEN = "dlv-test-token-1";

    private static final String SWIFTSHIP_KEY = "swift-test-key-1";

    private static CourierSandbox courier;

    @Autowired
    private CamelContext camel;

    @Autowired
    private ProducerTemplate producer;

    @Autowired
    private MeterRegistry metrics;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        configure(registry, 20, 50);
        courier = CourierSandbox.builder()
            .delhiveryToken(DELHIVERY_TOKEN)
            .genericKey(SWIFTSHIP_KEY)
            .rateLimit(CourierSandbox.Courier.GENERIC, 2, Duration.ofSeconds(1))
            .build()
            .start();
        // the schedule never fires by itself here: each test fires it, or runs the sync,
        // when it wants
        registry.add("shipsync.courier-sync.cron", () -> "0 0 0 1 1 ? 2099");
        registry.add("shipsync.courier-sync.first-poll-after", () -> "0s");
        registry.add("shipsync.courier-sync.poll-interval", () -> "1h");
        registry.add("shipsync.courier-sync.max-failures", () -> "3");
        // a courier that does not answer is given up on after 2 s here (20 s in
        // config/application.yaml)
        registry.add("camel.component.http.so-timeout", () -> "2000");
        registry.add("camel.component.http.response-timeout", () -> "2000");
        registry.add("shipsync.couriers.delhivery.api-url",
                () -> courier.baseUrl() + "/api/v1/packages/json/?waybill={awb}");
        registry.add("shipsync.couriers.delhivery.auth.secret", () -> DELHIVERY_TOKEN);
        Map.of("tracking-url-template", "https://swiftship.example/t/{awb}", "api-url",
                courier.baseUrl() + "/generic/v2/track/{awb}", "auth.header", "X-Courier-Key", "auth.secret",
                SWIFTSHIP_KEY, "max-requests", "2", "period", "1s", "status[0]", "/tracking/state", "status-time",
                "/tracking/updated_at", "status-location", "/tracking/location")
            .forEach((key, value) -> registry.add("shipsync.couriers.swiftship." + key, () -> value));
        Map.of("in-transit[0]", "IN_TRANSIT", "out-for-delivery[0]", "OUT_FOR_DELIVERY", "delivered[0]", "DELIVERED",
                "returned[0]", "RETURNED_TO_ORIGIN", "exception[0]", "LOST")
            .forEach((key, value) -> registry.add("shipsync.couriers.swiftship.states." + key, () -> value));
    }

    @AfterAll
    static void stopCourier() {
        courier.stop();
    }

    @Autowired
    DeadLetterActions deadLetters;

    @Test
    void a_delivery_the_courier_reports_marks_the_order_delivered_once() throws Exception {
        UUID order = dispatched("delhivery", "DLV1001").get(0);
        courier.delhivery("DLV1001", DelhiveryStatus.IN_TRANSIT, "Bhiwandi_Mankoli_HB (Maharashtra)");
        courier.delhivery("DLV1001", DelhiveryStatus.DELIVERED, "Mumbai_Andheri_DC (Maharashtra)");

        fireSchedule();

        await().atMost(Duration.ofSeconds(15)).until(() -> platform.statusHistory(order).contains("delivered"));
        assertThat(platform.statusHistory(order)).containsExactly("dispatched", "delivered");
        assertThat(shipment(order, "state")).isEqualTo("DELIVERED");
        assertThat(shipment(order, "courier_status")).isEqualTo("DL:Delivered");
        assertThat(shipment(order, "courier_location")).isEqualTo("Mumbai_Andheri_DC (Maharashtra)");
        assertThat(shipment(order, "courier_time")).isNotBlank();
        assertThat(jdbc.sql("SELECT source_ref FROM status_update WHERE order_id = :o AND source = 'courier'")
            .param("o", order.toString())
            .query(String.class)
            .single()).contains("delhivery AWB DLV1001 DL:Delivered at ").contains("Mumbai_Andheri_DC");

        // the courier keeps saying delivered: the shipment is no longer polled, nothing
        // more is sent
        makeDue(order);
        syncNow();
        assertThat(courier.requestsFor("DLV1001")).hasSize(1);
        assertThat(updates(order, "courier")).isEqualTo(1);
    }

    @Test
    void delhiverys_dispatched_means_out_for_delivery_and_the_shipment_is_still_followed() throws Exception {
        UUID order = dispatched("delhivery", "DLV2001").get(0);
        courier.delhivery("DLV2001", DelhiveryStatus.DISPATCHED, "Mumbai_Andheri_DC (Maharashtra)");

        syncNow();

        assertThat(shipment(order, "state")).isEqualTo("POLLING");
        assertThat(shipment(order, "tracking_state")).isEqualTo("out_for_delivery");
        assertThat(updates(order, "courier")).isZero();
        assertThat(platform.statusHistory(order)).containsExactly("dispatched");
    }

    @Test
    void a_return_to_origin_becomes_a_dead_letter_and_changes_no_order() throws Exception {
        List<UUID> orders = dispatched("delhivery", "DLV3001", "DLV3002");
        courier.delhivery("DLV3001", DelhiveryStatus.RTO_IN_TRANSIT, "Pune_Hub (Maharashtra)");
        courier.delhivery("DLV3002", DelhiveryStatus.RETURNED_TO_ORIGIN, "Seller_Warehouse (Maharashtra)");

        syncNow();

        for (UUID order : orders) {
            assertThat(shipment(order, "state")).isEqualTo("RETURNED");
            assertThat(updates(order, "courier")).isZero();
            assertThat(deadLetter(order)).contains("returned").contains("The order was not changed");
        }
        assertThat(deadLetter(orders.get(0))).contains("RT:In Transit");
        assertThat(deadLetter(orders.get(1))).contains("DL:RTO");
    }

    @Test
    void a_returned_shipment_a_person_replays_is_polled_again_and_its_delivery_marked_once() throws Exception {
        UUID order = dispatched("delhivery", "DLV3101").get(0);
        courier.delhivery("DLV3101", DelhiveryStatus.RETURNED_TO_ORIGIN, "Seller_Warehouse (Maharashtra)");
        syncNow();
        long letter = jdbc.sql("SELECT id FROM dead_letter WHERE order_id = :o")
            .param("o", order.toString())
            .query(Long.class)
            .single();
        // the courier corrects itself: the parcel was delivered after all
        courier.delhivery("DLV3101", DelhiveryStatus.DELIVERED, "Mumbai_Andheri_DC (Maharashtra)");

        deadLetters.replay(letter);
        syncNow();

        await().atMost(Duration.ofSeconds(15)).until(() -> platform.statusHistory(order).contains("delivered"));
        assertThat(shipment(order, "state")).isEqualTo("DELIVERED");
        assertThatThrownBy(() -> deadLetters.replay(letter)).isInstanceOf(ApiProblem.class)
            .hasMessageContaining("is not open: it was replayed at");
        assertThat(courier.requestsFor("DLV3101")).hasSize(2);
        assertThat(updates(order, "courier")).isEqualTo(1);
    }

    @Test
    void courier_errors_and_timeouts_are_retried_at_the_next_poll_without_holding_up_other_shipments()
            throws Exception {
        List<UUID> orders = dispatched("delhivery", "DLV4001", "DLV4002", "DLV4003", "DLV4004", "DLV4005");
        courier.delhivery("DLV4001", DelhiveryStatus.IN_TRANSIT, "Pune_Hub (Maharashtra)");
        courier.delhivery("DLV4002", DelhiveryStatus.IN_TRANSIT, "Pune_Hub (Maharashtra)");
        courier.delhivery("DLV4004", DelhiveryStatus.DELIVERED, "Pune_City (Maharashtra)");
        courier.delhivery("DLV4005", DelhiveryStatus.IN_TRANSIT, "Pune_Hub (Maharashtra)");
        courier.fail("DLV4001", CourierFault.serverError(), 1);
        courier.fail("DLV4002", CourierFault.malformed(), 1);
        // DLV4003 is unknown to the courier
        courier.fail("DLV4005", CourierFault.delay(Duration.ofSeconds(5)), 1);
        double failedBefore = polls("failed");
        double deliveredBefore = polls("delivered");

        syncNow();

        assertThat(lastError(orders.get(0))).contains("HTTP 503");
        assertThat(lastError(orders.get(1))).contains("malformed JSON");
        assertThat(lastError(orders.get(2))).contains("No such waybill or Order Id found");
        assertThat(lastError(orders.get(4))).contains("no answer from delhivery").contains("Timeout");
        assertThat(polls("failed") - failedBefore).as("polls that told nothing").isEqualTo(4);
        assertThat(polls("delivered") - deliveredBefore).isEqualTo(1);
        await().atMost(Duration.ofSeconds(15)).until(() -> platform.statusHistory(orders.get(3)).contains("delivered"));
        for (UUID failing : List.of(orders.get(0), orders.get(1), orders.get(2), orders.get(4))) {
            assertThat(shipment(failing, "state")).isEqualTo("POLLING");
            assertThat(shipment(failing, "consecutive_failures")).isEqualTo("1");
        }

        // next poll: the first two answer now; the unknown AWB fails a second time in a
        // row and backs off to
        // twice the poll interval (1h here), then after a third failure becomes a dead
        // letter
        orders.subList(0, 3).forEach(this::makeDue);
        syncNow();

        assertThat(shipment(orders.get(0), "consecutive_failures")).isEqualTo("0");
        assertThat(shipment(orders.get(1), "tracking_state")).isEqualTo("in_transit");
        assertThat(jdbc.sql("""
                SELECT CAST(EXTRACT(EPOCH FROM next_poll_at - CURRENT_TIMESTAMP) / 60 AS BIGINT) FROM tracked_shipment
                WHERE order_id = :o""").param("o", orders.get(2).toString()).query(Long.class).single()).isBetween(118L,
                120L);
        makeDue(orders.get(2));
        syncNow();
        assertThat(shipment(orders.get(2), "state")).isEqualTo("FAILING");
        assertThat(deadLetter(orders.get(2))).contains("Tracking failed 3 times in a row").contains("No such waybill");
    }

    @Test
    void overlapping_runs_send_one_delivered_update() throws Exception {
        List<UUID> orders = dispatched("delhivery", "DLV5001", "DLV5002", "DLV5003");
        for (String awb : List.of("DLV5001", "DLV5002", "DLV5003")) {
            courier.delhivery(awb, DelhiveryStatus.DELIVERED, "Nagpur_DC (Maharashtra)");
        }

        var first = CompletableFuture.runAsync(this::syncNow);
        var second = CompletableFuture.runAsync(this::syncNow);
        CompletableFuture.allOf(first, second).get();

        for (UUID order : orders) {
            assertThat(updates(order, "courier")).isEqualTo(1);
        }
        for (String awb : List.of("DLV5001", "DLV5002", "DLV5003")) {
            assertThat(courier.requestsFor(awb)).hasSize(1);
        }
    }

    @Test
    void a_shipment_not_delivered_within_max_age_becomes_a_dead_letter_without_asking_the_courier() throws Exception {
        UUID order = dispatched("delhivery", "DLV6001").get(0);
        jdbc.sql("UPDATE tracked_shipment SET dispatched_at = dispatched_at - INTERVAL '31' DAY WHERE order_id = :o")
            .param("o", order.toString())
            .update();

        syncNow();

        assertThat(shipment(order, "state")).isEqualTo("EXPIRED");
        assertThat(deadLetter(order)).contains("No delivery confirmation after 30 days");
        assertThat(courier.requestsFor("DLV6001")).isEmpty();
    }

    @Test
    void a_courier_configured_only_through_properties_is_followed_within_its_own_rate_limit() throws Exception {
        var awbs = List.of("SW1", "SW2", "SW3", "SW4", "SW5", "SW6");
        List<UUID> orders = dispatched("swiftship", awbs.toArray(String[]::new));
        awbs.forEach(awb -> courier.generic(awb, "IN_TRANSIT", "Pune Hub"));
        courier.generic("SW6", "DELIVERED", "Pune City");

        syncNow();

        await().atMost(Duration.ofSeconds(15)).until(() -> platform.statusHistory(orders.get(5)).contains("delivered"));
        assertThat(shipment(orders.get(0), "tracking_state")).isEqualTo("in_transit");
        assertThat(shipment(orders.get(5), "courier_location")).isEqualTo("Pune City");
        // the fake courier allows 2 a second, as configured: shipsync's throttle never
        // went over it
        assertThat(courier.requests()).noneMatch(r -> r.throttled());
    }

    @Test
    void a_tracking_link_no_courier_pattern_matches_is_kept_but_not_polled_and_the_report_says_so() throws Exception {
        UUID order = newOrder("processing");
        drop("unmatched.csv", "order_id,status,tracking_url\n" + order + ",dispatched,https://track.example/Z9\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> shipmentExists(order));

        syncNow();

        assertThat(shipment(order, "state")).isEqualTo("NOT_POLLED");
        assertThat(shipment(order, "tracking_url")).isEqualTo("https://track.example/Z9");
        assertThat(reportLine(awaitReport("unmatched"), 2)).contains("Delivery is not followed")
            .contains("matches no courier");
    }

    @Test
    void the_schedule_fires_the_sync() throws Exception {
        UUID order = dispatched("delhivery", "DLV7001").get(0);
        courier.delhivery("DLV7001", DelhiveryStatus.MANIFESTED, "Bhiwandi (Maharashtra)");

        fireSchedule();

        await().atMost(Duration.ofSeconds(15)).until(() -> "in_transit".equals(shipment(order, "tracking_state")));
    }

    /**
     * Orders moved to dispatched by a CSV file with courier and awb, each now a tracked
     * shipment.
     */
    private List<UUID> dispatched(String courierName, String... awbs) {
        var orders = new ArrayList<UUID>();
        var csv = new StringBuilder("order_id,status,tracking_url,courier,awb\n");
        for (String awb : awbs) {
            UUID order = newOrder("processing");
            orders.add(order);
            csv.append(order).append(",dispatched,,").append(courierName).append(',').append(awb).append('\n');
        }
        try {
            drop("dispatch-" + awbs[0] + ".csv", csv.toString());
        }
        catch (Exception e) {
            throw new IllegalStateException(e);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> orders.stream().allMatch(this::shipmentExists));
        return orders;
    }

    /** Runs the sync as the schedule would, and returns when the run is over. */
    private void syncNow() {
        producer.requestBody("direct:sync-due-shipments", (Object) null);
    }

    private void fireSchedule() throws Exception {
        camel.getComponent("quartz", QuartzComponent.class)
            .getScheduler()
            .triggerJob(JobKey.jobKey("courier-sync", "shipsync"));
    }

    private void makeDue(UUID order) {
        jdbc.sql("UPDATE tracked_shipment SET next_poll_at = CURRENT_TIMESTAMP - INTERVAL '1' SECOND"
                + " WHERE order_id = :o")
            .param("o", order.toString())
            .update();
    }

    /**
     * Delhivery polls with this outcome so far ({@code shipsync_courier_polls_total}).
     */
    private double polls(String outcome) {
        return metrics.get("shipsync.courier.polls")
            .tag("courier", "delhivery")
            .tag("outcome", outcome)
            .counter()
            .count();
    }

    private boolean shipmentExists(UUID order) {
        return jdbc.sql("SELECT COUNT(*) FROM tracked_shipment WHERE order_id = :o")
            .param("o", order.toString())
            .query(Long.class)
            .single() == 1;
    }

    private String shipment(UUID order, String column) {
        return jdbc.sql("SELECT CAST(" + column + " AS VARCHAR) FROM tracked_shipment WHERE order_id = :o")
            .param("o", order.toString())
            .query((rs, row) -> rs.getString(1))
            .list()
            .get(0);
    }

    private String lastError(UUID order) {
        return shipment(order, "last_error");
    }

    private long updates(UUID order, String source) {
        return jdbc.sql("SELECT COUNT(*) FROM status_update WHERE order_id = :o AND source = :s")
            .param("o", order.toString())
            .param("s", source)
            .query(Long.class)
            .single();
    }

    private String deadLetter(UUID order) {
        return jdbc.sql("SELECT reason FROM dead_letter WHERE order_id = :o AND source = 'courier'")
            .param("o", order.toString())
            .query(String.class)
            .single();
    }

}
