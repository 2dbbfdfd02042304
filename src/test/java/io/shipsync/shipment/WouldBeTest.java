package io.shipsync.shipment;

import io.shipsync.order.OrderStatus;
import io.shipsync.shipment.WouldBe.OrderNow;
import io.shipsync.shipment.WouldBe.Verdict;
import io.shipsync.store.Platform;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WouldBeTest {

    private static final String ORDER = "770e8400-e29b-41d4-a716-446655440789";

    private static final String LINK = "https://delhivery.com/track/DLVY1";

    @Test
    void a_row_that_skips_steps_would_send_each_step() {
        Verdict verdict = judge(OrderStatus.DELIVERED, LINK, new OrderNow.Known(OrderStatus.STARTED, ""));

        assertThat(verdict).isEqualTo(new Verdict(WouldBe.WOULD_APPLY,
                "TribeMade would update the order to delivered, step by step: processing, dispatched, delivered.", 3));
    }

    @Test
    void an_order_already_there_is_unchanged_and_a_backwards_row_rejected() {
        assertThat(judge(OrderStatus.PROCESSING, null, new OrderNow.Known(OrderStatus.PROCESSING, "")))
            .isEqualTo(new Verdict(WouldBe.UNCHANGED,
                    "The order is already processing on TribeMade; nothing would be sent.", 0));
        assertThat(judge(OrderStatus.PROCESSING, null, new OrderNow.Known(OrderStatus.DISPATCHED, "")))
            .isEqualTo(new Verdict(WouldBe.REJECTED,
                    "Would not be sent: order is already dispatched; it cannot go back to processing.", 0));
    }

    @Test
    void skipping_to_delivered_without_a_tracking_link_is_rejected_before_any_step() {
        Verdict verdict = judge(OrderStatus.DELIVERED, null, new OrderNow.Known(OrderStatus.STARTED, ""));

        assertThat(verdict.outcome()).isEqualTo(WouldBe.REJECTED);
        assertThat(verdict.sends()).isZero();
    }

    @Test
    void what_the_judgement_rests_on_is_said() {
        Verdict verdict = judge(OrderStatus.CANCELLED, null, new OrderNow.Known(OrderStatus.PROCESSING,
                "Tybrite Labs has no order read: judged from what shipsync knows."));

        assertThat(verdict.detail()).isEqualTo("TribeMade would update the order to cancelled. "
                + "Tybrite Labs has no order read: judged from what shipsync knows.");
    }

    @Test
    void a_missing_order_is_rejected_and_an_unknown_one_sent_as_it_is() {
        assertThat(judge(OrderStatus.PROCESSING, null,
                new OrderNow.Missing("TribeMade does not have this order: Order not found (HTTP 404)")))
            .isEqualTo(new Verdict(WouldBe.REJECTED,
                    "Would not be sent: TribeMade does not have this order: Order not found (HTTP 404).", 0));
        assertThat(judge(OrderStatus.DISPATCHED, LINK, new OrderNow.Unknown("Nothing is known.")))
            .isEqualTo(new Verdict(WouldBe.WOULD_APPLY, "Would send dispatched as it is. Nothing is known.", 1));
    }

    private static Verdict judge(OrderStatus target, String trackingUrl, OrderNow now) {
        return WouldBe.judge(new ShipmentRow.Accepted(2, "default", ORDER, target, trackingUrl), now,
                Platform.TRIBEMADE, true);
    }

}
