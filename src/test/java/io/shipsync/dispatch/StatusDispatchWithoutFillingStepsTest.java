package io.shipsync.dispatch;

import java.io.IOException;
import java.util.UUID;

import io.shipsync.EndToEndTest;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code fill-skipped-steps: false} an update is sent as the row gives it, skipped
 * steps and all.
 */
class StatusDispatchWithoutFillingStepsTest extends EndToEndTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        configure(registry, 5, 50);
        registry.add("shipsync.status-updates.fill-skipped-steps", () -> false);
    }

    @Test
    void sends_only_the_status_of_the_row_when_filling_skipped_steps_is_off() throws IOException {
        UUID order = newOrder("started");

        drop("no-fill.csv",
                "order_id,status,tracking_url\n" + order + ",dispatched,https://delhivery.com/track/DLVY7\n");

        assertThat(reportLine(awaitReport("no-fill"), 2)).startsWith("2," + order + ",dispatched,applied,")
            .doesNotContain("step by step");
        assertThat(platform.statusHistory(order)).containsExactly("dispatched");
        assertThat(platform.order(order).trackingUrl()).isEqualTo("https://delhivery.com/track/DLVY7");
        assertThat(StatusDispatchRouteTest.putsFor(order)).hasSize(1);
    }

}
