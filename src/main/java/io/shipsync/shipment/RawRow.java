package io.shipsync.shipment;

/**
 * One data row of a shipment file as written, with the line it starts on (the header is line 1).
 * Columns the file does not have are null.
 */
public record RawRow(long line, String orderId, String status, String trackingUrl, String courier, String awb) {

    public boolean isEmpty() {
        return isBlank(orderId) && isBlank(status) && isBlank(trackingUrl) && isBlank(courier) && isBlank(awb);
    }

    static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
