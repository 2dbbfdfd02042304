package io.shipsync.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.shipsync.sandbox.ManualClock;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** When failures mean the platform is down, and how it is probed while it is. */
class PlatformCircuitTest {

    private static final String STORE = "default";

    private static final Instant START = Instant.parse("2026-11-29T10:00:00Z");

    private final ManualClock clock = new ManualClock(START);

    private final PlatformCircuit circuit = new PlatformCircuit(new StatusUpdateProperties(20, Duration.ofSeconds(60),
            true, 8, Duration.ofHours(24), Duration.ofSeconds(10), Duration.ofMinutes(30), Duration.ofMillis(500),
            Duration.ofMinutes(5), Duration.ofSeconds(10),
            new StatusUpdateProperties.Outage(3, Duration.ofSeconds(15), Duration.ofSeconds(50)),
            Duration.ofSeconds(60)), clock);

    @Test
    void one_order_failing_again_and_again_is_its_own_problem() {
        String order = UUID.randomUUID().toString();
        for (int i = 0; i < 10; i++) {
            assertThat(circuit.failed(STORE, "TribeMade", order, "500")).isFalse();
        }
        assertThat(circuit.permit(STORE)).isInstanceOf(PlatformCircuit.Go.class);
    }

    @Test
    void an_answer_between_failures_ends_the_run() {
        circuit.failed(STORE, "TribeMade", UUID.randomUUID().toString(), "500");
        circuit.failed(STORE, "TribeMade", UUID.randomUUID().toString(), "500");
        circuit.answered(STORE);

        assertThat(circuit.failed(STORE, "TribeMade", UUID.randomUUID().toString(), "500")).isFalse();
        assertThat(circuit.outage(STORE)).isEmpty();
    }

    @Test
    void different_orders_failing_in_a_row_open_it_and_one_probe_goes_out_at_a_growing_interval() {
        circuit.failed(STORE, "TribeMade", UUID.randomUUID().toString(), "500");
        clock.advance(Duration.ofSeconds(2));
        circuit.failed(STORE, "TribeMade", UUID.randomUUID().toString(), "500");
        assertThat(circuit.failed(STORE, "TribeMade", UUID.randomUUID().toString(), "500")).isTrue();

        assertThat(circuit.outage(STORE))
            .hasValue("TribeMade unavailable since 2026-11-29T10:00:00Z, next probe at 2026-11-29T10:00:17Z");
        assertThat(circuit.permit(STORE)).isEqualTo(new PlatformCircuit.Wait(START.plusSeconds(17)));

        clock.advance(Duration.ofSeconds(15));
        assertThat(circuit.permit(STORE)).isInstanceOf(PlatformCircuit.Probe.class);
        assertThat(circuit.permit(STORE)).as("only one probe at a time").isInstanceOf(PlatformCircuit.Wait.class);
        // the probe fails: twice the interval, then up to the longest
        assertThat(circuit.failed(STORE, "TribeMade", UUID.randomUUID().toString(), "500")).isTrue();
        assertThat(circuit.waitingUntil(STORE)).hasValue(START.plusSeconds(17 + 30));
        clock.advance(Duration.ofSeconds(30));
        circuit.permit(STORE);
        circuit.failed(STORE, "TribeMade", UUID.randomUUID().toString(), "500");
        assertThat(circuit.waitingUntil(STORE)).hasValue(START.plusSeconds(47 + 50));

        clock.advance(Duration.ofSeconds(50));
        assertThat(circuit.permit(STORE)).isInstanceOf(PlatformCircuit.Probe.class);
        circuit.answered(STORE);
        assertThat(circuit.outage(STORE)).isEmpty();
        assertThat(circuit.permit(STORE)).isInstanceOf(PlatformCircuit.Go.class);
    }

}
