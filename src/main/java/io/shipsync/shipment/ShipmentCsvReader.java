package io.shipsync.shipment;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Streams the rows of a shipment CSV: UTF-8 with or without a byte order mark, comma separated, RFC 4180 quoting,
 * CRLF or LF, a header row whose column names are matched trimmed and in any case. Only the current row is held in
 * memory.
 */
public final class ShipmentCsvReader implements Iterator<RawRow>, Closeable {

    static final String ORDER_ID = "order_id";
    static final String STATUS = "status";
    static final String TRACKING_URL = "tracking_url";
    static final String COURIER = "courier";
    static final String AWB = "awb";

    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder()
            .setIgnoreEmptyLines(false)
            .setTrim(true)
            .get();

    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final Map<String, Integer> columns;
    private long nextLine;

    private ShipmentCsvReader(CSVParser parser, Map<String, Integer> columns) {
        this.parser = parser;
        this.records = parser.iterator();
        this.columns = columns;
        this.nextLine = parser.getCurrentLineNumber() + 1;
    }

    /** Opens the stream, reads and checks the header. The reader owns the stream from here on. */
    public static ShipmentCsvReader open(InputStream in) throws UnreadableFileException {
        try {
            CSVParser parser = CSVParser.parse(strictUtf8WithoutBom(in), FORMAT);
            Iterator<CSVRecord> header = parser.iterator();
            if (!header.hasNext()) {
                parser.close();
                throw new UnreadableFileException("The file is empty: a shipment file needs a header row "
                        + "(order_id,status,tracking_url,courier,awb) and one row per shipment.");
            }
            Map<String, Integer> columns = columnsOf(header.next());
            for (String required : new String[] {ORDER_ID, STATUS}) {
                if (!columns.containsKey(required)) {
                    parser.close();
                    throw new UnreadableFileException("The header row has no " + required + " column. "
                            + "The first line must name the columns, e.g. order_id,status,tracking_url,courier,awb; "
                            + "this file's first line has: " + String.join(",", columns.keySet()) + ".");
                }
            }
            return new ShipmentCsvReader(parser, columns);
        } catch (IOException | UncheckedIOException e) {
            throw unreadable(e);
        }
    }

    @Override
    public boolean hasNext() {
        try {
            return records.hasNext();
        } catch (UncheckedIOException e) {
            throw new UncheckedIOException(new IOException(unreadable(e).getMessage(), e));
        }
    }

    @Override
    public RawRow next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        CSVRecord record;
        try {
            record = records.next();
        } catch (UncheckedIOException e) {
            throw new UncheckedIOException(new IOException(unreadable(e).getMessage(), e));
        }
        long line = nextLine;
        nextLine = parser.getCurrentLineNumber() + 1;
        return new RawRow(line, value(record, ORDER_ID), value(record, STATUS), value(record, TRACKING_URL),
                value(record, COURIER), value(record, AWB));
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }

    /** Turns a low-level reading failure into the reason a warehouse person reads. */
    static UnreadableFileException unreadable(Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof CharacterCodingException)) {
            cause = cause.getCause();
        }
        if (cause instanceof CharacterCodingException) {
            return new UnreadableFileException("The file is not UTF-8 text (is it a spreadsheet or binary file, "
                    + "or saved in another encoding?). Save it as \"CSV UTF-8\" and drop it again.");
        }
        return new UnreadableFileException("The file is not a readable CSV: " + e.getMessage()
                + ". Check quoting: a value containing a comma or a quote must be enclosed in double quotes, "
                + "and quotes inside it doubled.");
    }

    private String value(CSVRecord record, String column) {
        Integer index = columns.get(column);
        if (index == null || index >= record.size()) {
            return null;
        }
        return record.get(index);
    }

    private static Map<String, Integer> columnsOf(CSVRecord header) {
        var columns = new TreeMap<String, Integer>();
        for (int i = 0; i < header.size(); i++) {
            columns.putIfAbsent(header.get(i).trim().toLowerCase(Locale.ROOT), i);
        }
        columns.remove("");
        return columns;
    }

    private static Reader strictUtf8WithoutBom(InputStream in) throws IOException {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        var reader = new PushbackReader(new InputStreamReader(in, decoder), 1);
        int first = reader.read();
        if (first != -1 && first != BYTE_ORDER_MARK) {
            reader.unread(first);
        }
        return reader;
    }
}
