package io.shipsync.shipment;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.shipsync.shipment.ShipmentFileProperties.RecordLimits;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The guarded reading follows records by itself, beside the parser: it must agree with
 * the parser on where each record starts, or it would name the wrong line, or refuse a
 * good file.
 */
class ShipmentCsvReaderTest {

    private static final RecordLimits LIMITS = new RecordLimits(1024, 8);

    @Test
    void agrees_with_the_parser_on_quoting_and_line_numbers() throws Exception {
        List<RawRow> rows = read("order_id,status,tracking_url\r\n" + "a,\"processing\" ,\"https://x.example/1\"\r\n"
                + "b,\"dis\"\"patched\",\"line one\r\nline two\"\r\n" + "c,ab\"c,\r\n" + "\r\n"
                + "d,processing,\"\"\n");

        assertThat(rows).extracting(RawRow::line).containsExactly(2L, 3L, 5L, 6L, 7L);
        assertThat(rows.get(1).status()).isEqualTo("dis\"patched");
        assertThat(rows.get(1).trackingUrl()).isEqualTo("line one\r\nline two");
        assertThat(rows.get(2).status()).isEqualTo("ab\"c");
    }

    @Test
    void names_the_line_where_a_long_row_starts_after_a_row_of_several_lines() {
        String csv = "order_id,status\n" + "a,\"two\nlines\"\r\n" + "b," + "x".repeat(2000) + "\n";

        assertThatThrownBy(() -> read(csv)).isInstanceOf(UnreadableFileException.class)
            .hasMessageStartingWith("Line 4 is longer than 1.0 KB (shipsync.shipment-files.max-record-size)");
    }

    @Test
    void reads_a_tab_separated_header_with_blanks_after_a_closing_quote() throws Exception {
        List<RawRow> rows = read("\uFEFForder_id\tstatus\n\"a\" \tprocessing\n");

        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row.orderId()).isEqualTo("a");
            assertThat(row.status()).isEqualTo("processing");
        });
    }

    private static List<RawRow> read(String csv) throws UnreadableFileException, IOException {
        var rows = new ArrayList<RawRow>();
        try (var reader = ShipmentCsvReader.open(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)),
                LIMITS)) {
            try {
                reader.forEachRemaining(rows::add);
            }
            catch (UncheckedIOException e) {
                throw new UnreadableFileException(ShipmentCsvReader.unreadableReason(e).orElseThrow(() -> e));
            }
        }
        return rows;
    }

}
