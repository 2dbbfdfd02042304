package io.shipsync.bench;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.shipsync.EndToEndTest;
import io.shipsync.ForkedService;
import io.shipsync.ForkedServiceTest;
import io.shipsync.sandbox.RecordedRequest;
import io.shipsync.sandbox.TribeMadeSandbox;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static io.shipsync.bench.BenchSupport.awaitLogLine;
import static io.shipsync.bench.BenchSupport.cpuSeconds;
import static io.shipsync.bench.BenchSupport.fmt;
import static io.shipsync.bench.BenchSupport.fmt2;
import static io.shipsync.bench.BenchSupport.mb;
import static io.shipsync.bench.BenchSupport.procStatusKb;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Benchmark, not a timed test: 50 TribeMade stores ({@code shipsync.stores.s01..s50},
 * each its own API key and platform store id), each limited to {@value #LIMIT} status
 * updates per 2 s (or {@code -Dshipsync.bench.period-seconds}) by shipsync and by its
 * platform alike, drain a backlog of {@value #PER_STORE} updates each (10,000 in one file
 * with a {@code store} column, rows interleaved by store) from one service in its own
 * JVM. The platform is {@value #SANDBOXES} sandboxes of 10 stores each, counting per key
 * as TribeMade does.
 *
 * <p>
 * Order reads: every update's order is unknown to shipsync, so each is read first (GET)
 * from a separate budget; that budget is generous ({@value #READS} per period on both
 * sides) so reads cost their requests and commits but never pace the updates: the
 * updates' limit is what is measured. Pre-seeding shipsync's knowledge instead would not
 * help: platform knowledge is trusted for only two periods, less than a store's 20 s
 * drain.
 *
 * <p>
 * Figures ({@code BENCHMARK multi-store ...}):
 * <ul>
 * <li>steady-state throughput as a fraction of the sum of the limits (50 x 10/s = 500/s):
 * successful PUTs arriving in the longest window that starts one period after the last
 * store's first update (so every store is past its start-up: file intake, first poll,
 * first reads) and ends before the first store's last update (so every store still has a
 * backlog), cut to a whole number of periods. With bursts of 20 a period, a window of k
 * periods holds exactly 20 k of a store's updates when it keeps its limit exactly,
 * whatever the phase of its bursts; a window of any other length would count a burst more
 * or less per store;</li>
 * <li>each store's pace: its 181st update cannot arrive sooner than 9 periods after its
 * 1st;</li>
 * <li>429 answers across all sandboxes (target 0), and the service's peak heap (from its
 * GC log: occupancy before each collection) and peak resident memory.</li>
 * </ul>
 * Target: a steady-state fraction of at least 0.98. Takes about a minute and a half.
 */
@Tag("benchmark")
class MultiStoreDrainBenchmark extends ForkedServiceTest {

    private static final String NAME = "multi-store-drain-benchmark";

    private static final int STORES = 50;

    private static final int SANDBOXES = 5;

    private static final int PER_STORE = 200;

    private static final int LIMIT = 20;

    private static final int READS = 100;

    /**
     * The stores' period; -Dshipsync.bench.period-seconds=10 gives the same stores a
     * fifth of the load.
     */
    private static final int PERIOD_SECONDS = Integer.getInteger("shipsync.bench.period-seconds", 2);

    private static final Duration PERIOD = Duration.ofSeconds(PERIOD_SECONDS);

    private static final String FILE = "multi-store-" + STORES + "x" + PER_STORE + ".csv";

    private static final double TARGET_FRACTION = 0.98;

    private static final Duration GIVE_UP_AFTER = Duration
        .parse(System.getProperty("shipsync.bench.give-up-after", "PT5M"));

    /**
     * For experiments, e.g.
     * -Dshipsync.bench.args=--spring.datasource.hikari.maximum-pool-size=20 (space
     * separated).
     */
    private static final List<String> EXTRA_ARGUMENTS = Arrays
        .stream(System.getProperty("shipsync.bench.args", "").split("\\s+"))
        .filter(a -> !a.isBlank())
        .toList();

    private final List<TribeMadeSandbox> sandboxes = new ArrayList<>();

    @AfterEach
    void stopSandboxes() throws InterruptedException {
        if (service != null) {
            service.kill(); // before its platform goes away, so its log does not fill
                            // with refused connections
        }
        sandboxes.forEach(TribeMadeSandbox::stop);
    }

