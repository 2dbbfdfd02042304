package io.shipsync.dispatch;

import java.io.IOException;
import java.util.UUID;

import io.shipsync.EndToEndTest;
import io.shipsync.sandbox.Fault;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static io.shipsync.dispatch.StatusDispatchRouteTest.HEADER;
import static io.shipsync.dispatch.StatusDispatchRouteTest.putsFor;
import static org.assertj.core.api.Assertions.assertThat;

/** An update gives up after give-up-after, however many of its attempts are left. */
class UpdateGiveUpAgeTest extends EndToEndTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        configure(registry, 20, 50);
        registry.add("shipsync.status-updates.max-attempts", () -> 1000);
        registry.add("shipsync.status-updates.give-up-after", () -> "3s");
    }

    @Test
    void an_update_still_failing_after_give_up_after_becomes_a_dead_letter_with_attempts_left() throws IOException {
        UUID order = newOrder("started");
        platform.injectFault("PUT", Fault.serverError(), 10_000);

        drop("too-old.csv", HEADER + order + ",processing,\n");

        assertThat(reportLine(awaitReport("too-old"), 2)).startsWith("2," + order + ",processing,dead-letter,")
            .contains("Gave up: still failing")
            .contains("give-up-after: 3s");
        assertThat(putsFor(order)).hasSizeBetween(2, 100);
        assertThat(platform.statusHistory(order)).isEmpty();
        platform.clearFaults();
    }

}
