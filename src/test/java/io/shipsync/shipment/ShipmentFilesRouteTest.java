package io.shipsync.shipment;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

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
 * Shipment files dropped into the inbox, through the shipment-files route to the platform
 * and the report.
 */
@ExtendWith(OutputCaptureExtension.class)
class ShipmentFilesRouteTest extends EndToEndTest {

    @Autowired
    private MeterRegistry metrics;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        configure(registry, 50, 100);
        registry.add("shipsync.shipment-files.max-file-size", () -> "2KB");
        registry.add("shipsync.shipment-files.busy-file-timeout", () -> "1s");
    }

    @Test
    void applies_good_rows_and_reports_each_row() throws IOException {
        UUID toProcess = newOrder("started");
        UUID toDispatch = newOrder("processing");
        drop("good.csv", """
                order_id,status,tracking_url
                %s,processing,
                %s,dispatched,https://delhivery.com/track/DLVY1
                """.formatted(toProcess, toDispatch));

        List<String> report = awaitReport("good");

        assertThat(report).hasSize(3);
        assertThat(report.get(0)).isEqualTo("line,order_id,status,outcome,detail");
        assertThat(reportLine(report, 2)).startsWith("2," + toProcess + ",processing,applied,");
        assertThat(reportLine(report, 3)).startsWith("3," + toDispatch + ",dispatched,applied,");
        assertThat(platform.statusHistory(toProcess)).containsExactly("processing");
        assertThat(platform.order(toDispatch).trackingUrl()).isEqualTo("https://delhivery.com/track/DLVY1");
        assertThat(archived("good.csv")).hasSize(1);
    }

    @Test
    void rejects_bad_rows_locally_while_good_rows_in_the_same_file_go_through() throws IOException {
        UUID good = newOrder("started");
        UUID nonHttps = newOrder("processing");
        UUID noTracking = newOrder("processing");
        UUID unknownStatus = newOrder("started");
        double acceptedBefore = rows("accepted");
        double rejectedBefore = rows("rejected");
        double ingestedBefore = files("ingested");
        drop("mixed.csv", """
                order_id,status,tracking_url
                not-a-uuid,processing,
                %s,shipped,
                %s,dispatched,http://delhivery.com/track/X1
                %s,dispatched,
                ,,
                %s,processing,
                """.formatted(unknownStatus, nonHttps, noTracking, good));

        List<String> report = awaitReport("mixed");

        assertThat(reportLine(report, 2)).contains(",rejected,").contains("not a valid order id");
        assertThat(reportLine(report, 3)).contains(",rejected,").contains("\"\"shipped\"\" is unknown");
        assertThat(reportLine(report, 4)).contains(",rejected,").contains("not a valid https:// link");
        assertThat(reportLine(report, 5)).contains(",rejected,").contains("dispatched needs a tracking link");
        assertThat(reportLine(report, 6)).contains(",rejected,").contains("Empty line");
        assertThat(reportLine(report, 7)).startsWith("7," + good + ",processing,applied,");
        assertThat(requestsFor(nonHttps) + requestsFor(noTracking) + requestsFor(unknownStatus)).isZero();
        assertThat(rows("accepted") - acceptedBefore).isEqualTo(1);
        assertThat(rows("rejected") - rejectedBefore).isEqualTo(5);
        assertThat(files("ingested") - ingestedBefore).isEqualTo(1);
    }

    @Test
    void reads_headers_in_any_case_and_order_with_bom_crlf_quotes_and_extra_columns() throws IOException {
        UUID order = newOrder("processing");
        String csv = "\uFEFF Notes ,AWB,Courier, STATUS ,Order_ID\r\n"
                + "\"packed, checked \"\"twice\"\"\",DL123,Delhivery,Dispatched," + order + "\r\n";
        drop("excel.csv", csv);

        List<String> report = awaitReport("excel");

        assertThat(reportLine(report, 2)).startsWith("2," + order + ",dispatched,applied,");
        assertThat(platform.order(order).trackingUrl()).isEqualTo("https://delhivery.com/track/DL123");
    }

    @Test
    void sends_the_same_order_and_status_once_per_file() throws IOException {
        UUID order = newOrder("started");
        drop("twice.csv", """
                order_id,status
                %s,processing
                %s,PROCESSING
                """.formatted(order, order));

        List<String> report = awaitReport("twice");

        assertThat(reportLine(report, 2)).contains(",applied,");
        assertThat(reportLine(report, 3)).contains(",unchanged,").contains("Same order and status as line 2");
        assertThat(platform.statusHistory(order)).containsExactly("processing");
    }

    @Test
    void rejects_unknown_courier_and_builds_tracking_links_for_known_ones() throws IOException {
        UUID known = newOrder("processing");
        UUID unknown = newOrder("processing");
        drop("couriers.csv", """
                order_id,status,courier,awb
                %s,dispatched,bluedart,AWB67890
                %s,dispatched,pigeon,P1
                """.formatted(known, unknown));

        List<String> report = awaitReport("couriers");

        assertThat(reportLine(report, 2)).contains(",applied,");
        assertThat(platform.order(known).trackingUrl()).isEqualTo("https://bluedart.com/tracking/AWB67890");
        assertThat(reportLine(report, 3)).contains(",rejected,").contains("courier \"\"pigeon\"\" is unknown");
        assertThat(requestsFor(unknown)).isZero();
    }

    @Test
    void moves_a_file_without_order_id_column_to_failed_with_a_reason() throws IOException {
        double refusedBefore = files("refused");

        drop("no-order-id.csv", "id,status\n1,processing\n");

        assertThat(awaitReason("no-order-id.csv")).contains("no order_id column").contains("id,status");
        assertThat(reportOf("no-order-id")).doesNotExist();
        await().atMost(Duration.ofSeconds(5)).until(() -> files("refused") - refusedBefore == 1);
    }

    @Test
    void moves_a_file_without_status_column_to_failed_with_a_reason() throws IOException {
        drop("no-status.csv", "order_id,tracking_url\n" + UUID.randomUUID() + ",https://x.example/1\n");

        assertThat(awaitReason("no-status.csv")).contains("no status column");
    }

    @Test
    void moves_an_empty_file_to_failed_with_a_reason() throws IOException {
        drop("empty.csv", "");

        assertThat(awaitReason("empty.csv")).contains("The file is empty");
    }

    @Test
    void names_the_first_line_with_a_byte_that_is_not_utf8() throws IOException {
        UUID order = newOrder("started");
        byte[] latin1 = ("order_id,status,notes\n" + order + ",processing,fine\n" + order + ",processing,Caf\u00e9\n")
            .getBytes(StandardCharsets.ISO_8859_1);
        drop("latin1.csv", latin1);

        assertThat(awaitReason("latin1.csv")).contains("\n\nLine 3 has a character that is not UTF-8 (byte 0xE9): is "
                + "the file a spreadsheet or binary file, or text saved in another encoding? Save it as \"CSV UTF-8\" "
                + "and drop it again.\n\n");
        assertThat(requestsFor(order)).isZero();
    }

    @Test
    void names_the_line_where_a_quoted_value_opens_and_never_closes() throws IOException {
        UUID order = newOrder("started");
        drop("stray-quote.csv", """
                order_id,status,tracking_url
                %s,dispatched,"https://delhivery.com/track/DL1
                %s,processing,
                """.formatted(order, order));

        String reason = "Line 2 opens a quoted value that never closes. A value that starts with a double quote must "
                + "end with one, and a double quote inside it must be doubled (\"\").";
        assertThat(awaitReason("stray-quote.csv")).contains("\n\n" + reason + "\n\n");
        assertThat(failureReason("stray-quote.csv")).isEqualTo(reason);
        assertThat(requestsFor(order)).isZero();
    }

    @Test
    void names_the_line_of_a_quoted_value_followed_by_text() throws IOException {
        drop("after-quote.csv",
                "order_id,status\n" + UUID.randomUUID() + ",processing\n" + UUID.randomUUID() + ",\"processing\"ok\n");

        assertThat(failureReasonWhenFailed("after-quote.csv")).isEqualTo("Line 3 has text after the closing quote of a "
                + "quoted value (opened on line 3). A value that starts with a double quote must end with one, and a "
                + "double quote inside it must be doubled (\"\").");
    }

    @Test
    void refuses_a_file_with_a_row_of_more_values_than_max_columns() throws IOException {
        UUID order = newOrder("started");
        drop("wide.csv", "order_id,status\n" + order + ",processing\n" + order + ",delivered" + ",x".repeat(63) + "\n");

        assertThat(failureReasonWhenFailed("wide.csv")).isEqualTo("Line 3 has more than 64 values "
                + "(shipsync.shipment-files.max-columns): is this a shipment file? A shipment row has the columns "
                + "order_id, status, tracking_url, courier and awb, and perhaps a few more.");
        assertThat(requestsFor(order)).isZero();
    }

    @Test
    void reads_semicolon_and_tab_separated_exports(CapturedOutput output) throws IOException {
        UUID semicolon = newOrder("processing");
        UUID tab = newOrder("started");
        drop("europe.csv", "\"order_id\";\"status\";\"tracking_url\";\"courier\";\"awb\";\"notes\"\r\n" + semicolon
                + ";dispatched;;delhivery;DL77;packed, checked twice\r\n");
        drop("text-export.csv", "order_id\tstatus\ttracking_url\n" + tab + "\tprocessing\t\n");

        assertThat(reportLine(awaitReport("europe"), 2)).startsWith("2," + semicolon + ",dispatched,applied,");
        assertThat(reportLine(awaitReport("text-export"), 2)).startsWith("2," + tab + ",processing,applied,");
        assertThat(platform.order(semicolon).trackingUrl()).isEqualTo("https://delhivery.com/track/DL77");
        // the separator is known once the header is read, the number of rows once the
        // last one is: the file is read once
        assertThat(output).contains("Reading europe.csv (semicolon-separated)")
            .contains("europe.csv: 1 data rows read")
            .contains("Reading text-export.csv (tab-separated)")
            .contains("text-export.csv: 1 data rows read");
    }

    @Test
    void moves_a_binary_file_to_failed_with_a_reason() throws IOException {
        drop("photo.csv", new byte[] { 'o', 'r', 'd', 'e', 'r', '_', 'i', 'd', ',', 's', 't', 'a', 't', 'u', 's', '\n',
                0, 1, 2, 0 });

        assertThat(awaitReason("photo.csv")).contains("binary data");
    }

    @Test
    void moves_a_file_over_the_size_limit_to_failed_before_reading_it() throws IOException {
        UUID order = newOrder("started");
        var big = new StringBuilder("order_id,status\n");
        while (big.length() <= 2048) {
            big.append(order).append(",processing\n");
        }
        drop("big.csv", big.toString());

        assertThat(awaitReason("big.csv")).contains("larger than the 2.0 KB limit");
        assertThat(requestsFor(order)).isZero();
    }

    @Test
    void recognises_the_same_content_dropped_again_and_does_not_send_it_twice() throws IOException {
        UUID order = newOrder("started");
        String content = "order_id,status\n" + order + ",processing\n";
        drop("monday.csv", content);
        awaitReport("monday");

        double duplicatesBefore = files("duplicate");
        drop("monday-again.csv", content);
        List<String> again = awaitReport("monday-again");

        assertThat(reportLine(again, 2)).contains(",unchanged,")
            .contains("Duplicate file: identical to monday.csv")
            .contains("not sent again");
        assertThat(platform.statusHistory(order)).containsExactly("processing");
        assertThat(requestsFor(order)).isEqualTo(2);
        assertThat(files("duplicate") - duplicatesBefore).isEqualTo(1);
    }

    @Test
    void archives_two_files_of_the_same_name_side_by_side() throws IOException {
        drop("daily.csv", "order_id,status\n" + newOrder("started") + ",processing\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> archived("daily.csv").size() == 1);
        drop("daily.csv", "order_id,status\n" + newOrder("started") + ",processing\n");

        await().atMost(Duration.ofSeconds(20)).until(() -> archived("daily.csv").size() == 2);
    }

    @Test
    void does_not_read_a_file_that_is_still_being_written() throws Exception {
        UUID first = newOrder("started");
        UUID last = newOrder("started");
        Path inbox = Files.createDirectories(dataDir.resolve("inbox"));
        // a slow writer that writes the file in place, pausing for less than the quiet
        // period between chunks
        try (OutputStream out = Files.newOutputStream(inbox.resolve("slow.csv"))) {
            out.write(("order_id,status\n" + first + ",processing\n").getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 8; i++) {
                out.flush();
                Thread.sleep(100);
                out.write(("order_id_is_not_here," + i + "\n").getBytes(StandardCharsets.UTF_8));
            }
            out.write((last + ",processing\n").getBytes(StandardCharsets.UTF_8));
        }

        List<String> report = awaitReport("slow");

        assertThat(report).hasSize(1 + 10);
        assertThat(reportLine(report, 11)).startsWith("11," + last + ",processing,applied,");
    }

    @Test
    void does_not_let_a_file_that_keeps_changing_hold_up_the_others() throws Exception {
        Path inbox = Files.createDirectories(dataDir.resolve("inbox"));
        var stillWriting = new AtomicBoolean(true);
        // "busy" sorts before "other": the inbox looks at it first, and it changes more
        // often than the quiet period
        Thread writer = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(inbox.resolve("busy.csv"))) {
                out.write("order_id,status\n".getBytes(StandardCharsets.UTF_8));
                for (int i = 0; i < 100 && stillWriting.get(); i++) {
                    out.write((UUID.randomUUID() + ",processing\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    Thread.sleep(100);
                }
            }
            catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        try {
            drop("other.csv", "order_id,status\n" + newOrder("started") + ",processing\n");

            awaitReport("other");

            assertThat(writer.isAlive()).as("busy.csv is still being written").isTrue();
            assertThat(reportOf("busy")).doesNotExist();
        }
        finally {
            stillWriting.set(false);
            writer.join();
        }
    }

    @Test
    void ignores_hidden_and_partial_files() throws IOException {
        Path inbox = Files.createDirectories(dataDir.resolve("inbox"));
        String content = "order_id,status\n" + newOrder("started") + ",processing\n";
        Files.writeString(inbox.resolve(".hidden.csv"), content);
        Files.writeString(inbox.resolve("upload.csv.part"), content);
        Files.writeString(inbox.resolve("upload.csv.tmp"), content);
        drop("marker.csv", "order_id,status\n" + newOrder("started") + ",processing\n");

        awaitReport("marker");

        assertThat(inbox.resolve(".hidden.csv")).exists();
        assertThat(inbox.resolve("upload.csv.part")).exists();
        assertThat(inbox.resolve("upload.csv.tmp")).exists();
        assertThat(jdbc
            .sql("SELECT COUNT(*) FROM ingested_file WHERE file_name <> 'marker.csv' "
                    + "AND file_name LIKE '%upload%' OR file_name LIKE '.hidden%'")
            .query(Long.class)
            .single()).isZero();
    }

    /** The reason recorded for a file moved to the failed folder. */
    private String failureReasonWhenFailed(String fileName) throws IOException {
        awaitReason(fileName);
        return failureReason(fileName);
    }

    private String failureReason(String fileName) {
        return jdbc.sql("SELECT failure_reason FROM ingested_file WHERE file_name = :name AND state = 'FAILED'")
            .param("name", fileName)
            .query(String.class)
            .single();
    }

    private static String awaitReason(String fileName) throws IOException {
        return FailedFolder.awaitReason(dataDir, fileName, Duration.ofSeconds(20));
    }

    private static List<Path> archived(String fileName) throws IOException {
        Path archive = dataDir.resolve("archive");
        if (!Files.isDirectory(archive)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(archive)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-" + fileName)).toList();
        }
    }

    /** Files with this outcome so far ({@code shipsync_files_total}). */
    private double files(String outcome) {
        return metrics.get("shipsync.files").tag("outcome", outcome).counter().count();
    }

    /**
     * Rows that passed ({@code accepted}) or failed the checks so far
     * ({@code shipsync_file_rows_total}).
     */
    private double rows(String outcome) {
        return metrics.get("shipsync.file.rows").tag("outcome", outcome).counter().count();
    }

}
