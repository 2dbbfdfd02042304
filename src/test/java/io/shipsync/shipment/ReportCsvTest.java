package io.shipsync.shipment;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Report cells a spreadsheet would run as formulas are written as text. */
class ReportCsvTest {

    @Test
    void writes_cells_that_start_a_formula_quoted_behind_a_single_quote() throws IOException {
        assertThat(row(2, "=HYPERLINK(\"https://evil.example\",\"click\")", "-1", "rejected", "@SUM(A1)")).isEqualTo(
                "2,\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"click\"\")\",\"'-1\",rejected," + "\"'@SUM(A1)\"\n");
        assertThat(row("+1", "\tcmd", "\rcmd")).isEqualTo("\"'+1\",\"'\tcmd\",\"'\rcmd\"\n");
    }

    @Test
    void writes_other_cells_as_plain_csv() throws IOException {
        assertThat(row(7, "770e8400-e29b-41d4-a716-446655440789", "processing", "applied", "Updated, step by step."))
            .isEqualTo("7,770e8400-e29b-41d4-a716-446655440789,processing,applied,\"Updated, step by step.\"\n");
        assertThat(row(3, null, "", "rejected", "a = b - c")).isEqualTo("3,,,rejected,a = b - c\n");
    }

    private static String row(Object... cells) throws IOException {
        var out = new StringBuilder();
        ReportCsv.printRow(out, cells);
        return out.toString();
    }

}