    @Test
    void drain_50_stores_at_their_own_limits() throws Exception {
        for (int i = 0; i < SANDBOXES; i++) {
            sandboxes
                .add(TribeMadeSandbox.builder().updateLimit(LIMIT, PERIOD).readLimit(READS, PERIOD).build().start());
        }
        var arguments = new ArrayList<>(
                List.of("--shipsync.data-dir=" + dataDir, "--shipsync.inbox=" + dataDir.resolve("inbox"),
                        // the throttles' periods: the stores' permits are scaled to these
                        "--shipsync.status-updates.period=" + PERIOD_SECONDS + "s",
                        "--shipsync.tribemade.order-reads.period=" + PERIOD_SECONDS + "s"));
        Map<String, TribeMadeSandbox> sandboxOf = new HashMap<>();
        Map<String, List<UUID>> ordersOf = new HashMap<>();
        for (int s = 1; s <= STORES; s++) {
            String store = String.format(Locale.ROOT, "s%02d", s);
            String key = "tb-bench-multi-" + store + "-key";
            UUID platformStore = UUID
                .fromString(String.format(Locale.ROOT, "5a000000-0000-4000-8000-0000000010%02d", s));
            TribeMadeSandbox sandbox = sandboxes.get((s - 1) % SANDBOXES);
            sandbox.addStore(key, platformStore);
            sandboxOf.put(store, sandbox);
            var orders = new ArrayList<UUID>();
            for (int i = 0; i < PER_STORE; i++) {
                UUID order = UUID.randomUUID();
                sandbox.addOrder(platformStore, order, "started");
                orders.add(order);
            }
            ordersOf.put(store, orders);
            String prefix = "--shipsync.stores." + store + ".";
            arguments.addAll(List.of(prefix + "platform=tribemade", prefix + "base-url=" + sandbox.baseUrl(),
                    prefix + "api-key=" + key, prefix + "platform-store-id=" + platformStore,
                    prefix + "status-updates.max-requests=" + LIMIT,
                    prefix + "status-updates.period=" + PERIOD_SECONDS + "s",
                    prefix + "order-reads.max-requests=" + READS,
                    prefix + "order-reads.period=" + PERIOD_SECONDS + "s"));
        }
        arguments.addAll(EXTRA_ARGUMENTS);

        Path inbox = Files.createDirectories(dataDir.resolve("inbox"));
        Path part = inbox.resolve(FILE + ".part");
        try (BufferedWriter out = Files.newBufferedWriter(part, StandardCharsets.UTF_8)) {
            out.write("store,order_id,status,tracking_url\n");
            for (int i = 0; i < PER_STORE; i++) {
                for (int s = 1; s <= STORES; s++) {
                    String store = String.format(Locale.ROOT, "s%02d", s);
                    out.write(store + "," + ordersOf.get(store).get(i) + ",processing,\n");
                }
            }
        }

        Path gcLog = Path.of("target", NAME + "-gc.log");
        Files.deleteIfExists(gcLog);
        service = ForkedService.startForBenchmark(NAME, "256m", BenchSupport.gcLogOptions(gcLog), arguments);
        long pid = service.pid();
        var log = BenchSupport.LogWatcher.of(NAME);
        awaitLogLine(log, pid, "Started ShipsyncApplication", Duration.ofSeconds(180));
        BenchSupport.maybeStartFlightRecording(pid, NAME);
        long rssAtStartKb = procStatusKb(pid, "VmRSS");
        double cpuAtDrop = cpuSeconds(pid);

        Instant dropped = BenchSupport.drop(part, FILE);
        int total = STORES * PER_STORE;
        long deadline = System.nanoTime() + GIVE_UP_AFTER.toNanos();
        long threadsSeen = 0;
        // on giving up, the figures are still printed, of what was applied by then
        while (applied() < total && System.nanoTime() < deadline) {
            BenchSupport.failIfBroken(log, pid, "draining " + FILE);
            threadsSeen = Math.max(threadsSeen, procStatusKb(pid, "Threads"));
            TimeUnit.MILLISECONDS.sleep(200);
        }
        boolean complete = applied() == total;
        Instant allApplied = Instant.now();
        double cpuAtApplied = cpuSeconds(pid);
        long peakRssKb = procStatusKb(pid, "VmHWM");
        Path reports = dataDir.resolve("reports");
        String stem = FILE.substring(0, FILE.length() - ".csv".length());
        while (complete && EndToEndTest.reportsIn(reports, stem).isEmpty()) {
            BenchSupport.failIfBroken(log, pid, "waiting for the report of " + FILE);
            assertThat(System.nanoTime()).as("no result report in %s", reports).isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(200);
        }
        Instant reported = Instant.now();
        BenchSupport.dumpFlightRecording(pid, NAME);
        service.terminate(Duration.ofSeconds(30)); // a clean stop, so the GC log is
                                                   // complete
        long peakHeapMb = BenchSupport.peakHeapMb(gcLog);
        double[] gc = BenchSupport.gcPauses(gcLog);

        // ------------------------------------------------------------------ figures
        List<RecordedRequest> all = sandboxes.stream().flatMap(s -> s.requests().stream()).toList();
        long http429 = all.stream().filter(r -> r.status() == 429).count();
        long put429 = all.stream().filter(r -> r.status() == 429 && r.method().equals("PUT")).count();
        long gets = all.stream().filter(r -> r.method().equals("GET")).count();
        long otherFailures = all.stream().filter(r -> r.status() != 200 && r.status() != 429).count();
        Map<String, List<Instant>> putsOf = new HashMap<>();
        for (var entry : ordersOf.entrySet()) {
            var ids = entry.getValue().stream().map(UUID::toString).collect(Collectors.toSet());
            putsOf.put(entry.getKey(),
                    sandboxOf.get(entry.getKey())
                        .requests()
                        .stream()
                        .filter(r -> r.method().equals("PUT") && r.status() == 200)
                        .filter(r -> ids.contains(r.path().split("/")[3]))
                        .map(RecordedRequest::arrivedAt)
                        .sorted()
                        .toList());
        }
        List<Instant> allPuts = putsOf.values().stream().flatMap(List::stream).sorted().toList();
        Instant firstPut = allPuts.get(0);
        Instant lastPut = allPuts.get(allPuts.size() - 1);
        long storesStarted = putsOf.values().stream().filter(p -> !p.isEmpty()).count();
        long storesDone = putsOf.values().stream().filter(p -> p.size() == PER_STORE).count();
        Instant lastStoreStarts = putsOf.values()
            .stream()
            .filter(p -> !p.isEmpty())
            .map(p -> p.get(0))
            .max(Comparator.naturalOrder())
            .orElseThrow();
        // a store that did not start had no backlog in the outbox yet: no steady state
        // while it waits
        Instant firstStoreEnds = storesStarted < STORES ? lastStoreStarts
                : putsOf.values().stream().map(p -> p.get(p.size() - 1)).min(Comparator.naturalOrder()).orElseThrow();
        // when each store's first update arrived, seconds after the first store's: how
        // staggered the start is
        double[] starts = putsOf.values()
            .stream()
            .filter(p -> !p.isEmpty())
            .mapToDouble(p -> seconds(firstPut, p.get(0)))
            .sorted()
            .toArray();
        Instant windowStart = lastStoreStarts.plus(PERIOD);
        long periods = Math.max(0, Duration.between(windowStart, firstStoreEnds).toMillis() / PERIOD.toMillis());
        Instant windowEnd = windowStart.plus(PERIOD.multipliedBy(periods));
        long inWindow = allPuts.stream().filter(t -> !t.isBefore(windowStart) && t.isBefore(windowEnd)).count();
        double sumOfLimits = (double) STORES * LIMIT / PERIOD_SECONDS;
        double windowSeconds = periods * (double) PERIOD_SECONDS;
        double steadyRate = periods == 0 ? Double.NaN : inWindow / windowSeconds;
        double fraction = steadyRate / sumOfLimits;
        double firstToLast = seconds(firstPut, lastPut);

        // each store's pace: its (9 * LIMIT + 1)th update arrives at the earliest 9
        // periods after its first
        int bursts = PER_STORE / LIMIT - 1;
        double[] pace = putsOf.values()
            .stream()
            .filter(p -> p.size() > bursts * LIMIT)
            .mapToDouble(p -> bursts * (double) PERIOD_SECONDS / seconds(p.get(0), p.get(bursts * LIMIT)))
            .sorted()
            .toArray();
        if (pace.length == 0) {
            pace = new double[] { Double.NaN };
        }
        // what each period the stores got, to see where a shortfall is: successful PUTs
        // per period from the first
        var perPeriod = new StringBuilder();
        for (Instant from = firstPut; !from.isAfter(lastPut); from = from.plus(PERIOD)) {
            Instant start = from;
            Instant end = from.plus(PERIOD);
            perPeriod.append(perPeriod.length() == 0 ? "" : ",")
                .append(allPuts.stream().filter(t -> !t.isBefore(start) && t.isBefore(end)).count());
        }

        System.out.println();
        System.out.println("BENCHMARK multi-store: stores=" + STORES + " updates=" + total + " applied="
                + allPuts.size() + (complete ? "" : " (GAVE UP after " + GIVE_UP_AFTER.toMinutes() + " min)")
                + " limit_per_store=" + LIMIT + "/" + PERIOD_SECONDS + "s sum_of_limits_per_s=" + fmt(sumOfLimits)
                + " steady_window_s=" + fmt(windowSeconds) + " steady_puts=" + inWindow + " steady_rate_per_s="
                + fmt2(steadyRate) + " fraction_of_limits=" + String.format(Locale.ROOT, "%.4f", fraction)
                + " http_429=" + http429 + " (on PUT " + put429 + ") peak_heap_mb=" + peakHeapMb + " peak_rss_mb="
                + fmt(mb(peakRssKb)) + " xmx=256m"
                + (EXTRA_ARGUMENTS.isEmpty() ? "" : " extra_args=" + String.join(" ", EXTRA_ARGUMENTS)));
        System.out.println("BENCHMARK multi-store wall: drop_to_first_put_s=" + fmt2(seconds(dropped, firstPut))
                + " first_to_last_put_s=" + fmt2(firstToLast) + " overall_rate_per_s=" + fmt2(total / firstToLast)
                + " drop_to_all_applied_s=" + fmt2(seconds(dropped, allApplied)) + " drop_to_report_s="
                + fmt2(seconds(dropped, reported)) + " stores_started=" + storesStarted + " stores_done=" + storesDone
                + " store_first_put_after_first_s(p10/p50/p90/max)=" + fmt2(starts[starts.length / 10]) + "/"
                + fmt2(starts[starts.length / 2]) + "/" + fmt2(starts[starts.length * 9 / 10]) + "/"
                + fmt2(starts[starts.length - 1]));
        System.out
            .println("BENCHMARK multi-store per-store pace (9 periods / 1st->181st update, 1 = at the limit): min="
                    + fmt2(pace[0]) + " median=" + fmt2(pace[pace.length / 2]) + " max=" + fmt2(pace[pace.length - 1])
                    + " mean=" + fmt2(Arrays.stream(pace).average().orElse(Double.NaN)));
        System.out.println("BENCHMARK multi-store detail: gets=" + gets + " other_non_200=" + otherFailures
                + " service_cpu_s=" + fmt(cpuAtApplied - cpuAtDrop) + " (2 cores x " + fmt(seconds(dropped, allApplied))
                + " s available) max_threads=" + threadsSeen + " rss_at_start_mb=" + fmt(mb(rssAtStartKb))
                + " gc_count=" + (long) gc[0] + " gc_pause_ms=" + fmt(gc[1]) + " puts_per_period_from_first=["
                + perPeriod + "]");
        System.out.println("BENCHMARK multi-store target: fraction_of_limits>=" + TARGET_FRACTION + " met="
                + (fraction >= TARGET_FRACTION) + " http_429=0 met=" + (http429 == 0));
        System.out.println();

        assertThat(complete).as("all %s updates applied within %s", total, GIVE_UP_AFTER).isTrue();
        assertThat(otherFailures).as("answers other than 200 and 429").isZero();
        for (var entry : ordersOf.entrySet()) {
            assertThat(putsOf.get(entry.getKey())).as("successful updates of store %s", entry.getKey())
                .hasSize(PER_STORE);
        }
        assertThat(periods).as("periods in the steady-state window").isPositive();
        List<String> lines = Files.readAllLines(EndToEndTest.reportsIn(reports, stem).get(0));
        assertThat(lines).hasSize(total + 1);
        assertThat(lines.subList(1, lines.size()))
            .allSatisfy(line -> assertThat(line).contains(",processing,applied,"));
    }

    private long applied() {
        return sandboxes.stream()
            .mapToLong(s -> s.requests().stream().filter(r -> r.method().equals("PUT") && r.status() == 200).count())
            .sum();
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e9;
    }

}
