package io.shipsync.shipment;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import io.shipsync.courier.CourierCatalog;
import io.shipsync.order.OrderStatus;

import org.springframework.stereotype.Component;

/** Checks each row of a shipment file and turns it into an update to make or a rejection with its reason. */
@Component("shipmentRowValidator")
public class ShipmentRowValidator {

    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern AWB_TEXT = Pattern.compile("[A-Za-z0-9-]{1,40}");
    private static final String SETTABLE = "processing, dispatched, delivered or cancelled";

    private final CourierCatalog couriers;

    public ShipmentRowValidator(CourierCatalog couriers) {
        this.couriers = couriers;
    }

    public List<ShipmentRow> validate(List<RawRow> rows) {
        return rows.stream().map(this::validate).toList();
    }

    public ShipmentRow validate(RawRow row) {
        if (row.isEmpty()) {
            return reject(row, "Empty line: no order_id and no status.");
        }
        if (RawRow.isBlank(row.orderId())) {
            return reject(row, "order_id is missing.");
        }
        if (!UUID_TEXT.matcher(row.orderId()).matches()) {
            return reject(row, "order_id \"" + row.orderId() + "\" is not a valid order id "
                    + "(expected a UUID such as 770e8400-e29b-41d4-a716-446655440789).");
        }
        if (RawRow.isBlank(row.status())) {
            return reject(row, "status is missing; use " + SETTABLE + ".");
        }
        Optional<OrderStatus> status = OrderStatus.parse(row.status());
        if (status.isEmpty()) {
            return reject(row, "status \"" + row.status() + "\" is unknown; use " + SETTABLE + ".");
        }
        if (status.get() == OrderStatus.STARTED) {
            return reject(row, "status \"started\" is set by the store when the order is placed; use " + SETTABLE + ".");
        }
        String trackingUrl = null;
        if (!RawRow.isBlank(row.trackingUrl())) {
            trackingUrl = row.trackingUrl();
            if (!isHttpsUrl(trackingUrl)) {
                return reject(row, "tracking_url \"" + trackingUrl + "\" is not a valid https:// link.");
            }
        } else if (!RawRow.isBlank(row.courier()) || !RawRow.isBlank(row.awb())) {
            Optional<String> built = trackingUrlFromCourier(row);
            if (built.isEmpty()) {
                return reject(row, courierProblem(row));
            }
            trackingUrl = built.get();
        }
        if (status.get() == OrderStatus.DISPATCHED && trackingUrl == null) {
            return reject(row, "dispatched needs a tracking link: give tracking_url, or courier and awb.");
        }
        return new ShipmentRow.Accepted(row.line(), UUID.fromString(row.orderId()), status.get(), trackingUrl);
    }

    private Optional<String> trackingUrlFromCourier(RawRow row) {
        if (RawRow.isBlank(row.courier()) || RawRow.isBlank(row.awb()) || !AWB_TEXT.matcher(row.awb()).matches()) {
            return Optional.empty();
        }
        return couriers.trackingUrl(row.courier(), row.awb());
    }

    private String courierProblem(RawRow row) {
        if (RawRow.isBlank(row.courier())) {
            return "awb is given without a courier; give the courier (" + couriers.knownNames() + ") or a tracking_url.";
        }
        if (RawRow.isBlank(row.awb())) {
            return "courier is given without an awb; give the awb or a tracking_url.";
        }
        if (!AWB_TEXT.matcher(row.awb()).matches()) {
            return "awb \"" + row.awb() + "\" is not a valid air waybill number (letters, digits and - only).";
        }
        return "courier \"" + row.courier() + "\" is unknown; known couriers are " + couriers.knownNames()
                + ". Give a tracking_url instead, or ask for the courier to be configured.";
    }

    private static boolean isHttpsUrl(String text) {
        try {
            URI uri = new URI(text);
            return "https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null && !uri.getHost().isBlank();
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static ShipmentRow.Rejected reject(RawRow row, String reason) {
        return new ShipmentRow.Rejected(row.line(), row.orderId(), row.status(), reason);
    }
}
