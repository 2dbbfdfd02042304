package io.shipsync.webhook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.IntConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Commits the work of concurrent callers together: whatever callers are waiting when a
 * commit starts go into one transaction, and each caller returns once the commit that
 * carries its work is done (or has failed). A caller waits for at most the commit in
 * progress and its own.
 *
 * <p>
 * Why: every commit of the embedded H2 file is a synchronous write of a chunk of its own
 * (tens of kilobytes, {@code WRITE_DELAY=0}) under one lock, so at hundreds of webhook
 * requests a second the requests queued on that lock and the file grew by a chunk each.
 * One commit for the requests that arrive while the previous commit is written costs the
 * same, however many it carries. On PostgreSQL it saves a WAL flush per request in the
 * same way.
 *
 * <p>
 * When a shared transaction fails, each caller's work is tried again in a transaction of
 * its own, so that one caller's bad item (a value too long, say) fails only that caller.
 *
 * @param <T> a caller's item
 * @param <R> what the work makes of it
 */
final class GroupCommit<T, R> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

    private record Waiting<T, R>(T item, CompletableFuture<R> result) {
    }

    /** How often an idle writer looks whether it is closed. */
    private static final Duration IDLE_CHECK = Duration.ofMillis(100);

    private final BlockingQueue<Waiting<T, R>> queue = new LinkedBlockingQueue<>();

    private final TransactionOperations transactions;

    private final Function<T, R> work;

    private final int maxItems;

    private final Duration maxWait;

    private final IntConsumer committed;

    private final Thread writer;

    private volatile boolean closed;

    /**
     * Starts the thread that commits.
     * @param name the thread's name
     * @param transactions each commit's transaction
     * @param work what to do with one item, in the shared transaction
     * @param maxItems at most this many items in one commit
     * @param maxWait how long a caller waits for its commit before it gives up with a
     * {@link QueryTimeoutException} (the work may still commit after that)
     * @param committed told how many items each successful commit carried
     */
    GroupCommit(String name, TransactionOperations transactions, Function<T, R> work, int maxItems, Duration maxWait,
            IntConsumer committed) {
        this.transactions = transactions;
        this.work = work;
        this.maxItems = maxItems;
        this.maxWait = maxWait;
        this.committed = committed;
        this.writer = new Thread(this::commitWhileOpen, name);
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Does the work on this item in the next commit and returns what it made once that
     * commit is done.
     * @throws RuntimeException the work's or the commit's failure, as thrown
     */
    R submit(T item) {
        if (closed) {
            // a TransactionException: the webhook answers 503, and the platform sends
            // the event again to the next instance or after the restart
            throw new CannotCreateTransactionException("shipsync is stopping and takes no more work");
        }
        var waiting = new Waiting<T, R>(item, new CompletableFuture<>());
        queue.add(waiting);
        try {
            return waiting.result().get(maxWait.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw (Error) e.getCause();
        }
        catch (TimeoutException e) {
            throw new QueryTimeoutException("not committed within " + maxWait + "; it may be committed later", e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the commit", e);
        }
    }

    /** How many callers wait for the next commit to start. */
    int waiting() {
        return queue.size();
    }

    /** Commits what is waiting, then stops. */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        writer.join(maxWait.toMillis());
    }

    private void commitWhileOpen() {
        var batch = new ArrayList<Waiting<T, R>>(maxItems);
        while (true) {
            Waiting<T, R> first;
            try {
                // polled, never interrupted: an interrupt in the middle of a write closes
                // H2's file channel
                first = queue.poll(IDLE_CHECK.toMillis(), TimeUnit.MILLISECONDS);
            }
            catch (InterruptedException unexpected) {
                Thread.currentThread().interrupt();
                return;
            }
            if (first == null) {
                if (closed) {
                    return;
                }
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, maxItems - 1);
            commit(batch);
            batch.clear();
        }
    }

    private void commit(List<Waiting<T, R>> batch) {
        List<R> results;
        try {
            results = transactions
                .execute(status -> batch.stream().map(waiting -> work.apply(waiting.item())).toList());
        }
        catch (RuntimeException | Error failure) {
            if (batch.size() == 1) {
                batch.get(0).result().completeExceptionally(failure);
                return;
            }
            log.debug("A commit of {} items failed ({}); committing each on its own", batch.size(), failure.toString());
            batch.forEach(waiting -> commit(List.of(waiting)));
            return;
        }
        committed.accept(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result().complete(results.get(i));
        }
    }

}
