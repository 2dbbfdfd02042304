package io.shipsync.shipment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.shipsync.EndToEndTest;

import org.apache.camel.CamelContext;
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
 * Result reports through the real routes: one per received file, never overwritten, safe
 * in a spreadsheet.
 */
@ExtendWith(OutputCaptureExtension.class)
class ResultReportsTest extends EndToEndTest {

    @Autowired
    private CamelContext camel;

    @Autowired
    private IngestedFiles files;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        configure(registry, 50, 100);
    }

    @Test
    void two_files_of_the_same_name_keep_a_report_each_named_like_their_archive_copy() throws IOException {
        UUID monday = newOrder("started");
        UUID tuesday = newOrder("started");
        Path dropped = drop("shipments.csv", "order_id,status\n" + monday + ",processing\n");
        List<String> mondayReport = awaitReport("shipments");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.notExists(dropped));

        drop("shipments.csv", "order_id,status\n" + tuesday + ",processing\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> reportsOf("shipments").size() == 2);

        List<Path> reports = reportsOf("shipments");
        assertThat(read(reports.get(0))).isEqualTo(mondayReport);
        assertThat(reportLine(mondayReport, 2)).startsWith("2," + monday + ",processing,applied,");
        assertThat(reportLine(read(reports.get(1)), 2)).startsWith("2," + tuesday + ",processing,applied,");
        assertThat(reports).containsExactlyElementsOf(
                receivedAs("shipments.csv").stream().map(ResultReportsTest::expectedReport).toList());
    }

    @Test
    void a_file_dropped_again_gets_its_own_report_and_the_first_report_stays() throws IOException {
        UUID order = newOrder("started");
        String content = "order_id,status\n" + order + ",processing\n";
        Path dropped = drop("resend.csv", content);
        List<String> original = awaitReport("resend");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.notExists(dropped));

        drop("resend.csv", content);
        await().atMost(Duration.ofSeconds(30)).until(() -> reportsOf("resend").size() == 2);

        List<Path> reports = reportsOf("resend");
        assertThat(read(reports.get(0))).isEqualTo(original);
        assertThat(reportLine(original, 2)).startsWith("2," + order + ",processing,applied,");
        assertThat(reportLine(read(reports.get(1)), 2)).startsWith("2," + order + ",processing,unchanged,")
            .contains("Duplicate file: identical to resend.csv");
    }

    @Test
    void a_report_that_cannot_be_written_is_tried_again_and_holds_up_no_other(CapturedOutput output) throws Exception {
        camel.getRouteController().stopRoute("shipment-reports");
        Path obstacle;
        long blocked;
        long free;
        try {
            drop("blocked.csv", "order_id,status\n" + newOrder("started") + ",processing\n");
            blocked = await().atMost(Duration.ofSeconds(20))
                .until(() -> receivedAs("blocked.csv"), r -> r.size() == 1)
                .get(0)
                .id();
            drop("free.csv", "order_id,status\n" + newOrder("started") + ",processing\n");
            free = await().atMost(Duration.ofSeconds(20))
                .until(() -> receivedAs("free.csv"), r -> r.size() == 1)
                .get(0)
                .id();
            await().atMost(Duration.ofSeconds(30))
                .until(() -> files.awaitingReport()
                    .stream()
                    .map(IngestedFile::id)
                    .toList()
                    .containsAll(List.of(blocked, free)));
            // a folder where the report of blocked.csv goes: it cannot be written there
            obstacle = Files.createDirectories(expectedReport(files.get(blocked)));
            Files.writeString(obstacle.resolve("keep.txt"), "in the way");
        }
        finally {
            camel.getRouteController().startRoute("shipment-reports");
        }

        assertThat(awaitReport(free)).hasSize(2);
        assertThat(reportPath(blocked)).isEmpty();
        await().atMost(Duration.ofSeconds(10))
            .until(() -> output.getOut().contains("Result report of blocked.csv not written, trying again"));
        assertThat(output.getAll()).doesNotContain("\tat io.shipsync.shipment.ResultReports");

        Files.delete(obstacle.resolve("keep.txt"));
        Files.delete(obstacle);
        assertThat(reportLine(awaitReport(blocked), 2)).contains(",processing,applied,");
        assertThat(reportPath(blocked)).contains(obstacle.toString());
    }

    @Test
    void cells_a_spreadsheet_would_run_as_formulas_are_written_as_text() throws IOException {
        UUID order = newOrder("started");
        drop("formulas.csv", """
                order_id,status
                "=HYPERLINK(""https://evil.example"",""click"")",processing
                %s,-1
                +1,@SUM(A1)
                """.formatted(order));

        List<String> report = awaitReport("formulas");

        assertThat(reportLine(report, 2)).startsWith(
                "2,\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"click\"\")\",processing,rejected,\"order_id ");
        assertThat(reportLine(report, 3)).startsWith("3," + order + ",\"'-1\",rejected,\"status \"\"-1\"\" is unknown");
        assertThat(reportLine(report, 4)).startsWith("4,\"'+1\",\"'@SUM(A1)\",rejected,");
        assertThat(requestsFor(order)).isZero();
    }

    /** The files received under this name, oldest first. */
    private List<IngestedFile> receivedAs(String fileName) {
        return jdbc.sql("SELECT id FROM ingested_file WHERE file_name = :name ORDER BY id")
            .param("name", fileName)
            .query(Long.class)
            .list()
            .stream()
            .map(files::get)
            .toList();
    }

    private Optional<String> reportPath(long fileId) {
        return jdbc.sql("SELECT report_path FROM ingested_file WHERE id = :id")
            .param("id", fileId)
            .query(String.class)
            .optional();
    }

    /**
     * Named like the archive copy: {@code <time>-<n>-<name>.csv} has
     * {@code <time>-<n>-<name>.result.csv}.
     */
    private static Path expectedReport(IngestedFile file) {
        String archived = Path.of(file.archivedAs()).getFileName().toString();
        return dataDir.resolve("reports")
            .toAbsolutePath()
            .normalize()
            .resolve(archived.replaceFirst("\\.csv$", ".result.csv"));
    }

}
