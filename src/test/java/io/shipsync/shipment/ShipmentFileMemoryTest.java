package io.shipsync.shipment;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import io.shipsync.EndToEndTest;
import io.shipsync.ForkedService;
import io.shipsync.ForkedServiceTest;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Files that would make one row as large as the heap, dropped into a service running in
 * 256 MB: each is refused with the line where its row begins, and the service goes on
 * with the next file.
 */
class ShipmentFileMemoryTest extends ForkedServiceTest {

    private static final String API_KEY = "tb-test-memory-key1";

    private static final UUID STORE = UUID.fromString("5a000000-0000-4000-8000-0000000000d1");

    private static final int MB = 1024 * 1024;

    @Test
    void refuses_rows_larger_than_the_limit_without_running_out_of_memory() throws Exception {
        startPlatform(API_KEY, STORE, 50, 50, Duration.ofSeconds(1));
        UUID order = UUID.randomUUID();
        platform.addOrder(STORE, order, "started");
        // a single value of 150 MB: no line break after the header
        drop("one-field.csv", out -> {
            out.write("order_id,status\n".getBytes(StandardCharsets.US_ASCII));
            byte[] block = new byte[MB];
            Arrays.fill(block, (byte) 'x');
            for (int i = 0; i < 150; i++) {
                out.write(block);
            }
        });
        // a quote opened on line 2 that never closes, with 100 MB of ordinary rows after
        // it
        drop("stray-quote.csv", out -> {
            out.write(("order_id,status,tracking_url\n" + UUID.randomUUID() + ",dispatched,\"https://x.example/1\n")
                .getBytes(StandardCharsets.US_ASCII));
            byte[] rows = (UUID.randomUUID() + ",processing,\n").repeat(MB / 50).getBytes(StandardCharsets.US_ASCII);
            for (long written = 0; written < 100L * MB; written += rows.length) {
                out.write(rows);
            }
        });
        // a million values on line 2
        drop("columns.csv", out -> {
            out.write(("order_id,status\n" + UUID.randomUUID() + ",processing").getBytes(StandardCharsets.US_ASCII));
            byte[] commas = new byte[MB];
            Arrays.fill(commas, (byte) ',');
            out.write(commas);
        });
        service = ForkedService.start("shipment-file-memory", "256m", List.of("--shipsync.data-dir=" + dataDir,
                "--shipsync.inbox=" + dataDir.resolve("inbox"), "--shipsync.tribemade.base-url=" + platform.baseUrl(),
                "--shipsync.tribemade.api-key=" + API_KEY, "--shipsync.status-updates.poll-interval=100ms",
                "--shipsync.shipment-files.quiet-period=200ms", "--shipsync.shipment-files.report-interval=200ms"));

        assertThat(FailedFolder.awaitReason(dataDir, "one-field.csv", Duration.ofSeconds(90)))
            .contains("Line 2 is longer than 64.0 KB (shipsync.shipment-files.max-record-size)");
        assertThat(FailedFolder.awaitReason(dataDir, "stray-quote.csv", Duration.ofSeconds(30)))
            .contains("Line 2 opens a quoted value that is still open 64.0 KB later");
        assertThat(FailedFolder.awaitReason(dataDir, "columns.csv", Duration.ofSeconds(30)))
            .contains("Line 2 has more than 64 values (shipsync.shipment-files.max-columns)");
        drop("after.csv",
                out -> out.write(("order_id,status\n" + order + ",processing\n").getBytes(StandardCharsets.US_ASCII)));

        await().atMost(Duration.ofSeconds(30))
            .until(() -> !EndToEndTest.reportsIn(dataDir.resolve("reports"), "after").isEmpty());
        assertThat(platform.statusHistory(order)).containsExactly("processing");
        assertThat(service.isAlive()).isTrue();
        assertThat(service.logged("OutOfMemoryError")).isFalse();
    }

    private interface Content {

        void writeTo(OutputStream out) throws IOException;

    }

    /** Writes the file beside the inbox, streamed, and moves it in whole. */
    private void drop(String name, Content content) throws IOException {
        Path part = dataDir.resolve(name + ".part");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(part), MB)) {
            content.writeTo(out);
        }
        Files.move(part, Files.createDirectories(dataDir.resolve("inbox")).resolve(name));
    }

}
