package io.weft.poller.contract;

import io.weft.poller.testkit.ThreadProbe;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Another thread that waits until the owner thread is asleep in the poller's system call, then
 * does something to it (wake it, send it data). If the owner is not seen asleep within
 * {@link #PATIENCE_NANOS} it acts anyway, and {@link #sawOwnerBlocked()} says so. If the owner
 * has not returned {@link #PATIENCE_NANOS} after the action, it runs the fallback (which must
 * make the owner's poll return, e.g. by writing a pipe the owner waits on), so that a broken
 * poller fails the test instead of hanging the build.
 */
final class Waiter implements AutoCloseable {
    static final long PATIENCE_NANOS = 5_000_000_000L;

    interface Action {
        void run() throws Exception;
    }

    private final AtomicBoolean sawBlocked = new AtomicBoolean();
    private final AtomicBoolean acted = new AtomicBoolean();
    private final AtomicBoolean ownerReturned = new AtomicBoolean();
    private final AtomicBoolean fellBack = new AtomicBoolean();
    private volatile Throwable failure;
    private final Thread thread;

    private Waiter(ThreadProbe owner, Action action, Action fallback) {
        thread = Thread.ofPlatform().name("weft-test-waiter").daemon().unstarted(() -> {
            try {
                long deadline = System.nanoTime() + PATIENCE_NANOS;
                while (System.nanoTime() < deadline && !ownerReturned.get()) {
                    if (owner.blockedInPollerCall()) {
                        sawBlocked.set(true);
                        break;
                    }
                    LockSupport.parkNanos(200_000);
                }
                acted.set(true);
                action.run();
                deadline = System.nanoTime() + PATIENCE_NANOS;
                while (!ownerReturned.get() && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(1_000_000);
                }
                if (!ownerReturned.get()) {
                    fellBack.set(true);
                    fallback.run();
                }
            } catch (Throwable t) {
                failure = t;
            }
        });
    }

    /** Starts a waiter for the calling thread (the poller's owner). */
    static Waiter forCurrentThread(Action action, Action fallback) throws Exception {
        Waiter w = new Waiter(ThreadProbe.ofCurrentThread(), action, fallback);
        w.thread.start();
        return w;
    }

    /** Whether the action has been run: a poll that returns before that returned for another reason. */
    boolean acted() {
        return acted.get();
    }

    boolean sawOwnerBlocked() {
        return sawBlocked.get();
    }

    boolean fellBack() {
        return fellBack.get();
    }

    /** The owner's poll has returned; waits for the thread and fails with what it threw. */
    @Override
    public void close() {
        ownerReturned.set(true);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the waiter thread", e);
        }
        if (failure instanceof Error e) throw e;
        if (failure != null) throw new AssertionError("the waiter thread failed: " + failure, failure);
    }
}
