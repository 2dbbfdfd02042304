package io.shipsync.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What both benchmarks need around a {@link io.shipsync.ForkedService}: its log, its
 * memory, its CPU time.
 */
final class BenchSupport {

    /** Ticks per second of /proc's CPU times: USER_HZ, 100 on Linux. */
    private static final double USER_HZ = 100;

    private BenchSupport() {
    }

    /**
     * Reads a forked service's log as it grows ({@code target/<name>.log}), complete
     * lines only.
     */
    static final class LogWatcher {

        private final Path file;

        private final List<String> lines = new ArrayList<>();

        private long offset;

        private final StringBuilder partial = new StringBuilder();

        LogWatcher(Path file) {
            this.file = file;
        }

        static LogWatcher of(String serviceName) {
            return new LogWatcher(Path.of("target", serviceName + ".log"));
        }

        Path file() {
            return file;
        }

        /** Reads what was appended since the last call. */
        synchronized List<String> lines() throws IOException {
            if (Files.exists(file)) {
                try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
                    long length = in.length();
                    if (length > offset) {
                        in.seek(offset);
                        byte[] bytes = new byte[(int) Math.min(length - offset, 64L * 1024 * 1024)];
                        in.readFully(bytes);
                        offset += bytes.length;
                        partial.append(new String(bytes, StandardCharsets.UTF_8));
                        // one pass, then one delete: deleting line by line copies the
                        // rest each time, which took
                        // seconds on a 19 MB log
                        int start = 0;
                        int newline;
                        while ((newline = partial.indexOf("\n", start)) >= 0) {
                            lines.add(partial.substring(start, newline));
                            start = newline + 1;
                        }
                        partial.delete(0, start);
                    }
                }
            }
            return lines;
        }

        Optional<String> find(Predicate<String> test) throws IOException {
            return lines().stream().filter(test).findFirst();
        }

