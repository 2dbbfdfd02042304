package io.shipsync.shipment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.springframework.stereotype.Component;

/**
 * Reads a dropped file once, before any of its rows is accepted, so that a file that
 * cannot be read as a shipment CSV is refused whole instead of half-way, and so that the
 * same content dropped again is recognised.
 */
@Component
public class ShipmentFileInspector {

    /** What the first reading found. */
    public record Inspection(String checksum, long sizeBytes, long dataRows, Separator separator) {
    }

    private final ShipmentFileProperties properties;

    public ShipmentFileInspector(ShipmentFileProperties properties) {
        this.properties = properties;
    }

    public Inspection inspect(Path file) throws UnreadableFileException, IOException {
        long size = Files.size(file);
        long limit = properties.maxFileSize().toBytes();
        if (size > limit) {
            throw new UnreadableFileException("The file is " + ShipmentFileProperties.readable(size)
                    + ", larger than the " + ShipmentFileProperties.readable(limit)
                    + " limit (shipsync.shipment-files.max-file-size). " + "Split it into smaller files.");
        }
        MessageDigest sha256 = sha256();
        long rows = 0;
        try (ShipmentCsvReader reader = ShipmentCsvReader
            .open(new DigestInputStream(Files.newInputStream(file), sha256), properties.recordLimits())) {
            while (reader.hasNext()) {
                reader.next();
                rows++;
            }
            return new Inspection(HexFormat.of().formatHex(sha256.digest()), size, rows, reader.separator());
        }
        catch (UncheckedIOException e) {
            throw ShipmentCsvReader.unreadable(e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

}
