package io.shipsync.sandbox;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * What every sandbox is: a JDK HTTP server on 127.0.0.1 only, with threads of its own,
 * answering without Nagle's stall, started once and stopped at once.
 *
 * @param <S> the sandbox, so that {@link #start()} returns it
 */
abstract class LoopbackSandbox<S extends LoopbackSandbox<S>> implements AutoCloseable {

    static {
        // The JDK server writes headers and body in separate packets with Nagle's
        // algorithm on: against the
        // client's delayed ACK that stalls every answer by ~40 ms, which a real platform
        // does not. Read once,
        // when the JDK's server configuration is first loaded.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final int requestedPort;

    private final String threadName;

    private HttpServer server;

    private ExecutorService executor;

    /**
     * @param requestedPort 0 for any free port
     */
    LoopbackSandbox(int requestedPort, String threadName) {
        this.requestedPort = requestedPort;
        this.threadName = threadName;
    }

    /**
     * Answers one request; must always answer, or the client hangs until its own timeout.
     */
    abstract void handle(HttpExchange exchange);

    /**
     * Binds 127.0.0.1 and starts serving. A sandbox can be started once; after
     * {@link #stop()} build a new one.
     */
    @SuppressWarnings("unchecked")
    public synchronized S start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("a sandbox can only be started once");
        }
        HttpServer created = HttpServer
            .create(new InetSocketAddress(InetAddress.getByAddress(new byte[] { 127, 0, 0, 1 }), requestedPort), 0);
        // Own threads: the default executor is the dispatcher thread, where one DELAY
        // fault would stall every client.
        AtomicInteger threadNumber = new AtomicInteger();
        executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, threadName + "-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        created.setExecutor(executor);
        created.createContext("/", this::handle);
        created.start();
        server = created;
        return (S) this;
    }

    /**
     * Stops at once: open connections are closed and answers held back by a DELAY fault
     * are dropped.
     */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    @Override
    public void close() {
        stop();
    }

    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("sandbox not started");
        }
        return server.getAddress().getPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /**
     * Holds an answer back (a DELAY fault); false when the sandbox stopped meanwhile, so
     * the answer is dropped.
     */
    static boolean sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
            return true;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

}
