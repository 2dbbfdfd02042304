package io.shipsync.shipment;

/**
 * The file cannot be read as a shipment CSV at all; the message tells the warehouse why.
 */
public class UnreadableFileException extends Exception {

    public UnreadableFileException(String reason) {
        super(reason);
    }

}
