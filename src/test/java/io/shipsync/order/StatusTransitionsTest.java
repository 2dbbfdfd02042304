package io.shipsync.order;

import io.shipsync.order.StatusTransitions.AlreadyThere;
import io.shipsync.order.StatusTransitions.Refused;
import io.shipsync.order.StatusTransitions.Send;

import org.junit.jupiter.api.Test;

import static io.shipsync.order.OrderStatus.CANCELLED;
import static io.shipsync.order.OrderStatus.DELIVERED;
import static io.shipsync.order.OrderStatus.DISPATCHED;
import static io.shipsync.order.OrderStatus.PROCESSING;
import static io.shipsync.order.OrderStatus.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

class StatusTransitionsTest {

    @Test
    void sends_the_next_documented_step_directly() {
        assertThat(StatusTransitions.next(STARTED, PROCESSING, true, true)).isEqualTo(new Send(PROCESSING));
        assertThat(StatusTransitions.next(PROCESSING, DISPATCHED, true, true)).isEqualTo(new Send(DISPATCHED));
        assertThat(StatusTransitions.next(DISPATCHED, DELIVERED, true, true)).isEqualTo(new Send(DELIVERED));
    }

    @Test
    void fills_skipped_steps_one_at_a_time_when_asked() {
        assertThat(StatusTransitions.next(STARTED, DELIVERED, true, true)).isEqualTo(new Send(PROCESSING));
        assertThat(StatusTransitions.next(PROCESSING, DELIVERED, true, true)).isEqualTo(new Send(DISPATCHED));
    }

    @Test
    void refuses_to_fill_in_dispatched_without_a_tracking_link() {
        Refused refused = (Refused) StatusTransitions.next(STARTED, DELIVERED, true, false);

        assertThat(refused.reason()).contains("must first be dispatched, which needs a tracking link");
        assertThat(StatusTransitions.next(DISPATCHED, DELIVERED, true, false)).isEqualTo(new Send(DELIVERED));
    }

    @Test
    void sends_the_target_as_given_when_filling_is_off() {
        assertThat(StatusTransitions.next(STARTED, DELIVERED, false, true)).isEqualTo(new Send(DELIVERED));
    }

    @Test
    void cancels_from_any_status_that_is_not_final() {
        for (OrderStatus from : new OrderStatus[] { STARTED, PROCESSING, DISPATCHED }) {
            assertThat(StatusTransitions.next(from, CANCELLED, true, true)).isEqualTo(new Send(CANCELLED));
        }
    }

    @Test
    void leaves_an_order_already_in_the_target_status_alone() {
        assertThat(StatusTransitions.next(DISPATCHED, DISPATCHED, true, true)).isInstanceOf(AlreadyThere.class);
    }

    @Test
    void refuses_to_change_a_final_status() {
        assertThat(StatusTransitions.next(DELIVERED, CANCELLED, true, true)).isInstanceOf(Refused.class);
        assertThat(StatusTransitions.next(CANCELLED, PROCESSING, true, true)).isInstanceOf(Refused.class);
    }

    @Test
    void refuses_to_go_backwards() {
        Refused refused = (Refused) StatusTransitions.next(DISPATCHED, PROCESSING, true, true);

        assertThat(refused.reason()).isEqualTo("order is already dispatched; it cannot go back to processing");
    }

}
