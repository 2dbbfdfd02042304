package io.shipsync.dispatch;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.shipsync.EndToEndTest;
import io.shipsync.webhook.WebhookClient;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static io.shipsync.dispatch.StatusDispatchRouteTest.HEADER;
import static io.shipsync.dispatch.StatusDispatchRouteTest.TRACKING;
import static io.shipsync.dispatch.StatusDispatchRouteTest.putsFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What shipsync believes about an order is a cache, not the truth: orders also change in
 * the store's dashboard, so an update reads the order before its first request, and a
 * dead letter puts what shipsync believed in doubt.
 */
class StaleOrderKnowledgeTest extends EndToEndTest {

    private static final String TOKEN = "wh-test-token-stale-4b1d";

    @LocalServerPort
    private int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        configure(registry, 20, 50);
        registry.add("shipsync.webhook.token", () -> TOKEN);
        registry.add("shipsync.webhook.poll-interval", () -> "100ms");
        // what shipsync applied itself is trusted for the whole test: only a dead letter
        // can put it in doubt
        registry.add("shipsync.status-updates.trust-own-updates-for", () -> "1h");
    }

    @Test
    void orders_moved_in_the_store_after_their_order_created_event_are_read_before_any_update() throws Exception {
        UUID movedOn = newOrder("started");
        UUID dispatchedMeanwhile = newOrder("started");
        var webhook = new WebhookClient(port);
        for (UUID order : List.of(movedOn, dispatchedMeanwhile)) {
            var answer = webhook.post(WebhookClient.orderCreated(order), "Content-Type", "application/json",
                    "X-Webhook-Token", TOKEN);
            assertThat(answer.statusCode()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(10))
            .until(() -> jdbc.sql("SELECT COUNT(*) FROM known_order WHERE order_id IN (:ids) AND status = 'started'")
                .param("ids", List.of(movedOn.toString(), dispatchedMeanwhile.toString()))
                .query(Long.class)
                .single() == 2);
        // the store moves both on in its own dashboard
        changeInDashboard(movedOn, "{\"status\":\"processing\"}");
        changeInDashboard(dispatchedMeanwhile, "{\"status\":\"processing\"}");
        changeInDashboard(dispatchedMeanwhile, "{\"status\":\"dispatched\",\"tracking_url\":\"" + TRACKING + "77\"}");

        drop("after-dashboard.csv",
                HEADER + movedOn + ",dispatched," + TRACKING + "78\n" + dispatchedMeanwhile + ",processing,\n");

        List<String> report = awaitReport("after-dashboard");
        assertThat(reportLine(report, 2)).startsWith("2," + movedOn + ",dispatched,applied,");
        assertThat(reportLine(report, 3)).startsWith("3," + dispatchedMeanwhile + ",processing,rejected,")
            .contains("already dispatched");
        // one email each: "being prepared" is not sent twice, and nothing goes backwards
        assertThat(platform.statusHistory(movedOn)).containsExactly("processing", "dispatched");
        assertThat(platform.statusHistory(dispatchedMeanwhile)).containsExactly("processing", "dispatched");
    }

    @Test
    void after_a_dead_letter_the_next_update_of_the_order_reads_it_first() throws Exception {
        UUID order = newOrder("started");
        drop("first.csv", HEADER + order + ",processing,\n");
        assertThat(reportLine(awaitReport("first"), 2)).contains(",processing,applied,");
        changeInDashboard(order, "{\"status\":\"cancelled\"}");
        // shipsync still believes processing, which it applied itself: it sends, and the
        // platform refuses
        drop("second.csv", HEADER + order + ",dispatched," + TRACKING + "79\n");
        assertThat(reportLine(awaitReport("second"), 2)).contains(",dispatched,dead-letter,")
            .contains("Order is already cancelled");
        int putsBefore = putsFor(order).size();

        drop("third.csv", HEADER + order + ",delivered," + TRACKING + "79\n");

        assertThat(reportLine(awaitReport("third"), 2)).startsWith("2," + order + ",delivered,rejected,")
            .contains("already cancelled");
        assertThat(putsFor(order)).hasSize(putsBefore);
    }

}
