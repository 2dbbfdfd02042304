package io.shipsync.shipment;

import java.io.IOException;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.QuoteMode;

/**
 * The CSV of a result report, safe to open in a spreadsheet. Rows of a rejected file
 * carry whatever the file had ({@code =HYPERLINK(...)} as an order id, {@code -1} as a
 * status); a cell a spreadsheet would run as a formula is written behind a single quote
 * and quoted, so it shows as text (OWASP "CSV Injection").
 */
final class ReportCsv {

    private static final CSVFormat CELLS = CSVFormat.RFC4180.builder().setRecordSeparator("\n").get();

    private static final CSVFormat QUOTED = CELLS.builder().setQuoteMode(QuoteMode.ALL).get();

    /** What a spreadsheet takes as the start of a formula. */
    private static final String FORMULA_STARTS = "=+-@\t\r";

    private ReportCsv() {
    }

    /** Prints one row, each cell neutralised, and the line end. */
    static void printRow(Appendable out, Object... cells) throws IOException {
        for (int i = 0; i < cells.length; i++) {
            String cell = cells[i] == null ? null : cells[i].toString();
            if (startsFormula(cell)) {
                QUOTED.print("'" + cell, out, i == 0);
            }
            else {
                CELLS.print(cell, out, i == 0);
            }
        }
        CELLS.println(out);
    }

    static boolean startsFormula(String cell) {
        return cell != null && !cell.isEmpty() && FORMULA_STARTS.indexOf(cell.charAt(0)) >= 0;
    }

}
