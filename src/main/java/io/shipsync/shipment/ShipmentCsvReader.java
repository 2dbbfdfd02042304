package io.shipsync.shipment;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;

import io.shipsync.shipment.ShipmentFileProperties.RecordLimits;

import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Streams the rows of a shipment CSV: UTF-8 with or without a byte order mark, comma,
 * semicolon or tab separated (the header row tells which), RFC 4180 quoting, CRLF or LF,
 * a header row whose column names are matched trimmed and in any case. Only the current
 * row is held in memory, and no row may pass the {@link RecordLimits}.
 */
public final class ShipmentCsvReader implements Iterator<RawRow>, Closeable {

    static final String ORDER_ID = "order_id";
    static final String STATUS = "status";
    static final String TRACKING_URL = "tracking_url";
    static final String COURIER = "courier";
    static final String AWB = "awb";
    static final String STORE = "store";

    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(false).setTrim(true).get();

    private final CSVParser parser;

    private final Separator separator;

    private final Iterator<CSVRecord> records;

    private final Map<String, Integer> columns;

    private long nextLine;

    private ShipmentCsvReader(CSVParser parser, Separator separator, Map<String, Integer> columns) {
        this.parser = parser;
        this.separator = separator;
        this.records = parser.iterator();
        this.columns = columns;
        this.nextLine = parser.getCurrentLineNumber() + 1;
    }

    /**
     * Opens the stream, reads and checks the header. The reader owns the stream from here
     * on.
     * @throws UnreadableFileException the file is not a shipment CSV, with the reason
     * @throws IOException the file could not be read (not the file's fault)
     */
    public static ShipmentCsvReader open(InputStream in, RecordLimits limits)
            throws UnreadableFileException, IOException {
        CSVParser parser = null;
        try {
            var bytes = new BufferedInputStream(in);
            skipByteOrderMark(bytes);
            Separator separator = Separator.of(firstLine(bytes, limits.maxCharacters()));
            parser = CSVParser.parse(new GuardedCsvText(bytes, separator, limits),
                    FORMAT.builder().setDelimiter(separator.symbol()).get());
            Iterator<CSVRecord> header = parser.iterator();
            if (!header.hasNext()) {
                throw new UnreadableFileException("The file is empty: a shipment file needs a header row "
                        + "(order_id,status,tracking_url,courier,awb) and one row per shipment.");
            }
            Map<String, Integer> columns = columnsOf(header.next());
            for (String required : new String[] { ORDER_ID, STATUS }) {
                if (!columns.containsKey(required)) {
                    throw new UnreadableFileException("The header row has no " + required + " column. "
                            + "The first line must name the columns, separated by commas (or semicolons, or tabs), "
                            + "e.g. order_id,status,tracking_url,courier,awb; this file's first line has: "
                            + String.join(",", columns.keySet()) + ".");
                }
            }
            return new ShipmentCsvReader(parser, separator, columns);
        }
        catch (UnreadableFileException e) {
            closeQuietly(parser, in);
            throw e;
        }
        catch (IOException | UncheckedIOException e) {
            closeQuietly(parser, in);
            Optional<GuardedCsvText.Refusal> refusal = refusal(e, 1);
            if (refusal.isPresent()) {
                throw new UnreadableFileException(refusal.get().getMessage());
            }
            throw e;
        }
    }

    /** The separator the header row showed. */
    public Separator separator() {
        return separator;
    }

    @Override
    public boolean hasNext() {
        try {
            return records.hasNext();
        }
        catch (UncheckedIOException e) {
            throw refusal(e, nextLine).map(UncheckedIOException::new).orElseThrow(() -> e);
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
        }
        catch (UncheckedIOException e) {
            throw refusal(e, nextLine).map(UncheckedIOException::new).orElseThrow(() -> e);
        }
        long line = nextLine;
        nextLine = parser.getCurrentLineNumber() + 1;
        return new RawRow(line, value(record, ORDER_ID), value(record, STATUS), value(record, TRACKING_URL),
                value(record, COURIER), value(record, AWB), value(record, STORE));
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }

    /**
     * The reason to refuse the file, when a failure while reading it is the file's fault:
     * a header that is not a shipment CSV's from {@link #open}, or a refusal from
     * {@link #hasNext()} or {@link #next()} (an {@link UncheckedIOException}, as
     * iterators cannot throw checked exceptions), however deep in the causes the route
     * wrapped it. Empty when reading failed for a reason that is not the file's.
     */
    static Optional<String> unreadableReason(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnreadableFileException || cause instanceof GuardedCsvText.Refusal) {
                return Optional.of(cause.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * The reason to refuse the file, for a warehouse person: the refusal of the guarded
     * text (it names the line where the trouble starts), or, should the parser stop at
     * something the guard let through, one naming the record the parser was reading.
     * Empty when reading failed for a reason that is not the file's.
     */
    private static Optional<GuardedCsvText.Refusal> refusal(Throwable e, long line) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof GuardedCsvText.Refusal refusal) {
                return Optional.of(refusal);
            }
            if (cause instanceof CSVException) {
                return Optional.of(new GuardedCsvText.Refusal("Line " + line + " could not be read as CSV. Check "
                        + "the quoting: a value containing a separator or a quote must be enclosed in double quotes, "
                        + "and quotes inside it doubled."));
            }
        }
        return Optional.empty();
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

    private static void skipByteOrderMark(BufferedInputStream in) throws IOException {
        in.mark(3);
        if (!(in.read() == 0xEF && in.read() == 0xBB && in.read() == 0xBF)) {
            in.reset();
        }
    }

    /**
     * The header line, read ahead and put back, to choose the separator before parsing
     * starts. Decoded leniently and cut at the record limit: the guarded text refuses a
     * header that is not UTF-8 or too long, with its line.
     */
    private static String firstLine(BufferedInputStream in, long limit) throws IOException {
        in.mark((int) Math.min(limit + 1, Integer.MAX_VALUE));
        var line = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1 && b != '\n' && b != '\r' && line.size() <= limit; b = in.read()) {
            line.write(b);
        }
        in.reset();
        return line.toString(StandardCharsets.UTF_8);
    }

    private static void closeQuietly(CSVParser parser, InputStream in) {
        try {
            if (parser != null) {
                parser.close();
            }
            else {
                in.close();
            }
        }
        catch (IOException e) {
            // the file is refused anyway; the reason is what matters
        }
    }

}
