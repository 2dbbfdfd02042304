package io.shipsync.shipment;

/**
 * One data row of a shipment file as written, with the line it starts on (the header is
 * line 1). Columns the file does not have are null; a file without a {@code store} column
 * is the default store's.
 */
public record RawRow(long line, String orderId, String status, String trackingUrl, String courier, String awb,
        String store) {

    public boolean isEmpty() {
        return isBlank(orderId) && isBlank(status) && isBlank(trackingUrl) && isBlank(courier) && isBlank(awb)
                && isBlank(store);
    }

    static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
