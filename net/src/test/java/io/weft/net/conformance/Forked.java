package io.weft.net.conformance;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A task running on its own thread of the row's kind, e.g. a reader that will block, whose
 * result or exception the test body collects with {@link #join()} and records itself (only
 * the body's own thread writes the trace, so the trace's order never depends on timing).
 */
final class Forked<T> {
    static final Duration DEFAULT_PATIENCE = Duration.ofSeconds(10);

    private final String name;
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile T value;
    private volatile Throwable thrown;
    private Thread thread;

    private Forked(String name) {
        this.name = name;
    }

    static <T> Forked<T> start(ThreadSource threads, String name, Callable<T> task) {
        Forked<T> f = new Forked<>(name);
        f.thread = threads.start(name, () -> {
            f.entered.countDown();
            try {
                f.value = task.call();
            } catch (Throwable e) {
                f.thrown = e;
            } finally {
                f.ended.countDown();
            }
        });
        return f;
    }

    Thread thread() {
        return thread;
    }

    void interrupt() {
        thread.interrupt();
    }

    /**
     * Waits until the task is (as far as can be told from outside) blocked: a virtual thread
     * that parks shows as WAITING; a thread blocked in a system call (any platform thread, and
     * a virtual thread that pins its carrier) shows as RUNNABLE, so for those we can only give
     * it time. Fails if the task ended instead.
     */
    void awaitBlocked() throws InterruptedException {
        if (!entered.await(5, TimeUnit.SECONDS)) {
            throw new AssertionError(name + " did not start within 5 s");
        }
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(250);
        while (!ended() && !parked() && System.nanoTime() < until) {
            Thread.sleep(2);
        }
        Thread.sleep(50);
        if (ended()) {
            throw new AssertionError(name + " was expected to block but ended with "
                    + (thrown != null ? Trace.describe(thrown) : Trace.describe(value)), thrown);
        }
    }

    private boolean parked() {
        Thread.State s = thread.getState();
        return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
    }

    boolean ended() {
        return ended.getCount() == 0;
    }

    /** Whether the task ends within {@code patience}. */
    boolean endsWithin(Duration patience) throws InterruptedException {
        return ended.await(patience.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The task's result, or what it threw, rethrown as is; fails if it runs for 10 s more. */
    T join() throws Exception {
        return join(DEFAULT_PATIENCE);
    }

    T join(Duration patience) throws Exception {
        if (!endsWithin(patience)) {
            StringBuilder where = new StringBuilder();
            for (StackTraceElement e : thread.getStackTrace()) {
                where.append("\n    at ").append(e);
            }
            throw new AssertionError(name + " did not end within " + patience.toMillis() + " ms; it is " + thread.getState()
                    + where);
        }
        Throwable e = thrown;
        if (e instanceof Exception ex) throw ex;
        if (e instanceof Error err) throw err;
        if (e != null) throw new AssertionError(e);
        return value;
    }
}
