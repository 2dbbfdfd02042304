package io.shipsync.outbox;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import io.shipsync.EndToEndTest;
import io.shipsync.ShipsyncProperties;
import io.shipsync.order.OrderStatus;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances on one database, as two {@link Outbox}es with their own instance ids:
 * what keeps a stale leader and the new one from sending the same update twice, and what
 * keeps an order's updates in order when ids are not. The updates are for a store no
 * dispatch route serves, so only the test moves them.
 */
class SeveralInstancesOutboxTest extends EndToEndTest {

    private static final String STORE_NOBODY_DISPATCHES = "elsewhere";

    // a store of its own, so the other tests' updates are not in its queue
    private static final String ANOTHER_STORE_NOBODY_DISPATCHES = "elsewhere-too";

    private static final Duration A_MINUTE = Duration.ofMinutes(1);

    @Autowired
    private Outbox outbox;

    @Autowired
    private JdbcTemplate template;

    @Autowired
    private Clock clock;

    @Autowired
    private UpdateOutcomes outcomes;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        configure(registry, 20, 50);
    }

    private Outbox otherInstance() {
        return new Outbox(jdbc, template, clock, outcomes,
                new ShipsyncProperties(Path.of("inbox"), Path.of("data"), "the-other-instance"));
    }

    @Test
    void of_two_instances_that_decided_to_send_the_same_update_only_one_sends_it() {
        long id = outbox.add(STORE_NOBODY_DISPATCHES, UUID.randomUUID().toString(), OrderStatus.PROCESSING, null,
                UpdateSource.WEBHOOK, "test");
        StatusUpdate seenByBoth = outbox.find(id).orElseThrow();
        Outbox other = otherInstance();

        assertThat(outbox.claimForSending(seenByBoth, OrderStatus.PROCESSING, A_MINUTE)).isTrue();
        assertThat(other.claimForSending(seenByBoth, OrderStatus.PROCESSING, A_MINUTE)).isFalse();
        assertThat(other.dueUpdates(STORE_NOBODY_DISPATCHES, 10)).doesNotContain(id);

        // what the other instance concluded from its stale look changes nothing while the
        // claim holds
        other.settle(seenByBoth, UpdateState.UNCHANGED, "already processing, it thought");
        assertThat(outbox.find(id).orElseThrow().state()).isEqualTo(UpdateState.SENDING);

        outbox.recordStepApplied(id, OrderStatus.PROCESSING);
        StatusUpdate afterTheAnswer = outbox.find(id).orElseThrow();
        assertThat(afterTheAnswer.state()).isEqualTo(UpdateState.PENDING);
        assertThat(afterTheAnswer.stepsSent()).isEqualTo("processing");
        // the claim is released, but the update moved on since the other instance looked
        // at it
        assertThat(other.claimForSending(seenByBoth, OrderStatus.PROCESSING, A_MINUTE)).isFalse();
    }

    @Test
    void an_update_claimed_by_an_instance_that_died_is_taken_over_once_the_claim_runs_out() {
        long id = outbox.add(STORE_NOBODY_DISPATCHES, UUID.randomUUID().toString(), OrderStatus.PROCESSING, null,
                UpdateSource.WEBHOOK, "test");
        assertThat(
                outbox.claimForSending(outbox.find(id).orElseThrow(), OrderStatus.PROCESSING, Duration.ofMillis(300)))
            .isTrue();
        Outbox other = otherInstance();

        await().atMost(Duration.ofSeconds(5)).until(() -> other.dueUpdates(STORE_NOBODY_DISPATCHES, 10).contains(id));
        StatusUpdate inDoubt = other.find(id).orElseThrow();
        assertThat(inDoubt.state()).as("its request may have arrived: verified first").isEqualTo(UpdateState.SENDING);
        assertThat(other.claimForSending(inDoubt, OrderStatus.PROCESSING, A_MINUTE)).isTrue();
    }

    @Test
    void an_orders_later_update_waits_for_the_earlier_one_even_when_it_has_the_smaller_id() {
        // PostgreSQL hands each connection its own block of ids (CACHE 1000): the update
        // asked for later may get
        // the smaller id
        String order = UUID.randomUUID().toString();
        OffsetDateTime earlier = OffsetDateTime.now(clock)
            .withOffsetSameInstant(ZoneOffset.UTC)
            .minusSeconds(2)
            .truncatedTo(ChronoUnit.MICROS);
        insert(900_001, order, "processing", earlier);
        insert(800_001, order, "dispatched", earlier.plusSeconds(1));

        assertThat(outbox.dueUpdates(ANOTHER_STORE_NOBODY_DISPATCHES, 10)).containsExactly(900_001L);
        assertThat(outbox.oldestUnsettled(ANOTHER_STORE_NOBODY_DISPATCHES)).contains(earlier.toInstant());
    }

    private void insert(long id, String order, String status, OffsetDateTime createdAt) {
        jdbc.sql("""
                INSERT INTO status_update (id, store_key, order_id, target_status, source, state, attempts,
                                           next_attempt_at, created_at, updated_at)
                VALUES (:id, :store, :order, :status, 'webhook', 'PENDING', 0, :at, :at, :at)""")
            .param("id", id)
            .param("store", ANOTHER_STORE_NOBODY_DISPATCHES)
            .param("order", order)
            .param("status", status)
            .param("at", createdAt)
            .update();
    }

}
