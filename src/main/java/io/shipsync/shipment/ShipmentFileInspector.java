package io.shipsync.shipment;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

import org.springframework.stereotype.Component;

/**
 * Reads a dropped file once, before any of its rows is accepted, so that a file that cannot be read as a shipment
 * CSV is refused whole instead of half-way, and so that the same content dropped again is recognised.
 */
@Component
public class ShipmentFileInspector {

    /** What the first reading found. */
    public record Inspection(String checksum, long sizeBytes, long dataRows) {
    }

    private final ShipmentFileProperties properties;

    public ShipmentFileInspector(ShipmentFileProperties properties) {
        this.properties = properties;
    }

    public Inspection inspect(Path file) throws UnreadableFileException, IOException {
        long size = Files.size(file);
        long limit = properties.maxFileSize().toBytes();
        if (size > limit) {
            throw new UnreadableFileException("The file is " + readable(size) + ", larger than the " + readable(limit)
                    + " limit (shipsync.shipment-files.max-file-size). Split it into smaller files.");
        }
        MessageDigest sha256 = sha256();
        var bytes = new NulDetectingStream(new DigestInputStream(new BufferedInputStream(Files.newInputStream(file)), sha256));
        long rows = 0;
        try (ShipmentCsvReader reader = ShipmentCsvReader.open(bytes)) {
            while (reader.hasNext()) {
                reader.next();
                rows++;
            }
        } catch (UncheckedIOException e) {
            throw ShipmentCsvReader.unreadable(e);
        } finally {
            bytes.close();
        }
        if (bytes.sawNul) {
            throw new UnreadableFileException("The file contains binary data (NUL bytes), not CSV text. "
                    + "Export it from the spreadsheet as \"CSV UTF-8\" and drop it again.");
        }
        return new Inspection(HexFormat.of().formatHex(sha256.digest()), size, rows);
    }

    private static String readable(long bytes) {
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** UTF-8 text never contains NUL, while binary files and UTF-16 text almost always do. */
    private static final class NulDetectingStream extends FilterInputStream {
        private boolean sawNul;

        NulDetectingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            sawNul |= b == 0;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            for (int i = offset; i < offset + n && !sawNul; i++) {
                sawNul = buffer[i] == 0;
            }
            return n;
        }
    }
}
