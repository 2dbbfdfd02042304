package io.shipsync.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.shipsync.dispatch.DispatchDecision.NextStep;
import io.shipsync.dispatch.DispatchDecision.ReadOrder;
import io.shipsync.dispatch.DispatchDecision.Send;
import io.shipsync.dispatch.DispatchDecision.Settle;
import io.shipsync.order.KnownOrders.KnownOrder;
import io.shipsync.order.KnownOrders.Source;
import io.shipsync.order.OrderStatus;
import io.shipsync.outbox.StatusUpdate;
import io.shipsync.outbox.UpdateState;
import io.shipsync.store.Platform;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The dispatch decisions as plain functions: no Camel, no database. */
class DispatchDecisionTest {

    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    private static final DispatchDecision.Rules RULES = new DispatchDecision.Rules(Duration.ofMinutes(2),
            Duration.ofSeconds(10), true);

    private static final String LINK = "https://delhivery.com/track/DL1";

    @Test
    void on_tribemade_an_order_not_read_recently_is_read_before_anything_is_sent() {
        assertThat(next(update(OrderStatus.PROCESSING, null), Optional.empty(), Platform.TRIBEMADE))
            .isInstanceOf(ReadOrder.class);
        assertThat(next(update(OrderStatus.PROCESSING, null), known(OrderStatus.STARTED, Source.WEBHOOK, 0),
                Platform.TRIBEMADE))
            .isInstanceOf(ReadOrder.class);
        assertThat(next(update(OrderStatus.PROCESSING, null), known(OrderStatus.STARTED, Source.PLATFORM, 200),
                Platform.TRIBEMADE))
            .isInstanceOf(ReadOrder.class);
        assertThat(next(update(OrderStatus.PROCESSING, null), known(OrderStatus.STARTED, Source.PLATFORM, 30),
                Platform.TRIBEMADE))
            .isEqualTo(new Send(OrderStatus.PROCESSING));
    }

    @Test
    void without_order_reads_an_unknown_order_gets_its_target_as_it_is() {
        assertThat(next(update(OrderStatus.DELIVERED, null), Optional.empty(), Platform.CEKAT))
            .isEqualTo(new Send(OrderStatus.DELIVERED));
        assertThat(next(update(OrderStatus.DELIVERED, null), known(OrderStatus.PROCESSING, Source.DOUBTED, 0),
                Platform.TYBRITE))
            .isEqualTo(new Send(OrderStatus.DELIVERED));
    }

    @Test
    void without_order_reads_what_shipsync_applied_still_drives_the_state_rules() {
        assertThat(next(update(OrderStatus.DELIVERED, LINK), known(OrderStatus.PROCESSING, Source.UPDATE, 3600),
                Platform.TYBRITE))
            .isEqualTo(new Send(OrderStatus.DISPATCHED));
        assertThat(next(update(OrderStatus.PROCESSING, null), known(OrderStatus.CANCELLED, Source.PLATFORM, 3600),
                Platform.CEKAT))
            .isEqualTo(new Settle(UpdateState.REJECTED,
                    "Not sent: order is already cancelled, which is final; it cannot become processing."));
        assertThat(next(update(OrderStatus.CANCELLED, null), known(OrderStatus.REFUNDED, Source.PLATFORM, 3600),
                Platform.CEKAT))
            .isInstanceOf(Settle.class);
    }

    @Test
    void a_lost_answer_is_read_on_tribemade_and_sent_again_where_the_platform_applies_a_request_once() {
        StatusUpdate sending = sending(OrderStatus.DISPATCHED);

        assertThat(next(sending, known(OrderStatus.PROCESSING, Source.UPDATE, 0), Platform.TRIBEMADE))
            .isInstanceOf(ReadOrder.class);
        assertThat(next(sending, Optional.empty(), Platform.TYBRITE)).isEqualTo(new Send(OrderStatus.DISPATCHED));
        assertThat(next(sending, Optional.empty(), Platform.CEKAT)).isEqualTo(new Send(OrderStatus.DISPATCHED));
    }

    @Test
    void an_order_already_there_is_unchanged_or_applied_when_steps_were_sent_on_the_way() {
        assertThat(next(update(OrderStatus.PROCESSING, null), known(OrderStatus.PROCESSING, Source.PLATFORM, 1),
                Platform.TRIBEMADE))
            .isEqualTo(
                    new Settle(UpdateState.UNCHANGED, "The order was already processing on TribeMade; nothing sent."));
    }

    @Test
    void an_update_settled_or_not_yet_due_needs_nothing() {
        StatusUpdate later = new StatusUpdate(1, "s", "o", OrderStatus.PROCESSING, null, "csv", null, null, null,
                UpdateState.PENDING, null, null, 1, NOW.plusSeconds(5), null, NOW, null, 0);

        assertThat(next(later, Optional.empty(), Platform.CEKAT)).isInstanceOf(DispatchDecision.Nothing.class);
    }

