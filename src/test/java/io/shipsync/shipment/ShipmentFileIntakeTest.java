package io.shipsync.shipment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.shipsync.EndToEndTest;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How files are taken from the inbox when many come at once, and when taking one in fails
 * for a reason that is not its content: through the real shipment-files route, with a
 * quiet period of a second.
 */
@ExtendWith(OutputCaptureExtension.class)
class ShipmentFileIntakeTest extends EndToEndTest {

    private static final Duration QUIET_PERIOD = Duration.ofSeconds(1);

    @Autowired
    private MeterRegistry metrics;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        configure(registry, 50, 100);
        registry.add("shipsync.shipment-files.quiet-period", () -> QUIET_PERIOD.toMillis() + "ms");
        // a row per transaction, so that a failure can come after some rows of the file
        // are committed
        registry.add("shipsync.shipment-files.batch-size", () -> "1");
    }

    @Test
    void takes_twenty_files_dropped_together_without_waiting_a_quiet_period_for_each() throws IOException {
        Path inbox = Files.createDirectories(dataDir.resolve("inbox"));
        var names = new ArrayList<String>();
        for (int i = 0; i < 20; i++) {
            names.add("burst-%02d.csv".formatted(i));
            Files.writeString(inbox.resolve(names.get(i) + ".part"),
                    "order_id,status\n" + newOrder("started") + ",processing\n", StandardCharsets.UTF_8);
        }
        for (String name : names) {
            Files.move(inbox.resolve(name + ".part"), inbox.resolve(name));
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> receivedAt(names).size() == names.size());

        List<OffsetDateTime> received = receivedAt(names);
        Duration span = Duration.between(received.get(0), received.get(received.size() - 1));
        assertThat(span).as("from the first file taken to the last").isLessThan(QUIET_PERIOD.multipliedBy(5));
    }

    @Test
    void parks_a_file_whose_taking_in_keeps_failing_and_goes_on_with_the_files_behind_it(CapturedOutput output)
            throws IOException {
        UUID taken = newOrder("started");
        UUID notTaken = newOrder("started");
        UUID behind = newOrder("started");
        double failedBefore = failedFiles();
        // a failure shipsync cannot foresee: the database refuses every accepted row
        // after line 2
        jdbc.sql("ALTER TABLE accepted_row ADD CONSTRAINT test_only_first_lines CHECK (line < 3)").update();
        try {
            drop("stuck.csv", "order_id,status\n" + taken + ",processing\n" + notTaken + ",processing\n");
            drop("behind.csv", "order_id,status\n" + behind + ",processing\n");

            assertThat(reportLine(awaitReport("behind"), 2)).startsWith("2," + behind + ",processing,applied,");
            String reason = FailedFolder.awaitReason(dataDir, "stuck.csv", Duration.ofSeconds(30));

            assertThat(reason).contains("Taking the file in failed 3 times, the last time with a database error: ")
                .contains("test_only_first_lines")
                .contains("The rows up to line 2 were taken in before that and are sent to the platform as usual; "
                        + "the rows after line 2 were not.")
                .doesNotContain("Exception")
                .doesNotContain("java.");
            assertThat(output).contains("Trying stuck.csv again (attempt 2 of 3) after: a database error: ")
                .contains("Trying stuck.csv again (attempt 3 of 3) after:")
                .doesNotContain("attempt 4 of")
                .doesNotContain("Resuming stuck.csv");
            // one stack trace, with the final failure
            assertThat(
                    output.toString().split("Caused by: org.springframework.dao.DataIntegrityViolationException", -1))
                .as("stack traces in the log")
                .hasSize(2);
            assertThat(jdbc.sql("SELECT state FROM ingested_file WHERE file_name = 'stuck.csv'")
                .query(String.class)
                .single()).isEqualTo("FAILED");
            await().atMost(Duration.ofSeconds(20))
                .until(() -> platform.statusHistory(taken).equals(List.of("processing")));
            assertThat(requestsFor(notTaken)).isZero();
            await().atMost(Duration.ofSeconds(5)).until(() -> failedFiles() - failedBefore == 1);
        }
        finally {
            jdbc.sql("ALTER TABLE accepted_row DROP CONSTRAINT test_only_first_lines").update();
        }
    }

    @Test
    void refuses_a_file_that_turns_out_unreadable_half_way_and_sends_none_of_its_rows() throws IOException {
        double acceptedBefore = acceptedRows();
        var orders = new ArrayList<UUID>();
        var csv = new StringBuilder("order_id,status\n");
        for (int i = 0; i < 1000; i++) {
            orders.add(newOrder("started"));
            csv.append(orders.get(i)).append(",processing\n");
        }
        // line 1002 is Latin-1: found only when the reading gets there, a row per
        // transaction after the rows before it are committed
        drop("half-way.csv",
                csv.append(orders.get(0))
                    .append(",cancelled,Caf\u00e9\n")
                    .toString()
                    .getBytes(StandardCharsets.ISO_8859_1));

        String reason = FailedFolder.awaitReason(dataDir, "half-way.csv", Duration.ofSeconds(60));

        assertThat(reason).contains("Line 1002 has a character that is not UTF-8 (byte 0xE9)")
            .contains("Nothing from this file was sent.");
        assertThat(acceptedRows() - acceptedBefore).as("rows committed before the bad line was read").isPositive();
        long fileId = jdbc.sql("SELECT id FROM ingested_file WHERE file_name = 'half-way.csv' AND state = 'FAILED'")
            .query(Long.class)
            .single();
        for (String table : new String[] { "accepted_row", "skipped_row" }) {
            assertThat(jdbc.sql("SELECT COUNT(*) FROM " + table + " WHERE file_id = :id")
                .param("id", fileId)
                .query(Long.class)
                .single()).as("rows of the refused file in %s", table).isZero();
        }
        assertThat(jdbc.sql("SELECT COUNT(*) FROM status_update WHERE source_file_id = :id")
            .param("id", fileId)
            .query(Long.class)
            .single()).as("updates from the refused file").isZero();
        assertThat(orders).allSatisfy(order -> assertThat(requestsFor(order)).isZero());
    }

    /** Rows that passed the checks and were committed so far. */
    private double acceptedRows() {
        return metrics.get("shipsync.file.rows").tag("outcome", "accepted").counter().count();
    }

    /** Files given up on so far ({@code shipsync_files_total{outcome="failed"}}). */
    private double failedFiles() {
        return metrics.get("shipsync.files").tag("outcome", "failed").counter().count();
    }

    private List<OffsetDateTime> receivedAt(List<String> names) {
        return jdbc.sql("SELECT received_at FROM ingested_file WHERE file_name IN (:names) ORDER BY received_at")
            .param("names", names)
            .query(OffsetDateTime.class)
            .list();
    }

}
