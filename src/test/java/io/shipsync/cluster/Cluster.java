package io.shipsync.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.shipsync.ForkedService;
import io.shipsync.TestDatabase;
import io.shipsync.sandbox.RecordedRequest;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.awaitility.Awaitility.await;

/**
 * Several instances of shipsync, each in a JVM of its own ({@link ForkedService}), on one
 * PostgreSQL and one data folder (the inbox, the cluster service's lock files, the
 * archive, the reports), as they run in production behind one load balancer. Each
 * instance has its name ({@code shipsync.instance-id}) and a public port of its own; its
 * log is {@code target/<name>-<id>.log}.
 */
public final class Cluster implements AutoCloseable {

    /** One instance: its name among the others, its public port, its JVM. */
    public record Instance(String id, int port, ForkedService service) {
    }

    private static final Duration START_UP = Duration.ofMinutes(3);

    private final String name;

    private final Path dataDir;

    private final List<String> arguments;

    private final TestDatabase.Database database;

    private final List<Instance> instances = new ArrayList<>();

    private Cluster(String name, Path dataDir, List<String> arguments, TestDatabase.Database database) {
        this.name = name;
        this.dataDir = dataDir;
        this.arguments = arguments;
        this.database = database;
    }

    /**
     * Creates the database the instances share, a PostgreSQL one whatever the test pass
     * (H2 is for one process); the instances start with {@link #startInstances}.
     * @param arguments Spring Boot arguments every instance gets, besides the data
     * folder, the inbox inside it and the database
     */
    public static Cluster start(String name, Path dataDir, List<String> arguments) throws IOException {
        return new Cluster(name, dataDir, arguments, TestDatabase.forDataDir(dataDir));
    }

    /**
     * Starts these instances at once, as a deployment does, and returns when every one
     * has started.
     */
    public List<Instance> startInstances(String... ids) throws IOException {
        return start(false, ids);
    }

    /** As {@link #startInstances}, with the JVM's full compiler, for figures. */
    public List<Instance> startInstancesForBenchmark(String... ids) throws IOException {
        return start(true, ids);
    }

    private List<Instance> start(boolean forBenchmark, String... ids) throws IOException {
        var started = new ArrayList<Instance>();
        for (String id : ids) {
            int port = freePort();
            var all = new ArrayList<>(List.of("--shipsync.instance-id=" + id, "--server.port=" + port,
                    "--shipsync.data-dir=" + dataDir, "--shipsync.inbox=" + inbox()));
            all.addAll(database.arguments());
            all.addAll(arguments);
            String log = name + "-" + id;
            ForkedService service = forBenchmark ? ForkedService.startForBenchmark(log, "256m", all)
                    : ForkedService.start(log, "256m", all);
            started.add(new Instance(id, port, service));
        }
        instances.addAll(started);
        for (Instance instance : started) {
            await().atMost(START_UP).until(() -> {
                if (!instance.service().isAlive()) {
                    throw new AssertionError(
                            instance.id() + " died while starting; see target/" + name + "-" + instance.id() + ".log");
                }
                return instance.service().logged("Started ShipsyncApplication");
            });
        }
        return started;
    }

    public Path inbox() {
        return dataDir.resolve("inbox");
    }

    /**
     * Drops a file into the shared inbox as a careful writer does: under .part, then
     * renamed.
     */
    public Path drop(String fileName, String content) {
        try {
            Path part = Files.createDirectories(inbox()).resolve(fileName + ".part");
            Files.writeString(part, content, StandardCharsets.UTF_8);
            return Files.move(part, inbox().resolve(fileName));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The database the instances share, to read what they did. */
    public JdbcClient database() {
        return JdbcClient.create(new DriverManagerDataSource(database.url(), database.username(), database.password()));
    }

    /** Kills every instance still running ({@code kill -9}). */
    @Override
    public void close() throws InterruptedException {
        for (Instance instance : instances) {
            instance.service().kill();
        }
    }

    /**
     * The most of these requests arriving in any window of {@code period}, counted as a
     * platform counts its limit: a request at {@code t} is in the window until
     * {@code t + period}.
     */
    public static int mostInAnyWindow(List<RecordedRequest> requests, Duration period) {
        List<Instant> arrivals = requests.stream().map(RecordedRequest::arrivedAt).sorted().toList();
        int most = 0;
        int first = 0;
        for (int last = 0; last < arrivals.size(); last++) {
            while (!arrivals.get(first).plus(period).isAfter(arrivals.get(last))) {
                first++;
            }
            most = Math.max(most, last - first + 1);
        }
        return most;
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

}
