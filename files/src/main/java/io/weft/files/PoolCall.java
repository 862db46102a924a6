package io.weft.files;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * One blocking system call made on {@link BlockingPool} for a virtual thread that parks until it
 * returns ({@link Route#POOL}).
 *
 * <h2>Abandoning</h2>
 * A call on a channel can be abandoned ({@link #abort}): the channel was closed or the thread
 * interrupted, and the thread must return now although the call has not (a read of a FIFO can
 * block for ever). Whatever the call uses (its native buffer, its hold on the descriptor) is
 * then released by the pool thread when the call does return, never by the thread that left:
 * {@code cleanup} runs exactly once, by whichever side is last, decided by one CAS on
 * {@code state}. This is why the pool path always reads and writes through a native buffer of
 * its own: a caller's buffer could be touched after the caller was told the call was over.
 */
final class PoolCall implements Abortable {
    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int ABANDONED = 2;

    private final LongSupplier syscall;
    private final Runnable cleanup;
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final Thread waiter = Thread.currentThread();
    private volatile long result;

    /**
     * @param syscall the call, returning {@code >= 0} or {@code -errno}
     * @param cleanup releases what the call used; runs once, after the call returned
     */
    PoolCall(LongSupplier syscall, Runnable cleanup) {
        this.syscall = syscall;
        this.cleanup = cleanup;
    }

    /** A call that cannot be abandoned and uses nothing to release (open, stat, close). */
    static long runUninterruptibly(LongSupplier syscall) {
        PoolCall call = new PoolCall(syscall, () -> {});
        call.start();
        boolean interrupted = false;
        while (call.state.get() == RUNNING) {
            LockSupport.park(call);
            if (Thread.interrupted()) {
                interrupted = true; // as the JDK's open: an interrupt does not stop it
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        long r = call.result;
        call.cleanup.run();
        return r;
    }

    void start() {
        BlockingPool.execute(this::runOnPool);
    }

    /** The pool thread's side: makes the call, then hands it over or, if abandoned, cleans up. */
    void runOnPool() {
        if (state.get() == ABANDONED) {
            // Abandoned while it waited in the pool's queue: the caller has its exception, so
            // the call is not made at all (a write must not land after its caller was told the
            // channel closed under it); only its buffer and hold are released.
            cleanup.run();
            return;
        }
        long r;
        try {
            r = syscall.getAsLong();
        } catch (RuntimeException | Error e) {
            r = -FileErrors.EINTR; // cannot happen for a downcall; never leave the waiter parked
        }
        result = r;
        if (state.compareAndSet(RUNNING, DONE)) {
            LockSupport.unpark(waiter);
        } else {
            cleanup.run(); // the waiter left: its buffer and descriptor hold are ours to release
        }
    }

    /**
     * Parks until the call returns or is abandoned; an interrupt abandons it (the channel's
     * interrupt machinery closes the channel and reports ClosedByInterruptException). The
     * result, or {@code null} when abandoned: then {@code cleanup} is the pool thread's.
     * When a result is returned the caller must run {@link #finish} after using it.
     */
    Long await() {
        while (state.get() == RUNNING) {
            LockSupport.park(this);
            if (Thread.currentThread().isInterrupted()) {
                abort();
            }
        }
        return state.get() == DONE ? result : null;
    }

    /**
     * Without waiting: the result once the call is over and handed over, null if it was
     * abandoned. For the jcstress test (the waiter's side of {@link #await} without parking).
     */
    Long outcome() {
        int s = state.get();
        if (s == RUNNING) {
            throw new IllegalStateException("the call is still running");
        }
        return s == DONE ? result : null;
    }

    /** After {@link #await} returned a result: releases the call's resources. */
    void finish() {
        cleanup.run();
    }

    @Override
    public void abort() {
        if (state.compareAndSet(RUNNING, ABANDONED)) {
            LockSupport.unpark(waiter);
        }
    }
}
