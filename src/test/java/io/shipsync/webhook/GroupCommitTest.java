package io.shipsync.webhook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.support.SimpleTransactionStatus;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionOperations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Callers that arrive while a commit is being written share the next one, and each gets
 * back what its own item became. The first caller's work is held until the others are
 * queued, so what shares a commit is certain, not a matter of timing.
 */
class GroupCommitTest {

    private final Transactions transactions = new Transactions();

    private final CountDownLatch firstStarted = new CountDownLatch(1);

    private final CountDownLatch releaseFirst = new CountDownLatch(1);

    private final List<Integer> commitSizes = Collections.synchronizedList(new ArrayList<>());

    private final GroupCommit<String, String> commits = new GroupCommit<>("test-commit", transactions, this::work, 100,
            Duration.ofSeconds(10), commitSizes::add);

    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void stop() throws InterruptedException {
        releaseFirst.countDown();
        commits.close();
        callers.shutdownNow();
    }

    @Test
    void callers_arriving_during_a_commit_share_the_next_one_and_each_gets_its_own_result() throws Exception {
        CompletableFuture<String> first = submitFirst();
        List<CompletableFuture<String>> meanwhile = List.of(submit("a"), submit("b"), submit("c"), submit("d"));
        awaitQueued(4);

        releaseFirst.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("FIRST");
        assertThat(meanwhile.stream().map(CompletableFuture::join)).containsExactly("A", "B", "C", "D");
        assertThat(transactions.committed).hasSize(2);
        assertThat(transactions.committed.get(0)).containsExactly("first");
        assertThat(transactions.committed.get(1)).containsExactlyInAnyOrder("a", "b", "c", "d");
        assertThat(commitSizes).containsExactly(1, 4);
    }

    @Test
    void a_failing_item_fails_its_own_caller_only() throws Exception {
        submitFirst();
        CompletableFuture<String> good = submit("good");
        CompletableFuture<String> bad = submit("bad");
        CompletableFuture<String> alsoGood = submit("also good");
        awaitQueued(3);

        releaseFirst.countDown();

        assertThat(good.get(10, TimeUnit.SECONDS)).isEqualTo("GOOD");
        assertThat(alsoGood.get(10, TimeUnit.SECONDS)).isEqualTo("ALSO GOOD");
        assertThatThrownBy(bad::join).isInstanceOf(CompletionException.class)
            .cause()
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("no bad items");
        // the shared commit was rolled back, and the good ones committed each on its own
        assertThat(transactions.committed).hasSize(3).first().isEqualTo(List.of("first"));
        assertThat(transactions.committed.subList(1, 3)).containsExactlyInAnyOrder(List.of("good"),
                List.of("also good"));
    }

    @Test
    void closing_commits_what_is_waiting_and_then_takes_nothing_more() throws Exception {
        submitFirst();
        CompletableFuture<String> waiting = submit("waiting");
        awaitQueued(1);
        CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> {
            try {
                commits.close();
            }
            catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, callers);

        releaseFirst.countDown();

        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("WAITING");
        closing.get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> commits.submit("late")).isInstanceOf(CannotCreateTransactionException.class)
            .hasMessageContaining("stopping");
    }

    private String work(String item) {
        if (item.equals("first")) {
            firstStarted.countDown();
            try {
                releaseFirst.await();
            }
            catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        if (item.equals("bad")) {
            throw new IllegalArgumentException("no bad items");
        }
        transactions.current.get().add(item);
        return item.toUpperCase(Locale.ROOT);
    }

    /** Submits the item whose work holds its commit until released. */
    private CompletableFuture<String> submitFirst() throws InterruptedException {
        CompletableFuture<String> first = submit("first");
        assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
        return first;
    }

    private CompletableFuture<String> submit(String item) {
        return CompletableFuture.supplyAsync(() -> commits.submit(item), callers);
    }

    private void awaitQueued(int items) {
        await().atMost(Duration.ofSeconds(10)).until(() -> commits.waiting() == items);
    }

    /**
     * Transactions that keep what a committed one did, and forget what a failed one did.
     */
    private static final class Transactions implements TransactionOperations {

        final List<List<String>> committed = Collections.synchronizedList(new ArrayList<>());

        final ThreadLocal<List<String>> current = new ThreadLocal<>();

        @Override
        public <T> T execute(TransactionCallback<T> action) {
            var done = new ArrayList<String>();
            current.set(done);
            try {
                T result = action.doInTransaction(new SimpleTransactionStatus());
                committed.add(done);
                return result;
            }
            finally {
                current.remove();
            }
        }

    }

}
