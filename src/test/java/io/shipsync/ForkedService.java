package io.shipsync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * shipsync in a JVM of its own, started as a user starts it (from the project folder, so
 * it reads {@code config/} and {@code routes/}), so that a test can kill it for real or
 * measure its memory.
 */
public final class ForkedService implements AutoCloseable {

    private final Process process;

    private final Path log;

    private ForkedService(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * @param name names the log file, {@code target/<name>.log}, kept so a failing run
     * can be understood
     * @param maxHeap e.g. {@code 256m}
     * @param arguments Spring Boot arguments such as {@code --shipsync.data-dir=...};
     * random ports (service and management) unless given; in the PostgreSQL test pass,
     * the data folder's database ({@link TestDatabase}) unless a datasource is given
     */
    public static ForkedService start(String name, String maxHeap, List<String> arguments) throws IOException {
        // a test waits for start-up, not for peak speed: the quick compiler alone starts
        // the service in 9 s, not 13.5 s
        return start(name, List.of("-Xmx" + maxHeap, "-XX:TieredStopAtLevel=1"), arguments);
    }

    /**
     * As {@link #start}, with the JVM's full compiler, for figures that compare with
     * production.
     */
    public static ForkedService startForBenchmark(String name, String maxHeap, List<String> arguments)
            throws IOException {
        return start(name, List.of("-Xmx" + maxHeap), arguments);
    }

    /**
     * As {@link #startForBenchmark(String, String, List)}, with further JVM options (e.g.
     * {@code -Xlog:gc:file=...}).
     */
    public static ForkedService startForBenchmark(String name, String maxHeap, List<String> jvmOptions,
            List<String> arguments) throws IOException {
        var options = new ArrayList<>(List.of("-Xmx" + maxHeap));
        options.addAll(jvmOptions);
        return start(name, options, arguments);
    }

    private static ForkedService start(String name, List<String> jvmOptions, List<String> arguments)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ShipsyncApplication.class.getName(),
                "--spring.main.banner-mode=off"));
        if (arguments.stream().noneMatch(a -> a.startsWith("--server.port="))) {
            command.add("--server.port=0");
        }
        if (arguments.stream().noneMatch(a -> a.startsWith("--management.server.port="))) {
            command.add("--management.server.port=0");
        }
        if (TestDatabase.isPostgresql()
                && arguments.stream().noneMatch(a -> a.startsWith("--spring.datasource.url="))) {
            command.addAll(TestDatabase.forDataDir(dataDir(arguments)).arguments());
        }
        command.addAll(arguments);
        Path log = Path.of("target", name + ".log");
        return new ForkedService(
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start(), log);
    }

    /** The data folder these arguments name; shipsync's default when they name none. */
    private static Path dataDir(List<String> arguments) {
        String option = "--shipsync.data-dir=";
        return arguments.stream()
            .filter(a -> a.startsWith(option))
            .reduce((first, second) -> second)
            .map(a -> Path.of(a.substring(option.length())))
            .orElse(Path.of("data"));
    }

    /**
     * Whether the service has logged this text: what an operator watching the log would
     * see.
     */
    public boolean logged(String text) throws IOException {
        return Files.readString(log).contains(text);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** SIGTERM, as a service manager stops it, then waits for the process to end. */
    public boolean terminate(Duration atMost) throws InterruptedException {
        process.destroy();
        return process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** SIGKILL: no shutdown hook, no flush, no goodbye. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

}