    private static final DispatchDecision.Patience PATIENCE = new DispatchDecision.Patience(3, Duration.ofHours(24));

    @Test
    void a_failure_while_the_platform_is_down_spends_no_attempt() {
        assertThat(afterFailure(update(OrderStatus.PROCESSING, null), UpdateState.PENDING, true, Platform.TRIBEMADE))
            .isInstanceOf(DispatchDecision.WaitForPlatform.class);
    }

    @Test
    void an_update_s_own_failure_is_counted_and_retried_until_max_attempts() {
        assertThat(afterFailure(withAttempts(1, UpdateState.PENDING, null), UpdateState.PENDING, false, Platform.CEKAT))
            .isEqualTo(new DispatchDecision.Retry(UpdateState.PENDING, 2));
        assertThat(afterFailure(withAttempts(2, UpdateState.PENDING, null), UpdateState.PENDING, false, Platform.CEKAT))
            .isEqualTo(new DispatchDecision.GiveUp(3, "Gave up after 3 failed attempts; last: HTTP 502."));
    }

    @Test
    void an_update_failing_again_after_give_up_after_gives_up_whatever_its_attempts() {
        StatusUpdate old = new StatusUpdate(1, "s", "o", OrderStatus.PROCESSING, null, "csv", null, null, null,
                UpdateState.PENDING, null, null, 0, NOW, null, NOW.minus(Duration.ofHours(25)), null, 0);

        assertThat(afterFailure(old, UpdateState.PENDING, false, Platform.TRIBEMADE))
            .isInstanceOf(DispatchDecision.GiveUp.class)
            .extracting(step -> ((DispatchDecision.GiveUp) step).reason())
            .asString()
            .startsWith("Gave up: still failing 25h after it was queued (shipsync.status-updates.give-up-after: 24h)");
    }

    @Test
    void a_request_that_may_have_arrived_is_checked_before_its_update_gives_up() {
        StatusUpdate sending = withAttempts(2, UpdateState.SENDING, null);

        assertThat(afterFailure(sending, UpdateState.SENDING, false, Platform.TRIBEMADE)).isEqualTo(
                new DispatchDecision.VerifyThenGiveUp(3, "Gave up after 3 failed attempts; last: HTTP 502.", true));
        assertThat(afterFailure(sending, UpdateState.SENDING, false, Platform.TYBRITE))
            .isInstanceOf(DispatchDecision.VerifyThenGiveUp.class);
    }

    @Test
    void without_order_reads_a_check_that_fails_too_gives_up_saying_the_outcome_is_unknown() {
        StatusUpdate checkedOnce = withAttempts(3, UpdateState.SENDING, "Gave up after 3 failed attempts.");

        assertThat(afterFailure(checkedOnce, UpdateState.SENDING, false, Platform.CEKAT))
            .isEqualTo(new DispatchDecision.GiveUp(4,
                    "Gave up after 3 failed attempts. Whether its last request "
                            + "reached Cekat is not known (it documents no order read): check the order there before "
                            + "replaying."));
        // TribeMade reads again, later, however often the read fails
        assertThat(afterFailure(checkedOnce, UpdateState.SENDING, false, Platform.TRIBEMADE)).isEqualTo(
                new DispatchDecision.VerifyThenGiveUp(4, "Gave up after 4 failed attempts; last: HTTP 502.", false));
    }

    private static DispatchDecision.AfterFailure afterFailure(StatusUpdate update, UpdateState state,
            boolean platformDown, Platform platform) {
        return DispatchDecision.afterFailure(update, state, "HTTP 502", platformDown, platform, NOW, PATIENCE);
    }

    private static StatusUpdate withAttempts(int attempts, UpdateState state, String giveUpReason) {
        return new StatusUpdate(1, "s", "o", OrderStatus.PROCESSING, null, "csv", null, null, null, state,
                state == UpdateState.SENDING ? OrderStatus.PROCESSING : null, null, attempts, NOW, null, NOW,
                giveUpReason, 0);
    }

    private static NextStep next(StatusUpdate update, Optional<KnownOrder> known, Platform platform) {
        return DispatchDecision.next(update, known, false, platform, NOW, RULES);
    }

    private static Optional<KnownOrder> known(OrderStatus status, Source source, long secondsAgo) {
        return Optional.of(new KnownOrder(status, source, NOW.minusSeconds(secondsAgo)));
    }

    private static StatusUpdate update(OrderStatus target, String trackingUrl) {
        return new StatusUpdate(1, "s", "o", target, trackingUrl, "csv", null, null, null, UpdateState.PENDING, null,
                null, 0, NOW, null, NOW, null, 0);
    }

    private static StatusUpdate sending(OrderStatus status) {
        return new StatusUpdate(1, "s", "o", status, LINK, "csv", null, null, null, UpdateState.SENDING, status, null,
                0, NOW, null, NOW, null, 0);
    }

}
