package io.shipsync.shipment;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.shipsync.courier.CourierCatalog;
import io.shipsync.courier.CourierCatalog.Auth;
import io.shipsync.courier.CourierCatalog.Courier;
import io.shipsync.order.OrderStatus;
import io.shipsync.store.TestStores;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules a shipment row must meet, here the lengths of its cells. */
class ShipmentRowValidatorTest {

    private static final String ORDER = "770e8400-e29b-41d4-a716-446655440789";

    private static final String LINK = "https://delhivery.com/track/";

    private final ShipmentRowValidator validator = new ShipmentRowValidator(
            new CourierCatalog(Map.of("delhivery", new Courier(LINK + "{awb}", null, new Auth(null, null, "", ""), 60,
                    Duration.ofSeconds(60), List.of(), null, null, null, Map.of()))),
            TestStores.threePlatforms());

    @Test
    void rejects_a_tracking_url_over_2048_characters_with_its_length() {
        String url = LINK + "A".repeat(3_000 - LINK.length());
        String longest = LINK + "A".repeat(2_048 - LINK.length());

        assertThat(validator.validate(row(ORDER, "dispatched", url, null, null))).isEqualTo(new ShipmentRow.Rejected(2,
                ORDER, "dispatched", "tracking_url is 3,000 characters long; at most 2,048 are allowed."));
        assertThat(validator.validate(row(ORDER, "dispatched", longest, null, null)))
            .isEqualTo(new ShipmentRow.Accepted(2, "default", ORDER, OrderStatus.DISPATCHED, longest));
    }

    @Test
    void rejects_an_awb_over_200_characters_even_beside_a_tracking_url() {
        assertThat(reason(row(ORDER, "dispatched", LINK + "X1", "delhivery", "7".repeat(201))))
            .isEqualTo("awb is 201 characters long; at most 200 are allowed.");
    }

    @Test
    void rejects_any_other_cell_over_1000_characters() {
        assertThat(reason(row("f".repeat(1_001), "processing", null, null, null)))
            .isEqualTo("order_id is 1,001 characters long; at most 1,000 are allowed.");
        assertThat(reason(row(ORDER, "p".repeat(5_000), null, null, null)))
            .isEqualTo("status is 5,000 characters long; at most 1,000 are allowed.");
        assertThat(reason(row(ORDER, "dispatched", null, "d".repeat(1_001), "DL1")))
            .isEqualTo("courier is 1,001 characters long; at most 1,000 are allowed.");
    }

    @Test
    void quotes_at_most_60_characters_of_a_cell_in_a_reason() {
        String status = "shipped" + "!".repeat(900);

        assertThat(reason(row(ORDER, status, null, null, null))).isEqualTo("status \"shipped" + "!".repeat(52)
                + "…\" is unknown; " + "use processing, dispatched, delivered or cancelled.");
        assertThat(reason(row(ORDER, "dispatched", "http://" + "x".repeat(2_000), null, null)))
            .isEqualTo("tracking_url \"http://" + "x".repeat(52) + "…\" is not a valid https:// link.");
    }

    @Test
    void a_row_without_a_store_belongs_to_the_default_store_and_keeps_its_uuid_in_lower_case() {
        assertThat(validator.validate(row(ORDER.toUpperCase(), "processing", null, null, null)))
            .isEqualTo(new ShipmentRow.Accepted(2, "default", ORDER, OrderStatus.PROCESSING, null));
    }

    @Test
    void a_store_named_in_any_case_is_found_and_an_unknown_one_is_rejected_with_the_known_names() {
        assertThat(validator.validate(row(ORDER, "processing", null, null, null, "Tybrite-Shop")))
            .isEqualTo(new ShipmentRow.Accepted(2, "tybrite-shop", ORDER, OrderStatus.PROCESSING, null));
        assertThat(reason(row(ORDER, "processing", null, null, null, "shopify")))
            .isEqualTo("store \"shopify\" is not configured; use one of: cekat-shop, default, tybrite-shop.");
    }

    @Test
    void order_ids_are_checked_by_the_store_platform() {
        assertThat(validator.validate(row("order_xyz789", "cancelled", null, null, null, "cekat-shop")))
            .isEqualTo(new ShipmentRow.Accepted(2, "cekat-shop", "order_xyz789", OrderStatus.CANCELLED, null));
        assertThat(reason(row("order_xyz789", "cancelled", null, null, null, "tybrite-shop")))
            .startsWith("order_id \"order_xyz789\" is not a valid order id on Tybrite Labs (expected a UUID");
        assertThat(reason(row("order 42", "cancelled", null, null, null, "cekat-shop")))
            .isEqualTo("order_id \"order 42\" is not a valid order id on Cekat (expected an id such as "
                    + "order_xyz789: at most 100 characters, no spaces or /).");
        assertThat(reason(row("orders/42", "cancelled", null, null, null, "cekat-shop"))).contains("no spaces or /");
        assertThat(reason(row("o".repeat(101), "cancelled", null, null, null, "cekat-shop")))
            .contains("at most 100 characters");
    }

    @Test
    void refunded_is_read_back_from_platforms_but_never_sent() {
        assertThat(reason(row("order_1", "refunded", null, null, null, "cekat-shop")))
            .isEqualTo("status \"refunded\" is not one shipsync sends; use processing, dispatched, delivered or "
                    + "cancelled.");
    }

    private String reason(RawRow row) {
        return ((ShipmentRow.Rejected) validator.validate(row)).reason();
    }

    private static RawRow row(String orderId, String status, String trackingUrl, String courier, String awb) {
        return row(orderId, status, trackingUrl, courier, awb, null);
    }

    private static RawRow row(String orderId, String status, String trackingUrl, String courier, String awb,
            String store) {
        return new RawRow(2, orderId, status, trackingUrl, courier, awb, store);
    }

}
