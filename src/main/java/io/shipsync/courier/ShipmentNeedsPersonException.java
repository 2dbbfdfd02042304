package io.shipsync.courier;

/**
 * Following a shipment ends without a delivery: returned, an exception, no delivery in
 * time, or a courier that keeps failing. The dead-letter channel parks the shipment with
 * this reason for a person to decide.
 */
public class ShipmentNeedsPersonException extends RuntimeException {

    private final String shipmentState;

    /**
     * @param shipmentState the tracked shipment's state from now on, e.g. RETURNED
     */
    public ShipmentNeedsPersonException(String shipmentState, String reason) {
        super(reason, null, false, false);
        this.shipmentState = shipmentState;
    }

    public String shipmentState() {
        return shipmentState;
    }

}
