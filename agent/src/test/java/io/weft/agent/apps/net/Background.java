package io.weft.agent.apps.net;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A helper virtual thread of a scenario ({@code Thread.ofVirtual()}, a public API the agent
 * routes): its result, its {@link Thread} (to interrupt it, or to wait until it blocks).
 */
final class Background<T> {
    private static final long BLOCKED_WITHIN_MILLIS = 15_000;

    final Thread thread;
    private final CompletableFuture<T> result = new CompletableFuture<>();

    private Background(Callable<T> body) {
        thread = Thread.ofVirtual().unstarted(() -> {
            Carriers.record();
            try {
                T value = body.call();
                Carriers.record();
                result.complete(value);
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        thread.start();
    }

    static <T> Background<T> start(Callable<T> body) {
        return new Background<>(body);
    }

    /** Waits until the thread is parked (in the wait a scenario is about), so what comes next finds it blocked. */
    Background<T> awaitBlocked() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BLOCKED_WITHIN_MILLIS);
        while (true) {
            Thread.State s = thread.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) {
                return this;
            }
            if (s == Thread.State.TERMINATED) {
                throw new IllegalStateException("the helper thread ended before it blocked: " + describe());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the helper thread did not block within " + BLOCKED_WITHIN_MILLIS + " ms");
            }
            Thread.sleep(2);
        }
    }

    /** The result, or the helper's exception rethrown. */
    T get() throws Exception {
        try {
            return result.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw e;
        } catch (TimeoutException e) {
            throw new IllegalStateException("the helper thread did not finish within 20 s (state " + thread.getState() + ")");
        }
    }

    /** What ended the helper: its result, or its exception's class and message ({@link Outcome#of}). */
    String outcome() {
        try {
            return String.valueOf(get());
        } catch (Exception e) {
            return Outcome.of(e);
        }
    }

    private String describe() {
        return result.isDone() ? outcome() : "running";
    }
}
