package io.shipsync.shipment;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

import io.shipsync.courier.CourierCatalog;
import io.shipsync.order.OrderStatus;
import io.shipsync.outbox.Outbox;
import io.shipsync.store.Platform;
import io.shipsync.store.Store;
import io.shipsync.store.Stores;

import org.springframework.stereotype.Component;

/**
 * Checks each row of a shipment file and turns it into an update to make or a rejection
 * with its reason.
 */
@Component("shipmentRowValidator")
public class ShipmentRowValidator {

    /** The longest tracking link the platform and the database take. */
    static final int TRACKING_URL_MAX = 2_048;

    /** The longest air waybill number the database keeps; real ones are far shorter. */
    static final int AWB_MAX = 200;

    /**
     * Any other cell: longer is no order id, status or courier name but a broken export,
     * kept out of the database.
     */
    static final int CELL_MAX = 1_000;

    /**
     * How much of a cell a reason quotes: enough to find it in the file, never so much it
     * buries the reason.
     */
    private static final int QUOTED_MAX = 60;

    private static final List<Limit> LIMITS = List.of(new Limit("order_id", RawRow::orderId, CELL_MAX),
            new Limit("status", RawRow::status, CELL_MAX),
            new Limit("tracking_url", RawRow::trackingUrl, TRACKING_URL_MAX),
            new Limit("courier", RawRow::courier, CELL_MAX), new Limit("awb", RawRow::awb, AWB_MAX),
            new Limit("store", RawRow::store, CELL_MAX));

    private static final Pattern AWB_TEXT = Pattern.compile("[A-Za-z0-9-]{1,40}");

    private static final String SETTABLE = "processing, dispatched, delivered or cancelled";

    private final CourierCatalog couriers;

    private final Stores stores;

    public ShipmentRowValidator(CourierCatalog couriers, Stores stores) {
        this.couriers = couriers;
        this.stores = stores;
    }

    public List<ShipmentRow> validate(List<RawRow> rows) {
        return rows.stream().map(this::validate).toList();
    }

    public ShipmentRow validate(RawRow row) {
        if (row.isEmpty()) {
            return reject(row, "Empty line: no order_id and no status.");
        }
        for (Limit limit : LIMITS) {
            String cell = limit.cell().apply(row);
            if (cell != null && cell.length() > limit.maxLength()) {
                return reject(row, "%s is %s characters long; at most %s are allowed.".formatted(limit.column(),
                        number(cell.length()), number(limit.maxLength())));
            }
        }
        String storeName = RawRow.isBlank(row.store()) ? Stores.DEFAULT : row.store().trim();
        Optional<Store> store = stores.find(storeName);
        if (store.isEmpty()) {
            return reject(row, RawRow.isBlank(row.store())
                    ? "store is missing, and there is no store named " + Stores.DEFAULT + "; use one of: "
                            + stores.names() + "."
                    : "store " + quoted(row.store()) + " is not configured; use one of: " + stores.names() + ".");
        }
        if (RawRow.isBlank(row.orderId())) {
            return reject(row, "order_id is missing.");
        }
        Platform.OrderId orderId = store.get().platform().orderId(row.orderId().trim());
        if (orderId instanceof Platform.OrderId.Invalid invalid) {
            return reject(row, "order_id " + quoted(row.orderId()) + " " + invalid.problem() + ".");
        }
        if (RawRow.isBlank(row.status())) {
            return reject(row, "status is missing; use " + SETTABLE + ".");
        }
        Optional<OrderStatus> status = OrderStatus.parse(row.status());
        if (status.isEmpty()) {
            return reject(row, "status " + quoted(row.status()) + " is unknown; use " + SETTABLE + ".");
        }
        if (status.get() == OrderStatus.STARTED) {
            return reject(row,
                    "status \"started\" is set by the store when the order is placed; use " + SETTABLE + ".");
        }
        if (!status.get().isSettable()) {
            return reject(row, "status " + quoted(row.status()) + " is not one shipsync sends; use " + SETTABLE + ".");
        }
        String trackingUrl = null;
        if (!RawRow.isBlank(row.trackingUrl())) {
            trackingUrl = row.trackingUrl();
            if (!isHttpsUrl(trackingUrl)) {
                return reject(row, "tracking_url " + quoted(trackingUrl) + " is not a valid https:// link.");
            }
        }
        else if (!RawRow.isBlank(row.courier()) || !RawRow.isBlank(row.awb())) {
            Optional<String> built = trackingUrlFromCourier(row);
            if (built.isEmpty()) {
                return reject(row, courierProblem(row));
            }
            trackingUrl = built.get();
        }
        if (status.get() == OrderStatus.DISPATCHED && trackingUrl == null) {
            return reject(row, "dispatched needs a tracking link: give tracking_url, or courier and awb.");
        }
        return new ShipmentRow.Accepted(row.line(), store.get().name(), ((Platform.OrderId.Valid) orderId).id(),
                status.get(), trackingUrl);
    }

    private Optional<String> trackingUrlFromCourier(RawRow row) {
        if (RawRow.isBlank(row.courier()) || RawRow.isBlank(row.awb()) || !AWB_TEXT.matcher(row.awb()).matches()) {
            return Optional.empty();
        }
        return couriers.trackingUrl(row.courier(), row.awb());
    }

    private String courierProblem(RawRow row) {
        if (RawRow.isBlank(row.courier())) {
            return "awb is given without a courier; give the courier (" + couriers.knownNames()
                    + ") or a tracking_url.";
        }
        if (RawRow.isBlank(row.awb())) {
            return "courier is given without an awb; give the awb or a tracking_url.";
        }
        if (!AWB_TEXT.matcher(row.awb()).matches()) {
            return "awb " + quoted(row.awb()) + " is not a valid air waybill number (letters, digits and - only).";
        }
        return "courier " + quoted(row.courier()) + " is unknown; known couriers are " + couriers.knownNames()
                + ". Give a tracking_url instead, or ask for the courier to be configured.";
    }

    private static boolean isHttpsUrl(String text) {
        try {
            URI uri = new URI(text);
            return "https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null && !uri.getHost().isBlank();
        }
        catch (URISyntaxException e) {
            return false;
        }
    }

    /** A cell as a reason quotes it, cut short when long. */
    private static String quoted(String cell) {
        return "\"" + Outbox.truncate(cell, QUOTED_MAX) + "\"";
    }

    private static String number(int count) {
        return String.format(Locale.ROOT, "%,d", count);
    }

    private static ShipmentRow.Rejected reject(RawRow row, String reason) {
        return new ShipmentRow.Rejected(row.line(), row.orderId(), row.status(), reason);
    }

    /** The longest a column's cell may be. */
    private record Limit(String column, Function<RawRow, String> cell, int maxLength) {
    }

}
