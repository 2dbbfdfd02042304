package io.shipsync.shipment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.shipsync.EndToEndTest;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Cells longer than the database keeps reject their row with a reason; they never stop
 * the file.
 */
class OverlongCellsTest extends EndToEndTest {

    private static final String LINK = "https://delhivery.com/track/";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        configure(registry, 50, 100);
    }

    @Test
    void a_3000_character_tracking_url_rejects_its_row_and_the_other_rows_go_through() throws IOException {
        UUID before = newOrder("started");
        UUID overlong = newOrder("processing");
        UUID after = newOrder("started");
        Path dropped = drop("long-link.csv", "order_id,status,tracking_url\n" + before + ",processing,\n" + overlong
                + ",dispatched," + LINK + "A".repeat(3_000 - LINK.length()) + "\n" + after + ",processing,\n");

        List<String> report = awaitReport("long-link");

        assertThat(reportLine(report, 3)).isEqualTo("3," + overlong + ",dispatched,rejected,"
                + "\"tracking_url is 3,000 characters long; at most 2,048 are allowed.\"");
        assertThat(reportLine(report, 2)).startsWith("2," + before + ",processing,applied,");
        assertThat(reportLine(report, 4)).startsWith("4," + after + ",processing,applied,");
        assertThat(requestsFor(overlong)).isZero();
        assertThat(dropped).doesNotExist();
    }

    @Test
    void huge_cells_are_rejected_with_a_short_reason_and_clipped_in_the_report() throws IOException {
        UUID order = newOrder("started");
        String hugeOrderId = "9".repeat(1_500);
        drop("huge.csv", "order_id,status\n" + order + "," + "x".repeat(5_000) + "\n" + hugeOrderId + ",processing\n");

        List<String> report = awaitReport("huge");

        assertThat(reportLine(report, 2)).isEqualTo("2," + order + "," + "x".repeat(199) + "…,rejected,"
                + "\"status is 5,000 characters long; at most 1,000 are allowed.\"");
        assertThat(reportLine(report, 3)).isEqualTo("3," + "9".repeat(199) + "…,processing,rejected,"
                + "\"order_id is 1,500 characters long; at most 1,000 are allowed.\"");
        assertThat(requestsFor(order)).isZero();
    }

    @Test
    void a_file_refused_for_a_long_header_goes_to_failed_with_its_reason_clipped() throws IOException {
        Path dropped = drop("long-header.csv", "id," + "c".repeat(3_000) + "\n1,processing\n");

        await().atMost(Duration.ofSeconds(20)).until(() -> Files.notExists(dropped));

        String reason = jdbc.sql("SELECT failure_reason FROM ingested_file WHERE file_name = 'long-header.csv'")
            .query(String.class)
            .single();
        assertThat(reason).startsWith("The header row has no order_id column.").hasSize(2_000).endsWith("…");
    }

}
