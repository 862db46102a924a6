package io.weft.poller.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.weft.poller.Completion;
import io.weft.poller.CompletionHandler;
import io.weft.poller.Poller;
import io.weft.poller.sys.Errno;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A {@link CompletionHandler} that remembers every completion, with helpers that poll until
 * a condition holds (bounded, so that a broken poller fails the test instead of hanging it).
 */
public final class Recorder implements CompletionHandler {
    /** The default bound on how long to poll for something expected. */
    public static final Duration PATIENCE = Duration.ofSeconds(5);

    /** One completion as delivered. */
    public record Done(long token, int result, int flags) {
        public boolean more() {
            return Completion.hasMore(flags);
        }

        @Override
        public String toString() {
            return "(token " + token + ", result " + describe(result) + ", flags 0x" + Integer.toHexString(flags) + ")";
        }
    }

    private final List<Done> all = new ArrayList<>();

    @Override
    public void onCompletion(long token, int result, int flags) {
        all.add(new Done(token, result, flags));
    }

    /** {@code -ECANCELED} for negative results, the number otherwise. */
    public static String describe(int result) {
        return result < 0 ? "-" + Errno.name(-result) : Integer.toString(result);
    }

    public List<Done> all() {
        return all;
    }

    public int size() {
        return all.size();
    }

    public void clear() {
        all.clear();
    }

    public List<Done> of(long token) {
        return all.stream().filter(d -> d.token == token).toList();
    }

    public int count(long token) {
        return of(token).size();
    }

    /** Whether a completion without {@link Completion#MORE} arrived for {@code token}. */
    public boolean hasFinal(long token) {
        return all.stream().anyMatch(d -> d.token == token && !d.more());
    }

    /** The one completion of {@code token}; fails unless there is exactly one. */
    public Done only(long token) {
        List<Done> ds = of(token);
        assertEquals(1, ds.size(), () -> "completions for token " + token + ": " + ds + "; all: " + all);
        return ds.get(0);
    }

    /** Polls until {@code condition} holds, for at most {@link #PATIENCE}. */
    public void pollUntil(Poller poller, BooleanSupplier condition, String what) throws IOException {
        pollUntil(poller, condition, PATIENCE, what);
    }

    public void pollUntil(Poller poller, BooleanSupplier condition, Duration patience, String what) throws IOException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("gave up after " + patience.toMillis() + " ms waiting for " + what + "; completions so far: " + all);
            }
            poller.poll(Math.min(left, 100_000_000L), this);
        }
    }

    /** Polls until {@code token} has its final completion, and returns that completion. */
    public Done awaitFinal(Poller poller, long token) throws IOException {
        pollUntil(poller, () -> hasFinal(token), "the final completion of token " + token);
        List<Done> finals = of(token).stream().filter(d -> !d.more()).toList();
        assertEquals(1, finals.size(), () -> "final completions of token " + token + ": " + finals);
        return finals.get(0);
    }

    /** Polls until {@code token} has exactly one completion, which must be final, and returns it. */
    public Done awaitOnly(Poller poller, long token) throws IOException {
        awaitFinal(poller, token);
        return only(token);
    }

    /**
     * Polls once with {@code timeoutNanos} expecting nothing, and asserts that poll waited out
     * about the timeout (at least 90% of it); returns how long it waited.
     *
     * <p>Both backends wait out the rest of the timeout after an interrupted system call (closing
     * an io_uring ring makes the kernel interrupt its owner's next blocking call some 20 ms
     * later, so epoll_wait sees EINTR), so a single early return fails.
     */
    public long assertWaitsOutTimeout(Poller poller, long timeoutNanos) throws IOException {
        List<String> early = new ArrayList<>();
        int attempts = 1;
        for (int attempt = 0; attempt < attempts; attempt++) {
            int before = all.size();
            long t0 = System.nanoTime();
            int n = poller.poll(timeoutNanos, this);
            long elapsed = System.nanoTime() - t0;
            assertEquals(0, n, () -> "poll() with nothing to deliver: " + all);
            assertEquals(before, all.size(), () -> "nothing should be delivered: " + all);
            if (elapsed >= timeoutNanos / 10 * 9) {
                if (elapsed > timeoutNanos + 5_000_000_000L) {
                    fail("poll(" + timeoutNanos / 1e6 + " ms) took " + elapsed / 1e6 + " ms");
                }
                return elapsed;
            }
            early.add(String.format("%.3f ms", elapsed / 1e6));
        }
        return fail("poll(" + timeoutNanos / 1e6 + " ms) on " + poller.backend() + " returned 0 early, after " + early
                + " with nothing delivered");
    }

    /**
     * Polls until something is delivered (retrying the 0 an interrupted system call may give)
     * or {@code timeoutNanos} passes; returns what the delivering poll() returned, 0 if none.
     */
    public int pollUntilDelivered(Poller poller, long timeoutNanos) throws IOException {
        int before = all.size();
        long deadline = System.nanoTime() + timeoutNanos;
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            int n = poller.poll(left, this);
            if (n != 0 || all.size() != before) {
                assertEquals(all.size() - before, n, () -> "poll() must count what it delivered: " + all);
                return n;
            }
        }
        return 0;
    }

    /** Polls for {@code nanos} and asserts that nothing was delivered meanwhile. */
    public void assertQuietFor(Poller poller, long nanos) throws IOException {
        int before = all.size();
        long deadline = System.nanoTime() + nanos;
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            int n = poller.poll(left, this);
            if (n != 0 || all.size() != before) {
                fail("expected no completion, got poll() = " + n + " and " + all.subList(before, all.size()));
            }
        }
    }
}
