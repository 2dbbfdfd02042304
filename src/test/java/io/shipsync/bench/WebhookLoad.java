package io.shipsync.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import io.shipsync.bench.BenchSupport.MachineTime;
import io.shipsync.webhook.WebhookClient;

import static io.shipsync.bench.BenchSupport.fmt;

/**
 * Open-loop load on shipsync's order webhook, the reference's {@code order.created} event
 * with a new order id each, over HTTP/1.1 on kept-alive connections: the client of
 * {@link WebhookBenchmark} and {@link ClusterBenchmark}, so that their figures compare.
 */
final class WebhookLoad {

    /** A request not answered within this is an error. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    /**
     * A request that could not be sent within this of its due time is not sent (an
     * overloaded service).
     */
    static final Duration NOT_SENT_AFTER = Duration.ofSeconds(10);

    private WebhookLoad() {
    }

    /** One phase's requests and what came of them. */
    static final class Phase {

        final String name;

        final int rate;

        final int total;

        final long[] latencyNanos;

        final long[] sendLagNanos;

        final LongAdder accepted = new LongAdder();

        final LongAdder duplicate = new LongAdder();

        final LongAdder notSent = new LongAdder();

        final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();

        final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

        long startNanos;

        final AtomicLong lastSendNanos = new AtomicLong();

        final AtomicLong lastAnswerNanos = new AtomicLong();

        double clientCpuSeconds;

        double clientJvmCpuSeconds;

        /** The whole machine's CPU time (all cores) during the phase. */
        MachineTime machine = new MachineTime(-1, -1, -1, -1);

        double serviceCpuSeconds = -1;

        double serviceSystemSeconds = -1;

        long databaseBytes = -1;

        long logBytes = -1;

        boolean drained;

        Phase(String name, int rate, int seconds) {
            this.name = name;
            this.rate = rate;
            this.total = rate * seconds;
            this.latencyNanos = new long[total];
            this.sendLagNanos = new long[total];
            Arrays.fill(latencyNanos, -1); // -1: not sent, or no answer by the end of the
                                           // phase
        }

        void answered(int index, long intended, int status, String body, Exception failure) {
            long now = System.nanoTime();
            latencyNanos[index] = now - intended;
            if (failure != null) {
                errors.computeIfAbsent(failure.getClass().getSimpleName(), k -> new LongAdder()).increment();
            }
            else {
                statuses.computeIfAbsent(status, k -> new LongAdder()).increment();
                if (status == 200) {
                    if (body.contains("\"status\":\"accepted\"")) {
                        accepted.increment();
                    }
                    else if (body.contains("\"status\":\"duplicate\"")) {
                        duplicate.increment();
                    }
                }
            }
            lastAnswerNanos.accumulateAndGet(now, Math::max);
        }

        void notSent(int index, long lag) {
            latencyNanos[index] = -1;
            sendLagNanos[index] = lag;
            notSent.increment();
        }

        long sent() {
            return total - notSent.sum();
        }

        long ok() {
            LongAdder ok = statuses.get(200);
            return ok == null ? 0 : ok.sum();
        }

        long nonOk() {
            return statuses.entrySet().stream().filter(e -> e.getKey() != 200).mapToLong(e -> e.getValue().sum()).sum();
        }

        long errorCount() {
            return errors.values().stream().mapToLong(LongAdder::sum).sum();
        }

        /**
         * 200 answers per second, from the first request's due time to the last answer.
         */
        double achievedRate() {
            return ok() / seconds();
        }

        /**
         * Requests sent per second, from the first request's due time to the last one
         * sent.
         */
        double sendRate() {
            return sent() / ((lastSendNanos.get() - startNanos) / 1e9 + 1.0 / rate);
        }

        double seconds() {
            return (lastAnswerNanos.get() - startNanos) / 1e9;
        }

        private long[] sortedLatencies;

        /**
         * Nearest-rank percentile of the latency of every request answered or failed (not
         * of those not sent), in ms.
         */
        double latencyMs(double percentile) {
            if (sortedLatencies == null) {
                sortedLatencies = Arrays.stream(latencyNanos).filter(l -> l >= 0).sorted().toArray();
            }
            return percentileMs(sortedLatencies, percentile);
        }

        /**
         * The p99 latency of each window of {@code seconds} of due times, in ms: when the
         * slow answers happened.
         */
        String p99ByWindow(int seconds) {
            int perWindow = rate * seconds;
            var windows = new ArrayList<String>();
            for (int from = 0; from < total; from += perWindow) {
                long[] window = Arrays.stream(latencyNanos, from, Math.min(total, from + perWindow))
                    .filter(l -> l >= 0)
                    .sorted()
                    .toArray();
                windows.add(fmt(percentileMs(window, 0.99)));
            }
            return String.join(" ", windows);
        }

