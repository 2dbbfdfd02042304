package io.shipsync.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.shipsync.bench.BenchSupport.cpuSeconds;
import static io.shipsync.bench.BenchSupport.fmt;
import static io.shipsync.bench.BenchSupport.fmt2;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Benchmark, not a timed test: how long shipsync takes from process start to
 * {@code /actuator/health} answering {@code 200 UP} on the management port, started as
 * the README's production commands start it, against plain {@code java -jar} on the same
 * jar (the reference). From the packaged jar ({@code target/shipsync-*.jar}: the
 * benchmark profile runs the benchmarks after {@code package}) it extracts the jar and
 * makes the class data sharing archive with a training run that starts Camel and its
 * routes and then stops ({@code camel.main.duration-max-seconds}), then starts the
 * service {@code -Dshipsync.bench.runs} times (5) each way, alternately, from the project
 * folder (so it reads {@code config/} and {@code routes/}) with a fresh data folder each
 * time, and prints one {@code BENCHMARK startup} line per run, then the medians and their
 * ratio, with the load average so a reader can judge the noise.
 *
 * <p>
 * Target (issue 14): UP in less than 5 s on 2 cores. Run with
 * {@code ./mvnw -Pbenchmark verify -Dtest=StartupBenchmark}.
 */
@Tag("benchmark")
class StartupBenchmark {

    private static final int RUNS = Integer.getInteger("shipsync.bench.runs", 5);

    private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(10);

    /**
     * How long the training run lives once the application context is refreshed, as the
     * README's production commands say: long enough for Camel to start every route.
     */
    private static final int TRAINING_SECONDS = 10;

    /**
     * The default store needs a key for the configuration to be valid; no request goes
     * out, as nothing is queued.
     */
    private static final String API_KEY = "--shipsync.tribemade.api-key=tb-bench-startup-key";

    @TempDir
    Path work;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    @Test
    void health_up_after_start() throws Exception {
        Path jar = packagedJar();
        Path app = work.resolve("app");
        run(List.of(java(), "-Djarmode=tools", "-jar", jar.toString(), "extract", "--destination", app.toString()),
                "extract");
        Path extracted = app.resolve(jar.getFileName());
        Path archive = app.resolve("application.jsa");
        Path training = work.resolve("training");
        run(List.of(java(), "-XX:ArchiveClassesAtExit=" + archive, "-jar", extracted.toString(), API_KEY,
                "--shipsync.data-dir=" + training, "--shipsync.inbox=" + training.resolve("inbox"),
                "--spring.datasource.url=", "--server.port=0", "--management.server.port=0",
                "--camel.main.duration-max-seconds=" + TRAINING_SECONDS), "training");
        assertThat(archive).as("the training run's class data sharing archive").exists();

        var reference = new ArrayList<Double>();
        var adopted = new ArrayList<Double>();
        for (int i = 1; i <= RUNS; i++) {
            reference.add(measure("java -jar", i, List.of(java(), "-jar", jar.toString())));
            adopted.add(measure("extracted+cds", i,
                    List.of(java(), "-XX:SharedArchiveFile=" + archive, "-jar", extracted.toString())));
        }
        double referenceMedian = median(reference);
        double adoptedMedian = median(adopted);
        System.out.println();
        System.out.println("BENCHMARK startup summary: runs=" + RUNS + " java_jar_median_s=" + fmt2(referenceMedian)
                + " extracted_cds_median_s=" + fmt2(adoptedMedian) + " ratio_new_over_previous="
                + fmt2(adoptedMedian / referenceMedian) + " cores=" + Runtime.getRuntime().availableProcessors()
                + " load_average=" + loadAverage());
        System.out.println("BENCHMARK startup target: health_up_s<5 met=" + (adoptedMedian < 5));
        System.out.println();
    }

    /**
     * Starts the service with this command, waits for 200 UP from the management port's
     * health endpoint, kills it; returns the seconds from start to UP.
     */
    private double measure(String way, int run, List<String> command) throws Exception {
        Path dataDir = Files.createDirectories(work.resolve("run-" + run + "-" + way.replaceAll("\\W", "")));
        int managementPort = freePort();
        var arguments = new ArrayList<>(command);
        arguments.addAll(List.of(API_KEY, "--shipsync.data-dir=" + dataDir,
                "--shipsync.inbox=" + dataDir.resolve("inbox"), "--server.port=" + freePort(),
                "--management.server.port=" + managementPort, "--spring.main.banner-mode=off"));
        Path log = dataDir.resolve("service.log");
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/actuator/health"))
            .timeout(Duration.ofSeconds(2))
            .build();
        String loadBefore = loadAverage();
        long started = System.nanoTime();
        Process process = new ProcessBuilder(arguments).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = started + GIVE_UP_AFTER.toNanos();
            while (!up(request)) {
                assertThat(process.isAlive()).as("%s run %d: the service died; see %s", way, run, log).isTrue();
                assertThat(System.nanoTime()).as("%s run %d: not UP within %s; see %s", way, run, GIVE_UP_AFTER, log)
                    .isLessThan(deadline);
                // polling the endpoint as an operator's probe would, not waiting for time
                // to pass
                TimeUnit.MILLISECONDS.sleep(25);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.println("BENCHMARK startup: way=" + way + " run=" + run + " health_up_s=" + fmt2(seconds)
                    + " cpu_s=" + fmt(cpuSeconds(process.pid())) + " load_average_before=" + loadBefore
                    + " load_average_after=" + loadAverage());
            return seconds;
        }
        finally {
            process.destroyForcibly().waitFor();
        }
    }

    private boolean up(HttpRequest request) throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().startsWith("{\"status\":\"UP\"");
        }
        catch (IOException notListeningYet) {
            return false;
        }
    }

    private static Path packagedJar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            List<Path> jars = files.filter(f -> f.getFileName().toString().matches("shipsync-.*\\.jar")).toList();
            assertThat(jars)
                .as("one target/shipsync-*.jar, made by the package phase: run ./mvnw -Pbenchmark verify "
                        + "-Dtest=StartupBenchmark, which packages before the benchmarks run")
                .hasSize(1);
            return jars.get(0).toAbsolutePath();
        }
    }

    /**
     * Runs a command to its end in the project folder; fails with its output if it fails.
     */
    private void run(List<String> command, String name) throws Exception {
        Path log = work.resolve(name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = process.waitFor(GIVE_UP_AFTER.toMillis(), TimeUnit.MILLISECONDS);
        if (!ended) {
            process.destroyForcibly().waitFor();
        }
        assertThat(ended && process.exitValue() == 0)
            .as("%s: %s%n%s", name, String.join(" ", command), Files.readString(log))
            .isTrue();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The 1, 5 and 15 minute load averages: how busy the machine was. */
    private static String loadAverage() throws IOException {
        Path loadavg = Path.of("/proc/loadavg");
        if (!Files.exists(loadavg)) {
            return "unknown";
        }
        String[] fields = Files.readString(loadavg).split(" ");
        return fields[0] + "/" + fields[1] + "/" + fields[2];
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted(Comparator.naturalOrder()).toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

}
