package io.shipsync.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.shipsync.bench.WebhookLoad.Phase;
import io.shipsync.cluster.Cluster;
import io.shipsync.cluster.SandboxStore;
import io.shipsync.sandbox.RecordedRequest;
import io.shipsync.webhook.WebhookClient;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.shipsync.bench.BenchSupport.fmt;
import static io.shipsync.bench.BenchSupport.fmt2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Benchmark, not a timed test: three instances of shipsync (full compiler,
 * {@code -Xmx256m} each) on one embedded PostgreSQL and one shared data folder
 * ({@link Cluster}).
 *
 * <p>
 * Webhook: the open-loop load of {@link WebhookBenchmark} ({@link WebhookLoad}, 64
 * kept-alive connections, latency from each request's due time) at
 * {@code -Dshipsync.bench.cluster.rate} (400) requests/s for
 * {@code -Dshipsync.bench.cluster.seconds} (20) after 5 s of warm-up: first straight to
 * one instance, the reference for the proxy's own cost, then through a round-robin proxy
 * in this JVM to 1, 2 and 3 instances. The proxy balances connections, as a layer-4 load
 * balancer (a Kubernetes Service, nginx's stream module) does: each client connection
 * goes to the next instance in turn, and its bytes are copied both ways. Every
 * acknowledged event must be in the database afterwards.
 *
 * <p>
 * Drain: two TribeMade stores, each on a sandbox of its own with its own limit (east 120
 * updates at 20 per 10 s, west 60 at 10 per 10 s, both 50 s from first to last request at
 * the limit), from one file, every order unknown (a GET, then a PUT); the time from first
 * to last PUT against that ideal.
 *
 * <p>
 * Prints {@code BENCHMARK cluster ...} lines, including how busy the machine was: on 2
 * cores, three JVMs, PostgreSQL, the proxy and the client share the CPU, so more
 * instances bring no more throughput here. About four minutes.
 */
@Tag("benchmark")
class ClusterBenchmark {

    private static final String TOKEN = "bench-cluster-token-2c6e19a4f07b";

    private static final int RATE = Integer.getInteger("shipsync.bench.cluster.rate", 400);

    private static final int SECONDS = Integer.getInteger("shipsync.bench.cluster.seconds", 20);

    private static final int WARMUP_SECONDS = 5;

    private static final int CONNECTIONS = 64;

    private static final Duration PERIOD = Duration.ofSeconds(10);

    /** Its successful status updates, in the order they arrived. */
    private static List<Instant> applied(SandboxStore store) {
        return store.puts().stream().filter(r -> r.status() == 200).map(RecordedRequest::arrivedAt).sorted().toList();
    }

    /** First to last request at the limit: a burst of limit per period. */
    private static Duration ideal(SandboxStore store) {
        int updates = store.orders().size();
        return PERIOD.multipliedBy((updates + store.limit() - 1) / store.limit() - 1);
    }

    @TempDir
    Path dataDir;

    private Cluster cluster;

    private final List<SandboxStore> stores = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        stores.forEach(store -> store.platform().stop());
    }

    @Test
    void webhook_throughput_and_drain_with_three_instances_on_one_postgresql() throws Exception {
        // east takes the webhook's order.created events (WebhookClient's store id)
        SandboxStore east = SandboxStore.start("east", "tb-bench-clus-east", WebhookClient.PLATFORM_STORE, 20, 200,
                PERIOD, 120);
        SandboxStore west = SandboxStore.start("west", "tb-bench-clus-west",
                UUID.fromString("5a000000-0000-4000-8000-0000000000f2"), 10, 200, PERIOD, 60);
        stores.addAll(List.of(east, west));
        var arguments = new ArrayList<>(
                List.of("--shipsync.webhook.token=" + TOKEN, "--shipsync.status-updates.period=10s",
                        "--shipsync.tribemade.order-reads.period=10s", "--shipsync.shipment-files.quiet-period=1s"));
        stores.forEach(store -> arguments.addAll(store.arguments()));
        cluster = Cluster.start("cluster-benchmark", dataDir, arguments);
        List<Cluster.Instance> instances = cluster.startInstancesForBenchmark("i1", "i2", "i3");

        var phases = new ArrayList<Phase>();
        var warmUps = new ArrayList<Phase>();
        var busy = new ArrayList<Double>();
        Cluster.Instance first = instances.get(0);
        warmUps.add(WebhookLoad.run("warm-up-direct", first.port(), RATE, WARMUP_SECONDS, CONNECTIONS, TOKEN));
        long[] before = machineTicks();
        phases.add(WebhookLoad.run("direct-1", first.port(), RATE, SECONDS, CONNECTIONS, TOKEN));
        busy.add(busyPercent(before, machineTicks()));
        for (int n = 1; n <= instances.size(); n++) {
            try (var proxy = RoundRobinProxy.start(instances.subList(0, n))) {
                warmUps
                    .add(WebhookLoad.run("warm-up-proxy-" + n, proxy.port(), RATE, WARMUP_SECONDS, CONNECTIONS, TOKEN));
                before = machineTicks();
                phases.add(WebhookLoad.run("proxy-" + n, proxy.port(), RATE, SECONDS, CONNECTIONS, TOKEN));
                busy.add(busyPercent(before, machineTicks()));
            }
        }
        // the warm-ups' events count too: every acknowledged event must be stored
        long stored = cluster.database().sql("SELECT COUNT(*) FROM webhook_event").query(Long.class).single();
        long acknowledged = Stream.concat(phases.stream(), warmUps.stream()).mapToLong(p -> p.accepted.sum()).sum();

        // the drain starts once the events are processed, so it has the machine to itself
        await().atMost(Duration.ofMinutes(5))
            .until(() -> cluster.database()
                .sql("SELECT COUNT(*) FROM webhook_event WHERE state = 'PENDING'")
                .query(Long.class)
                .single() == 0);
        var csv = new StringBuilder("store,order_id,status\n");
        for (int i = 0; i < east.orders().size(); i++) {
            for (SandboxStore store : stores) {
                if (i < store.orders().size()) {
                    csv.append(store.name()).append(',').append(store.orders().get(i)).append(",processing\n");
                }
            }
        }
        Instant dropped = Instant.now();
        cluster.drop("cluster-drain.csv", csv.toString());
        await().atMost(Duration.ofMinutes(4))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> stores.stream().allMatch(store -> applied(store).size() == store.orders().size()));
        Instant drained = Instant.now();

        System.out.println();
        for (int i = 0; i < phases.size(); i++) {
            Phase phase = phases.get(i);
            System.out.println("BENCHMARK cluster webhook " + phase.name + ": rate=" + phase.rate + " seconds="
                    + SECONDS + " accepted_per_s=" + fmt(phase.accepted.sum() / phase.seconds()) + " accepted="
                    + phase.accepted.sum() + " not_sent=" + phase.notSent.sum() + " non_200=" + phase.nonOk()
                    + " errors=" + phase.errorCount() + " latency_ms p50=" + fmt2(phase.latencyMs(0.5)) + " p99="
                    + fmt2(phase.latencyMs(0.99)) + " p99.9=" + fmt2(phase.latencyMs(0.999)) + " max="
                    + fmt2(phase.latencyMs(1.0)) + " machine_busy=" + fmt(busy.get(i)) + "% client_cpu_s="
                    + fmt2(phase.clientCpuSeconds));
        }
        System.out.println(
                "BENCHMARK cluster webhook durability (warm-ups included): acknowledged=" + acknowledged + " stored="
                        + stored + " client_errors_in_warm_ups=" + warmUps.stream().mapToLong(Phase::errorCount).sum());
        for (SandboxStore store : stores) {
            List<Instant> puts = applied(store);
            Duration firstToLast = Duration.between(puts.get(0), puts.get(puts.size() - 1));
            List<RecordedRequest> allPuts = store.platform()
                .requests()
                .stream()
                .filter(r -> r.method().equals("PUT"))
                .toList();
            System.out.println("BENCHMARK cluster drain " + store.name() + ": updates=" + store.orders().size()
                    + " limit=" + store.limit() + "/" + PERIOD.toSeconds() + "s first_to_last_put_s="
                    + fmt2(firstToLast.toMillis() / 1000.0) + " ideal_s=" + ideal(store).toSeconds() + " ratio="
                    + String.format(Locale.ROOT, "%.3f", firstToLast.toMillis() / (double) ideal(store).toMillis())
                    + " drop_to_first_put_s=" + fmt2(Duration.between(dropped, puts.get(0)).toMillis() / 1000.0)
                    + " most_puts_in_any_window=" + Cluster.mostInAnyWindow(allPuts, PERIOD) + " http_429="
                    + allPuts.stream().filter(r -> r.status() == 429).count());
        }
        System.out.println("BENCHMARK cluster drain both: drop_to_all_applied_s="
                + fmt2(Duration.between(dropped, drained).toMillis() / 1000.0) + " attempts_by_instance="
                + cluster.database()
                    .sql("SELECT instance_id, COUNT(*) FROM update_attempt GROUP BY instance_id ORDER BY instance_id")
                    .query((rs, row) -> rs.getString(1) + "=" + rs.getLong(2))
                    .list());
        System.out.println();

        for (Phase phase : phases) {
            assertThat(phase.accepted.sum()).as("%s: answered \"accepted\"", phase.name).isEqualTo(phase.sent());
        }
        // a request the client gave up on (10 s) may still have been stored: more stored
        // is
        // no loss
        assertThat(stored).as("events stored, at least every one acknowledged").isGreaterThanOrEqualTo(acknowledged);
        for (SandboxStore store : stores) {
            assertThat(Cluster.mostInAnyWindow(store.puts(), PERIOD)).as("%s: most PUTs in any window", store.name())
                .isLessThanOrEqualTo(store.limit());
        }
    }

    /**
     * The machine's CPU ticks from /proc/stat: {busy, all}, to say how much of the 2
     * cores a phase used.
     */
    private static long[] machineTicks() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long all = 0;
        for (int i = 1; i < f.length; i++) {
            all += Long.parseLong(f[i]);
        }
        // idle and iowait are not busy
        return new long[] { all - Long.parseLong(f[4]) - Long.parseLong(f[5]), all };
    }

    private static double busyPercent(long[] before, long[] after) {
        return 100.0 * (after[0] - before[0]) / (after[1] - before[1]);
    }

    /**
     * A layer-4 round-robin load balancer on loopback: each accepted connection is
     * connected to the next instance in turn, and bytes are copied both ways by a thread
     * per direction.
     */
    private static final class RoundRobinProxy implements AutoCloseable {

        private final ServerSocket server;

        private final List<Socket> sockets = new ArrayList<>();

        private RoundRobinProxy(ServerSocket server) {
            this.server = server;
        }

        static RoundRobinProxy start(List<Cluster.Instance> instances) throws IOException {
            var proxy = new RoundRobinProxy(new ServerSocket(0, 256, InetAddress.getLoopbackAddress()));
            var next = new AtomicInteger();
            Thread acceptor = new Thread(() -> {
                while (!proxy.server.isClosed()) {
                    try {
                        Socket client = proxy.server.accept();
                        Cluster.Instance instance = instances.get(next.getAndIncrement() % instances.size());
                        Socket backend = new Socket();
                        backend.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), instance.port()));
                        client.setTcpNoDelay(true);
                        backend.setTcpNoDelay(true);
                        proxy.track(client, backend);
                        pump(client, backend);
                        pump(backend, client);
                    }
                    catch (IOException e) {
                        // the proxy was closed, or an instance refused: the client sees
                        // its
                        // connection fail
                    }
                }
            }, "round-robin-proxy");
            acceptor.setDaemon(true);
            acceptor.start();
            return proxy;
        }

        int port() {
            return server.getLocalPort();
        }

        private synchronized void track(Socket... more) {
            sockets.addAll(List.of(more));
        }

        private static void pump(Socket from, Socket to) {
            Thread copier = new Thread(() -> {
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    byte[] buffer = new byte[16 * 1024];
                    int read;
                    while ((read = in.read(buffer)) >= 0) {
                        out.write(buffer, 0, read);
                        out.flush();
                    }
                }
                catch (IOException e) {
                    // one side closed: the other is closed with it
                }
                finally {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            }, "round-robin-proxy-copy");
            copier.setDaemon(true);
            copier.start();
        }

        @Override
        public synchronized void close() throws IOException {
            server.close();
            sockets.forEach(RoundRobinProxy::closeQuietly);
        }

        private static void closeQuietly(Socket socket) {
            try {
                socket.close();
            }
            catch (IOException e) {
                // closing anyway
            }
        }

    }

}
