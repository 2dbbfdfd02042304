package io.shipsync.shipment;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.springframework.stereotype.Component;

/**
 * Tells a dropped file by its content before any of its rows is read: the same content
 * dropped again is recognised, and a file interrupted by a stop is resumed after the rows
 * it committed. Only the bytes are hashed, which costs a fraction of parsing them: the
 * rows are parsed and checked once, as they are committed, and a file that turns out
 * unreadable half-way is refused then, its rows held back from the outbox until the whole
 * file is read ({@link AcceptedRows#admit()}).
 */
@Component
public class ShipmentFileInspector {

    /** What the look at the bytes found. */
    public record Inspection(String checksum, long sizeBytes) {
    }

    private static final int BUFFER = 64 * 1024;

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
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = Files.newInputStream(file)) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                sha256.update(buffer, 0, read);
            }
        }
        return new Inspection(HexFormat.of().formatHex(sha256.digest()), size);
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
