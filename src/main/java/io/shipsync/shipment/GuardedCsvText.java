package io.shipsync.shipment;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import io.shipsync.shipment.ShipmentFileProperties.RecordLimits;

/**
 * The text of a shipment file as the CSV parser gets it: strictly UTF-8, checked as it is
 * decoded, so that a file that is not a shipment CSV is refused with the line where the
 * trouble starts instead of running the service out of memory.
 *
 * <p>
 * Commons CSV holds a whole record (one row, or several lines while a quoted value is
 * open) in memory before it hands it over, and it has no limit: a quote that opens and
 * never closes makes the rest of the file one value, a file without line breaks is one
 * row. So this reader follows the records itself, with the same rules as the parser's RFC
 * 4180 format (a quote opens a quoted value only as a value's first character; inside it,
 * a doubled quote is a quote and line breaks are part of the value; after its closing
 * quote only blanks may come before the separator), and refuses the file as soon as a
 * record passes the size or column limit. It only counts: nothing but the decoding
 * buffers is held here. Quoting mistakes the parser would stop at are named here too,
 * with the line where the quoted value began rather than where the parser gave up.
 */
final class GuardedCsvText extends Reader {

    /**
     * A reason to refuse the file, for a warehouse person; an IOException so that it
     * passes through the parser.
     */
    static final class Refusal extends IOException {

        Refusal(String reason) {
            super(reason);
        }

    }

    private enum State {

        /** At the start of a value: a quote here opens a quoted value. */
        VALUE_START, UNQUOTED, QUOTED,
        /**
         * A quote inside a quoted value: it closes the value, unless the next character
         * is a quote too.
         */
        QUOTE_IN_QUOTED,
        /** After a quoted value's closing quote and blanks. */
        AFTER_QUOTED

    }

    private static final int BUFFER = 8192;

    private static final String QUOTING = "A value that starts with a double quote must end with one, and a double "
            + "quote inside it must be doubled (\"\").";

    private final InputStream in;

    private final char separator;

    private final RecordLimits limits;

    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);

    private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER).flip();

    private boolean endOfInput;

    private boolean finished;

    private State state = State.VALUE_START;

    /** The line the next character is on; the header is line 1. */
    private long line = 1;

    private boolean afterCarriageReturn;

    private long recordStartLine = 1;

    private long recordCharacters;

    private int recordColumns = 1;

    private long quoteStartLine;

    /**
     * @param in the file's bytes after any byte order mark
     */
    GuardedCsvText(InputStream in, Separator separator, RecordLimits limits) {
        this.in = in;
        this.separator = separator.symbol();
        this.limits = limits;
    }

    @Override
    public int read(char[] target, int offset, int length) throws IOException {
        if (finished) {
            return -1;
        }
        if (length == 0) {
            return 0;
        }
        CharBuffer out = CharBuffer.wrap(target, offset, length);
        while (out.position() == offset) {
            CoderResult result = decoder.decode(bytes, out, endOfInput);
            if (result.isError()) {
                follow(target, offset, out.position());
                throw new Refusal(String.format(Locale.ROOT, "Line %d has a character that is not UTF-8 (byte 0x%02X): "
                        + "is the file a spreadsheet or binary file, or text saved in another encoding? Save it as "
                        + "\"CSV UTF-8\" and drop it again.", line, bytes.get(bytes.position())));
            }
            if (result.isOverflow()) {
                break;
            }
            if (endOfInput) {
                decoder.flush(out);
                if (out.position() == offset) {
                    finish();
                    return -1;
                }
                break;
            }
            fill();
        }
        follow(target, offset, out.position());
        return out.position() - offset;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private void fill() throws IOException {
        bytes.compact();
        int read = in.read(bytes.array(), bytes.position(), bytes.remaining());
        if (read < 0) {
            endOfInput = true;
        }
        else {
            bytes.position(bytes.position() + read);
        }
        bytes.flip();
    }

    private void follow(char[] text, int from, int to) throws Refusal {
        for (int i = from; i < to; i++) {
            follow(text[i]);
        }
    }

    private void follow(char c) throws Refusal {
        if (c == '\n' && afterCarriageReturn) {
            // the second half of a CRLF line end, already counted
            afterCarriageReturn = false;
            return;
        }
        afterCarriageReturn = c == '\r';
        boolean lineEnd = c == '\n' || c == '\r';
        if (c == 0) {
            throw new Refusal("Line " + line + " contains binary data (NUL bytes), not CSV text. Export the file from "
                    + "the spreadsheet as \"CSV UTF-8\" and drop it again.");
        }
        if (++recordCharacters > limits.maxCharacters()) {
            throw tooLong();
        }
        switch (state) {
            case VALUE_START -> {
                if (c == '"') {
                    state = State.QUOTED;
                    quoteStartLine = line;
                }
                else if (c == separator) {
                    nextValue();
                }
                else if (lineEnd) {
                    nextRecord();
                }
                else {
                    state = State.UNQUOTED;
                }
            }
            case UNQUOTED -> {
                if (c == separator) {
                    nextValue();
                }
                else if (lineEnd) {
                    nextRecord();
                }
            }
            case QUOTED -> {
                if (c == '"') {
                    state = State.QUOTE_IN_QUOTED;
                }
            }
            case QUOTE_IN_QUOTED, AFTER_QUOTED -> {
                if (c == '"' && state == State.QUOTE_IN_QUOTED) {
                    state = State.QUOTED;
                }
                else if (c == separator) {
                    nextValue();
                }
                else if (lineEnd) {
                    nextRecord();
                }
                else if (Character.isWhitespace(c)) {
                    state = State.AFTER_QUOTED;
                }
                else {
                    throw new Refusal("Line " + line + " has text after the closing quote of a quoted value (opened on "
                            + "line " + quoteStartLine + "). " + QUOTING);
                }
            }
        }
        if (lineEnd) {
            line++;
        }
    }

    private void nextValue() throws Refusal {
        if (++recordColumns > limits.maxColumns()) {
            throw new Refusal("Line " + recordStartLine + " has more than " + limits.maxColumns() + " values "
                    + "(shipsync.shipment-files.max-columns): is this a shipment file? A shipment row has the "
                    + "columns order_id, status, tracking_url, courier and awb, and perhaps a few more.");
        }
        state = State.VALUE_START;
    }

    private void nextRecord() {
        state = State.VALUE_START;
        recordStartLine = line + 1;
        recordCharacters = 0;
        recordColumns = 1;
    }

    private Refusal tooLong() {
        String limit = ShipmentFileProperties.readable(limits.maxCharacters());
        if (state == State.QUOTED) {
            return new Refusal("Line " + quoteStartLine + " opens a quoted value that is still open " + limit
                    + " later (shipsync.shipment-files.max-record-size): a closing quote is probably missing. "
                    + QUOTING);
        }
        return new Refusal("Line " + recordStartLine + " is longer than " + limit + " (shipsync.shipment-files."
                + "max-record-size), far more than a shipment row needs: is this a shipment file? Each line should "
                + "hold one shipment: order_id, status, tracking_url, courier, awb.");
    }

    private void finish() throws Refusal {
        finished = true;
        if (state == State.QUOTED) {
            throw new Refusal("Line " + quoteStartLine + " opens a quoted value that never closes. " + QUOTING);
        }
    }

}
