package io.shipsync.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;

import io.shipsync.sandbox.RecordedRequest;
import io.shipsync.webhook.WebhookClient;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Three instances of shipsync (i1, i2, i3), each in a JVM of its own, on one PostgreSQL
 * and one shared data folder, drain two TribeMade stores with different limits; the
 * instance sending north's updates is killed ({@code kill -9}) mid-drain. What the
 * platforms saw must be what one instance would have sent: never over a store's limit in
 * any window, each status once per order, nothing lost, and north's updates resumed by
 * another instance within the time the cluster settings allow.
 */
class ThreeInstancesTest {

    private static final Duration PERIOD = Duration.ofSeconds(2);

    /** How often a follower looks at the leader's heartbeat (the lock file's). */
    private static final Duration LOCK_INTERVAL = Duration.ofSeconds(1);

    /** A leader is dead once its heartbeat is older than this many lock intervals. */
    private static final int HEARTBEAT_MULTIPLIER = 3;

    /** How long an update whose request is out stays its sender's. */
    private static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(5);

    /**
     * The longest gap in north's requests the kill may cause. A follower notices the
     * leader's death once its heartbeat is {@code LOCK_INTERVAL x HEARTBEAT_MULTIPLIER}
     * old, at its next look; the update in flight at the kill stays claimed for
     * {@code CLAIM_TIMEOUT}, though the others may go before; and the last request before
     * the kill may have been a period earlier, its window still full after it. The margin
     * covers the new leader's dispatch route starting (1 s initial delay) and three JVMs
     * sharing 2 cores.
     */
    private static final Duration FAILOVER_BOUND = LOCK_INTERVAL.multipliedBy(HEARTBEAT_MULTIPLIER)
        .plus(LOCK_INTERVAL)
        .plus(CLAIM_TIMEOUT)
        .plus(PERIOD)
        .plus(Duration.ofSeconds(3));

    private static final String WEBHOOK_TOKEN = "wh-test-cluster-token-8d41b7";

    @TempDir
    Path dataDir;

    private SandboxStore north;

    private SandboxStore south;

    private Cluster cluster;

