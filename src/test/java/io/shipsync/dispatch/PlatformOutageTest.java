package io.shipsync.dispatch;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import io.shipsync.EndToEndTest;
import io.shipsync.sandbox.Fault;
import io.shipsync.sandbox.RecordedRequest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static io.shipsync.dispatch.StatusDispatchRouteTest.HEADER;
import static io.shipsync.dispatch.StatusDispatchRouteTest.putsFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bad weather at the platform: an outage is the platform's problem and costs the updates
 * nothing, while an update that fails on its own still gives up, but never while the
 * platform may have applied it.
 */
class PlatformOutageTest extends EndToEndTest {

    private static final int MAX_ATTEMPTS = 3;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        configure(registry, 20, 50);
        // without the circuit, three attempts 200 ms to 1 s apart make every update a
        // dead letter within seconds
        registry.add("shipsync.status-updates.max-attempts", () -> MAX_ATTEMPTS);
        registry.add("shipsync.status-updates.outage.probe-interval", () -> "300ms");
        registry.add("shipsync.status-updates.outage.max-probe-interval", () -> "1s");
    }

    @AfterEach
    void platformRecovers() {
        platform.clearFaults();
        await().atMost(Duration.ofSeconds(15)).until(() -> pendingUpdates() == 0);
    }

    @Test
    void an_outage_keeps_updates_pending_without_spending_attempts_and_they_go_out_once_it_ends() throws Exception {
        List<UUID> orders = IntStream.range(0, 8).mapToObj(i -> newOrder("started")).toList();
        StringBuilder csv = new StringBuilder(HEADER);
        orders.forEach(order -> csv.append(order).append(",processing,\n"));
        platform.injectFault("GET", Fault.serverError(), 100_000);
        platform.injectFault("PUT", Fault.serverError(), 100_000);

        drop("outage.csv", csv.toString());

        await().atMost(Duration.ofSeconds(10))
            .untilAsserted(() -> assertThat(dispatchHealth()).contains("\"unavailable\":\"TribeMade unavailable since ")
                .contains("next probe at "));
        // far longer than the attempts would last without the circuit
        await().during(Duration.ofSeconds(5))
            .atMost(Duration.ofSeconds(6))
            .until(() -> deadLetters() == 0 && pendingUpdates() == orders.size());
        assertThat(jdbc.sql("SELECT MAX(attempts) FROM status_update WHERE order_id IN (:ids)")
            .param("ids", orders.stream().map(UUID::toString).toList())
            .query(Integer.class)
            .single()).as("attempts spent while the platform was down").isLessThan(MAX_ATTEMPTS);
        long callsWhileDown = platform.requests().stream().filter(r -> r.status() == 500).count();
        assertThat(callsWhileDown).as("one probe at a time, at a growing interval").isLessThan(20);

        platform.clearFaults();

        List<String> report = awaitReport("outage");
        for (int line = 2; line < 2 + orders.size(); line++) {
            assertThat(reportLine(report, line)).contains(",processing,applied,");
        }
        orders.forEach(order -> assertThat(platform.statusHistory(order)).containsExactly("processing"));
        assertThat(deadLetters()).isZero();
        await().atMost(Duration.ofSeconds(5))
            .untilAsserted(() -> assertThat(dispatchHealth()).doesNotContain("unavailable"));
    }

    @Test
    void an_update_whose_own_attempts_ran_out_is_verified_before_it_is_given_up_and_is_applied_when_it_was()
            throws IOException {
        UUID order = newOrder("started");
        platform.injectFault("PUT", Fault.serverError(), MAX_ATTEMPTS - 1);
        // the last attempt reaches the platform, but its answer is lost
        platform.injectFault("PUT", Fault.dropAfterApply(), 1);

        drop("last-attempt-lost.csv", HEADER + order + ",processing,\n");

        assertThat(reportLine(awaitReport("last-attempt-lost"), 2)).startsWith("2," + order + ",processing,applied,");
        assertThat(putsFor(order)).hasSize(MAX_ATTEMPTS);
        assertThat(platform.statusHistory(order)).containsExactly("processing");
        assertThat(deadLetters()).isZero();
    }

    @Test
    void an_update_that_fails_on_its_own_still_becomes_a_dead_letter_after_its_attempts() throws Exception {
        UUID order = newOrder("started");
        platform.injectFault("PUT", Fault.serverError(), 100);

        drop("own-failure.csv", HEADER + order + ",processing,\n");

        assertThat(reportLine(awaitReport("own-failure"), 2)).startsWith("2," + order + ",processing,dead-letter,")
            .contains(MAX_ATTEMPTS + " failed attempts");
        assertThat(putsFor(order)).extracting(RecordedRequest::status).containsOnly(500).hasSize(MAX_ATTEMPTS);
        assertThat(dispatchHealth()).doesNotContain("unavailable");
    }

    @Test
    void a_page_long_error_is_clipped_into_the_dead_letter_instead_of_failing_to_park_it() throws IOException {
        UUID order = newOrder("started");
        String gatewayPage = "Upstream gateway failure: " + "x".repeat(6_000);
        platform.injectFault("PUT", Fault.serverError(gatewayPage), MAX_ATTEMPTS);

        drop("long-error.csv", HEADER + order + ",processing,\n");

        assertThat(reportLine(awaitReport("long-error"), 2)).startsWith("2," + order + ",processing,dead-letter,")
            .contains("Gave up after " + MAX_ATTEMPTS + " failed attempts");
        var parked = jdbc.sql("SELECT reason, last_error FROM dead_letter WHERE order_id = :o")
            .param("o", order.toString())
            .query()
            .singleRow();
        assertThat((String) parked.get("reason")).hasSizeLessThanOrEqualTo(2000).contains("Upstream gateway failure");
        assertThat((String) parked.get("last_error")).hasSizeLessThanOrEqualTo(4000).endsWith("…");
    }

    private String dispatchHealth() throws IOException, InterruptedException {
        return health().path("components").path("statusDispatch").toString();
    }

    private long deadLetters() {
        return jdbc.sql("SELECT COUNT(*) FROM dead_letter").query(Long.class).single();
    }

}