        double sendLagMs(double percentile) {
            return percentileMs(Arrays.stream(sendLagNanos).sorted().toArray(), percentile);
        }

        static double percentileMs(long[] sorted, double percentile) {
            if (sorted.length == 0) {
                return -1;
            }
            int rank = (int) Math.ceil(percentile * sorted.length);
            return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] / 1e6;
        }

    }

    /**
     * Sends {@code rate * seconds} requests, request {@code i} due at
     * {@code start + i / rate}, from {@code connections} threads with a keep-alive
     * connection each: a thread takes the next request number, waits for its due time,
     * sends it and reads the answer. The latency runs from the due time, so when every
     * connection is busy (a slow service) the wait for one counts too: open-loop, no
     * coordinated omission.
     * @param token the webhook's shared token
     */
    static Phase run(String name, int port, int rate, int seconds, int connections, String token)
            throws InterruptedException {
        var phase = new Phase(name, rate, seconds);
        Request request = orderCreated(token);
        var next = new AtomicInteger();
        var clientCpuNanos = new LongAdder();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        phase.startNanos = start;
        var threads = new ArrayList<Thread>();
        for (int t = 0; t < connections; t++) {
            Thread thread = new Thread(() -> {
                var threadCpu = ManagementFactory.getThreadMXBean();
                long cpuBefore = threadCpu.getCurrentThreadCpuTime();
                try (var connection = new KeepAliveConnection(port)) {
                    int i;
                    while ((i = next.getAndIncrement()) < phase.total) {
                        long intended = start + (long) i * 1_000_000_000L / rate;
                        long wait;
                        while ((wait = intended - System.nanoTime()) > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        if (-wait > NOT_SENT_AFTER.toNanos()) {
                            // every connection was busy for that long: the service is
                            // overloaded; bound the phase
                            phase.notSent(i, -wait);
                            continue;
                        }
                        long sentAt = System.nanoTime();
                        phase.sendLagNanos[i] = sentAt - intended;
                        phase.lastSendNanos.accumulateAndGet(sentAt, Math::max);
                        try {
                            KeepAliveConnection.Answer answer = request.send(connection);
                            phase.answered(i, intended, answer.status(), answer.body(), null);
                        }
                        catch (IOException e) {
                            phase.answered(i, intended, -1, null, e);
                        }
                    }
                }
                finally {
                    clientCpuNanos.add(threadCpu.getCurrentThreadCpuTime() - cpuBefore);
                }
            }, "webhook-load-" + name + "-" + t);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        long deadline = start + TimeUnit.SECONDS.toNanos(seconds) + REQUEST_TIMEOUT.toNanos()
                + TimeUnit.SECONDS.toNanos(20);
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        phase.drained = threads.stream().noneMatch(Thread::isAlive);
        phase.clientCpuSeconds = clientCpuNanos.sum() / 1e9;
        return phase;
    }

    /** What a closed loop achieved: the most the service answered per second. */
    record FullSpeed(String name, double seconds, long answered, long ok, long accepted, long failed, double p50Ms,
            double p99Ms) {

        /** 200 answers per second. */
        double rate() {
            return ok / seconds;
        }

    }

    /** One request on a kept-alive connection. */
    @FunctionalInterface
    interface Request {

        KeepAliveConnection.Answer send(KeepAliveConnection connection) throws IOException;

    }

    /** A webhook request with a new order id, as {@link #run} sends. */
    static Request orderCreated(String token) {
        return connection -> connection.send("POST", "/webhook/orders",
                WebhookClient.orderCreated(UUID.randomUUID()).getBytes(StandardCharsets.UTF_8),
                "Content-Type: application/json\r\nX-Webhook-Token: " + token + "\r\n");
    }

    /** {@code GET path}. */
    static Request get(String path) {
        return connection -> connection.send("GET", path, new byte[0], "");
    }

    /**
     * Closed loop: {@code connections} threads each send the next request as soon as the
     * previous one is answered, for {@code seconds}. Unlike {@link #run} this measures
     * capacity, not latency under a given load: the service is never idle, and each
     * request waits only for the ones ahead of it.
     */
    static FullSpeed fullSpeed(String name, int port, int seconds, int connections, Request request)
            throws InterruptedException {
        var answered = new LongAdder();
        var ok = new LongAdder();
        var accepted = new LongAdder();
        var failed = new LongAdder();
        var latencies = new ConcurrentLinkedQueue<long[]>();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        var lastAnswer = new AtomicLong(start);
        var threads = new ArrayList<Thread>();
        for (int t = 0; t < connections; t++) {
            Thread thread = new Thread(() -> {
                var mine = new long[1 << 16];
                int count = 0;
                try (var connection = new KeepAliveConnection(port)) {
                    while (System.nanoTime() < end) {
                        long sentAt = System.nanoTime();
                        try {
                            KeepAliveConnection.Answer answer = request.send(connection);
                            if (answer.status() == 200) {
                                ok.increment();
                                if (answer.body().contains("\"status\":\"accepted\"")) {
                                    accepted.increment();
                                }
                            }
                        }
                        catch (IOException e) {
                            failed.increment();
                        }
                        long now = System.nanoTime();
                        answered.increment();
                        lastAnswer.accumulateAndGet(now, Math::max);
                        if (count == mine.length) {
                            mine = Arrays.copyOf(mine, count * 2);
                        }
                        mine[count++] = now - sentAt;
                    }
                }
                latencies.add(Arrays.copyOf(mine, count));
            }, "full-speed-" + name + "-" + t);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(seconds) + REQUEST_TIMEOUT.toMillis() + 5_000);
        }
        long[] sorted = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new FullSpeed(name, (lastAnswer.get() - start) / 1e9, answered.sum(), ok.sum(), accepted.sum(),
                failed.sum(), Phase.percentileMs(sorted, 0.5), Phase.percentileMs(sorted, 0.99));
    }

    /**
     * A minimal HTTP/1.1 client on one kept-alive socket, about 0.1 ms of CPU per request
     * (the client-floor phase prints it). java.net.http.HttpClient with sendAsync was
     * tried first: on loopback it opened a connection for nearly every request and cost 1
     * to 2.5 ms of CPU each, which made the client the bottleneck on 2 cores.
     */
    static final class KeepAliveConnection implements AutoCloseable {

        record Answer(int status, String body) {
        }

        private final int port;

        private Socket socket;

        private BufferedInputStream in;

        private OutputStream out;

        KeepAliveConnection(int port) {
            this.port = port;
        }

        Answer send(String method, String path, byte[] body, String headers) throws IOException {
            try {
                if (socket == null) {
                    socket = new Socket();
                    socket.setTcpNoDelay(true);
                    socket.setSoTimeout((int) REQUEST_TIMEOUT.toMillis());
                    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
                    in = new BufferedInputStream(socket.getInputStream(), 8192);
                    out = new BufferedOutputStream(socket.getOutputStream(), 8192);
                }
                out.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n" + headers
                        + "Content-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
                String statusLine = line();
                if (statusLine == null || !statusLine.startsWith("HTTP/1.")) {
                    throw new IOException("no HTTP answer: " + statusLine);
                }
                int status = Integer.parseInt(statusLine.substring(9, 12));
                long length = -1;
                boolean chunked = false;
                boolean close = statusLine.startsWith("HTTP/1.0");
                String header;
                while ((header = line()) != null && !header.isEmpty()) {
                    String lower = header.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("content-length:")) {
                        length = Long.parseLong(lower.substring(15).strip());
                    }
                    else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                        chunked = true;
                    }
                    else if (lower.startsWith("connection:") && lower.contains("close")) {
                        close = true;
                    }
                }
                if (header == null) {
                    throw new IOException("connection closed in the answer's headers");
                }
                var content = new ByteArrayOutputStream();
                if (chunked) {
                    long size;
                    while ((size = Long.parseLong(line().split(";", 2)[0].strip(), 16)) > 0) {
                        content.write(in.readNBytes((int) size));
                        line();
                    }
                    while (!line().isEmpty()) {
                        // trailers
                    }
                }
                else if (length >= 0) {
                    content.write(in.readNBytes((int) length));
                }
                else {
                    content.write(in.readAllBytes());
                    close = true;
                }
                if (close) {
                    close();
                }
                return new Answer(status, content.toString(StandardCharsets.UTF_8));
            }
            catch (IOException | RuntimeException e) {
                close();
                throw e instanceof IOException io ? io : new IOException(e);
            }
        }

        /** A header line without its CRLF; null at the end of the stream. */
        private String line() throws IOException {
            var line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    int length = line.length();
                    return length > 0 && line.charAt(length - 1) == '\r' ? line.substring(0, length - 1)
                            : line.toString();
                }
                line.append((char) c);
            }
            if (line.length() == 0) {
                return null;
            }
            throw new EOFException("connection closed mid-line");
        }

        @Override
        public void close() {
            if (socket != null) {
                try {
                    socket.close();
                }
                catch (IOException e) {
                    // closing anyway
                }
                socket = null;
            }
        }

    }

}