        Optional<String> find(String contains) throws IOException {
            return find(line -> line.contains(contains));
        }

    }

    /**
     * The timestamp Spring Boot's console pattern starts each line with, e.g.
     * 2025-01-01T10:00:00.123Z.
     */
    static Instant timestampOf(String logLine) {
        String first = logLine.strip().split("\\s+", 2)[0];
        try {
            return OffsetDateTime.parse(first).toInstant();
        }
        catch (DateTimeParseException e) {
            throw new IllegalStateException("no timestamp at the start of log line: " + logLine, e);
        }
    }

    /**
     * Waits for a line of the log; fails early when the service died or ran out of
     * memory.
     */
    static String awaitLogLine(LogWatcher log, long pid, String contains, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<String> line = log.find(contains);
            if (line.isPresent()) {
                return line.get();
            }
            failIfBroken(log, pid, "waiting for \"" + contains + "\"");
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no \"" + contains + "\" in " + log.file() + " within " + timeout);
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    static void failIfBroken(LogWatcher log, long pid, String doing) throws IOException {
        if (log.find("OutOfMemoryError").isPresent()) {
            throw new AssertionError("OutOfMemoryError while " + doing + "; see " + log.file());
        }
        if (!alive(pid)) {
            throw new AssertionError("the service (pid " + pid + ") died while " + doing + "; see " + log.file());
        }
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * A field of /proc/<pid>/status in kB, e.g. VmHWM (peak resident set) or VmRSS; -1
     * when unknown.
     */
    static long procStatusKb(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").strip());
                }
            }
        }
        catch (IOException | NumberFormatException e) {
            // the process is gone, or not Linux
        }
        return -1;
    }

    /** User plus system CPU time the process used so far, in seconds; -1 when unknown. */
    static double cpuSeconds(long pid) {
        ProcessTime time = ProcessTime.of(pid);
        return time.user() < 0 ? -1 : time.user() + time.system();
    }

    /**
     * The CPU time a process used so far, in seconds, from /proc/[pid]/stat; both -1 when
     * unknown (the process is gone, or not Linux).
     */
    record ProcessTime(double user, double system) {

        static ProcessTime of(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                // the fields after the command name, which is in parentheses and may
                // contain spaces; utime and stime are fields 14 and 15
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return new ProcessTime(Long.parseLong(fields[11]) / USER_HZ, Long.parseLong(fields[12]) / USER_HZ);
            }
            catch (IOException | RuntimeException e) {
                return new ProcessTime(-1, -1);
            }
        }

    }

    /**
     * The CPU time the whole machine spent so far (all cores), in seconds, from
     * /proc/stat: busy (user, nice, system, irq and softirq), idle, waiting for I/O and
     * stolen by the hypervisor; every field -1 when unknown. Less the processes' own
     * time, the busy time between two readings is what other processes took from a
     * measurement.
     */
    record MachineTime(double busy, double idle, double iowait, double steal) {

        static MachineTime now() {
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                // cpu user nice system idle iowait irq softirq steal ...
                long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                        + Long.parseLong(f[7]);
                return new MachineTime(busy / USER_HZ, Long.parseLong(f[4]) / USER_HZ, Long.parseLong(f[5]) / USER_HZ,
                        Long.parseLong(f[8]) / USER_HZ);
            }
            catch (IOException | RuntimeException e) {
                return new MachineTime(-1, -1, -1, -1);
            }
        }

        boolean known() {
            return busy >= 0;
        }

        /** The time spent between {@code before} and this reading. */
        MachineTime since(MachineTime before) {
            if (!known() || !before.known()) {
                return new MachineTime(-1, -1, -1, -1);
            }
            return new MachineTime(busy - before.busy, idle - before.idle, iowait - before.iowait,
                    steal - before.steal);
        }

        double all() {
            return busy + idle + iowait + steal;
        }

    }

    /**
     * The machine's load averages over 1, 5 and 15 minutes, as /proc/loadavg says them.
     */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        }
        catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** JVM options that log every collection to {@code file}, for {@link #peakHeapMb}. */
    static List<String> gcLogOptions(Path file) {
        return List.of("-Xlog:gc:file=" + file.toAbsolutePath());
    }

    private static final Pattern GC_HEAP = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    /**
     * The most heap in use that a {@code -Xlog:gc} log shows: the occupancy right before
     * each collection (heap use peaks just before one), so a peak between the last
     * collection and the end is not seen; -1 when none logged.
     */
    static long peakHeapMb(Path gcLog) throws IOException {
        if (!Files.exists(gcLog)) {
            return -1;
        }
        long peak = -1;
        for (String line : Files.readAllLines(gcLog, StandardCharsets.UTF_8)) {
            var heap = GC_HEAP.matcher(line);
            while (heap.find()) {
                peak = Math.max(peak, Long.parseLong(heap.group(1)));
            }
        }
        return peak;
    }

    /**
     * How many collections a {@code -Xlog:gc} log shows, and the time they paused the
     * service, in ms.
     */
    static double[] gcPauses(Path gcLog) throws IOException {
        if (!Files.exists(gcLog)) {
            return new double[] { 0, 0 };
        }
        var pause = Pattern.compile("M\\) (\\d+\\.\\d+)ms");
        double count = 0;
        double ms = 0;
        for (String line : Files.readAllLines(gcLog, StandardCharsets.UTF_8)) {
            var match = pause.matcher(line);
            if (match.find()) {
                count++;
                ms += Double.parseDouble(match.group(1));
            }
        }
        return new double[] { count, ms };
    }

    static double mb(long kb) {
        return kb < 0 ? -1 : kb / 1024.0;
    }

    static String fmt(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    static String fmt2(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    /**
     * Renames a finished {@code name.part} to {@code name}, as a careful writer drops a
     * file; returns when.
     */
    static Instant drop(Path part, String name) throws IOException {
        Files.move(part, part.resolveSibling(name), StandardCopyOption.ATOMIC_MOVE);
        return Instant.now();
    }

    /**
     * With {@code -Dshipsync.bench.jfr=true}, starts a Java Flight Recorder recording in
     * the forked service ({@code target/<name>.jfr}, dumped when the service exits or
     * {@link #dumpFlightRecording} is called).
     */
    static void maybeStartFlightRecording(long pid, String name) throws IOException, InterruptedException {
        if (Boolean.getBoolean("shipsync.bench.jfr")) {
            jcmd(pid, "JFR.start", "name=bench", "settings=profile",
                    "filename=" + Path.of("target", name + ".jfr").toAbsolutePath());
        }
    }

    static void dumpFlightRecording(long pid, String name) throws IOException, InterruptedException {
        if (Boolean.getBoolean("shipsync.bench.jfr")) {
            jcmd(pid, "JFR.dump", "name=bench", "filename=" + Path.of("target", name + ".jfr").toAbsolutePath());
            System.out.println("BENCHMARK " + name + ": flight recording in target/" + name + ".jfr");
        }
    }

    /**
     * With {@code -Dshipsync.bench.nmt=true} (the service started with
     * {@code -XX:NativeMemoryTracking=summary}), prints where the service's memory beyond
     * the heap goes.
     */
    static void maybePrintNativeMemory(long pid, String name) throws IOException, InterruptedException {
        if (Boolean.getBoolean("shipsync.bench.nmt")) {
            System.out.println("BENCHMARK " + name + " native memory:\n" + jcmd(pid, "VM.native_memory", "summary"));
        }
    }

    private static String jcmd(long pid, String... command) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        var arguments = new ArrayList<>(List.of(jcmd, Long.toString(pid)));
        arguments.addAll(List.of(command));
        Process process = new ProcessBuilder(arguments).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            System.out.println("jcmd " + String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

}
