package io.shipsync.shipment;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The character between the values of a shipment file. Spreadsheets export CSV with the
 * separator of the computer's region: a comma in most, a semicolon where the comma is the
 * decimal mark (much of Europe), and "text" exports use tabs. The header row tells which
 * one a file uses.
 */
public enum Separator {

    COMMA(',', "comma-separated"), SEMICOLON(';', "semicolon-separated"), TAB('\t', "tab-separated");

    private final char symbol;

    private final String description;

    Separator(char symbol, String description) {
        this.symbol = symbol;
        this.description = description;
    }

    public char symbol() {
        return symbol;
    }

    /** As the log says it: {@code semicolon-separated}. */
    public String description() {
        return description;
    }

    /**
     * The separator that splits this header line into the required {@code order_id} and
     * {@code status} columns, the comma first; the comma when none does, so that the file
     * is refused for its header with the usual reason.
     */
    public static Separator of(String headerLine) {
        return Arrays.stream(values())
            .filter(separator -> separator.columnsOf(headerLine)
                .containsAll(Set.of(ShipmentCsvReader.ORDER_ID, ShipmentCsvReader.STATUS)))
            .findFirst()
            .orElse(COMMA);
    }

    private Set<String> columnsOf(String headerLine) {
        return Arrays.stream(headerLine.split(String.valueOf(symbol), -1))
            .map(name -> unquoted(name.trim()).trim().toLowerCase(Locale.ROOT))
            .collect(Collectors.toSet());
    }

    private static String unquoted(String name) {
        return name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"") ? name.substring(1, name.length() - 1)
                : name;
    }

}