    @AfterEach
    void stopEverything() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        Stream.of(north, south).filter(s -> s != null).forEach(s -> s.platform().stop());
    }

    @Test
    void three_instances_keep_each_stores_limit_and_send_each_status_once_when_a_leader_is_killed() throws Exception {
        // north's platform store is the one WebhookClient's order.created events name
        north = SandboxStore.start("north", "tb-test-clus-north", WebhookClient.PLATFORM_STORE, 5, 50, PERIOD, 40);
        south = SandboxStore.start("south", "tb-test-clus-south",
                UUID.fromString("5a000000-0000-4000-8000-0000000000e2"), 3, 50, PERIOD, 24);
        var arguments = new ArrayList<String>();
        arguments.addAll(north.arguments());
        arguments.addAll(south.arguments());
        arguments.addAll(List.of("--shipsync.status-updates.period=2s", "--shipsync.tribemade.order-reads.period=2s",
                "--shipsync.status-updates.poll-interval=100ms", "--shipsync.webhook.poll-interval=200ms",
                "--shipsync.shipment-files.quiet-period=300ms", "--shipsync.shipment-files.report-interval=500ms",
                "--shipsync.status-updates.claim-timeout=" + CLAIM_TIMEOUT.toSeconds() + "s",
                "--shipsync.webhook.token=" + WEBHOOK_TOKEN,
                "--camel.cluster.file.acquire-lock-interval=" + LOCK_INTERVAL.toSeconds() + "s",
                "--camel.cluster.file.heartbeat-timeout-multiplier=" + HEARTBEAT_MULTIPLIER,
                // a request takes far less than the claim: no claim runs out under a
                // request still waiting for its answer
                "--camel.component.http.connect-timeout=1000", "--camel.component.http.response-timeout=3000",
                "--camel.component.http.so-timeout=3000"));
        cluster = Cluster.start("cluster", dataDir, arguments);
        List<Cluster.Instance> instances = cluster.startInstances("i1", "i2", "i3");

        // started -> dispatched: each row sends processing, then dispatched (the skipped
        // step is filled)
        cluster.drop("shipments-1.csv", csv(0, 2));
        cluster.drop("shipments-2.csv", csv(1, 2));

        await().atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> north.puts().size() >= 20);
        String leader = cluster.database()
            .sql("""
                    SELECT a.instance_id FROM update_attempt a JOIN status_update u ON u.id = a.update_id
                    WHERE u.store_key = 'north' ORDER BY a.called_at DESC, a.id DESC LIMIT 1""")
            .query(String.class)
            .single();
        Cluster.Instance killed = instances.stream().filter(i -> i.id().equals(leader)).findFirst().orElseThrow();
        Instant killedAt = Instant.now();
        killed.service().kill();
        int northPutsAtKill = (int) north.puts().stream().filter(r -> r.arrivedAt().isBefore(killedAt)).count();

        // the webhook runs on every instance: the others still take events in
        for (Cluster.Instance survivor : instances) {
            if (survivor != killed) {
                var answer = new WebhookClient(survivor.port()).post(WebhookClient.orderCreated(UUID.randomUUID()),
                        "Content-Type", "application/json", "X-Webhook-Token", WEBHOOK_TOKEN);
                assertThat(answer.statusCode()).as("webhook on %s after %s was killed", survivor.id(), leader)
                    .isEqualTo(200);
            }
        }

        await().atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> north.allDispatched() && south.allDispatched() && count("""
                    SELECT COUNT(*) FROM status_update WHERE state <> 'APPLIED'""") == 0);

        // (d) failover: the gap in north's requests across the kill
        List<Instant> northRequests = north.platform()
            .requests()
            .stream()
            .map(RecordedRequest::arrivedAt)
            .sorted()
            .toList();
        Instant lastBefore = northRequests.stream().filter(t -> t.isBefore(killedAt)).reduce((a, b) -> b).orElseThrow();
        Instant firstAfter = northRequests.stream().filter(t -> !t.isBefore(killedAt)).findFirst().orElseThrow();
        Duration failover = Duration.between(lastBefore, firstAfter);
        String takenOverBy = cluster.database()
            .sql("""
                    SELECT a.instance_id FROM update_attempt a JOIN status_update u ON u.id = a.update_id
                    WHERE u.store_key = 'north' AND a.called_at > :killed ORDER BY a.called_at, a.id LIMIT 1""")
            .param("killed", killedAt.atOffset(ZoneOffset.UTC))
            .query(String.class)
            .single();
        System.out.printf(Locale.ROOT,
                "CLUSTER failover north: %.1f s (last request %.1f s before the kill of %s, first %.1f s after it,"
                        + " by %s; bound %d s)%n",
                seconds(failover), seconds(Duration.between(lastBefore, killedAt)), leader,
                seconds(Duration.between(killedAt, firstAfter)), takenOverBy, FAILOVER_BOUND.toSeconds());
        for (SandboxStore store : List.of(north, south)) {
            System.out.printf(Locale.ROOT,
                    "CLUSTER %s: peak %d PUTs in any %d s window (limit %d); %d PUTs, %d x 429,"
                            + " %d GETs, %d orders%n",
                    store.name(), Cluster.mostInAnyWindow(store.puts(), PERIOD), PERIOD.toSeconds(), store.limit(),
                    store.puts().size(), store.puts().stream().filter(r -> r.status() == 429).count(),
                    store.platform().requests().size() - store.puts().size(), store.orders().size());
        }
        System.out.printf(Locale.ROOT, "CLUSTER north PUTs before the kill: %d; attempts by instance: %s%n",
                northPutsAtKill,
                cluster.database()
                    .sql("SELECT instance_id, COUNT(*) FROM update_attempt GROUP BY instance_id ORDER BY instance_id")
                    .query((rs, row) -> rs.getString(1) + "=" + rs.getLong(2))
                    .list());

        // (a) each store's limit, in every window of its period, at the platform
        for (SandboxStore store : List.of(north, south)) {
            assertThat(Cluster.mostInAnyWindow(store.puts(), PERIOD))
                .as("%s: most PUTs in any %s window", store.name(), PERIOD)
                .isLessThanOrEqualTo(store.limit());
        }
        // (b) no status applied twice, no second request accepted for the same order and
        // status
        for (SandboxStore store : List.of(north, south)) {
            for (UUID order : store.orders()) {
                assertThat(store.platform().statusHistory(order)).as("%s order %s", store.name(), order)
                    .containsExactly("processing", "dispatched");
            }
            assertThat(store.puts()).as("%s: requests accepted", store.name())
                .filteredOn(r -> r.status() == 200)
                .hasSize(2 * store.orders().size());
        }
        // (c) nothing lost: every file taken in once, every update applied
        assertThat(cluster.database()
            .sql("SELECT file_name, state FROM ingested_file")
            .query((rs, row) -> tuple(rs.getString(1), rs.getString(2)))
            .list())
            .containsExactlyInAnyOrder(tuple("shipments-1.csv", "INGESTED"), tuple("shipments-2.csv", "INGESTED"));
        assertThat(count("SELECT COUNT(*) FROM status_update WHERE state = 'APPLIED'"))
            .isEqualTo(north.orders().size() + south.orders().size());
        // (d) north's updates went on from another instance, soon enough
        assertThat(northPutsAtKill).as("north's PUTs before the kill").isLessThan(2 * north.orders().size());
        assertThat(takenOverBy).isNotEqualTo(leader);
        assertThat(failover).as("gap in north's requests across the kill").isLessThan(FAILOVER_BOUND);
    }

    /**
     * The shipment rows {@code part} of {@code parts}, the two stores' rows interleaved:
     * every order from started to dispatched with a tracking link.
     */
    private String csv(int part, int parts) {
        var csv = new StringBuilder("store,order_id,status,tracking_url\n");
        for (int i = part; i < Math.max(north.orders().size(), south.orders().size()); i += parts) {
            for (SandboxStore store : List.of(north, south)) {
                if (i < store.orders().size()) {
                    UUID order = store.orders().get(i);
                    csv.append(store.name())
                        .append(',')
                        .append(order)
                        .append(",dispatched,https://couriers.example/track/")
                        .append(order.toString(), 0, 8)
                        .append('\n');
                }
            }
        }
        return csv.toString();
    }

    private long count(String sql) {
        return cluster.database().sql(sql).query(Long.class).single();
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

}
