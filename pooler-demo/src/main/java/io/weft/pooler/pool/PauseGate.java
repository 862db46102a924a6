package io.weft.pooler.pool;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where a client asking for a server connection waits while the pooler is paused (PAUSE, as
 * in PgBouncer: no new server work starts), and what tells it the pooler is shutting down.
 * A waiting client is not timed by blocking_timeout: the pause is the operator's choice and
 * may be long (a PostgreSQL restart); its blocking_timeout starts after RESUME.
 */
public final class PauseGate {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition opened = lock.newCondition();
    /** Signalled when a server connection comes back, so PAUSE notices every one is idle. */
    private final Condition returned = lock.newCondition();
    private volatile boolean paused;
    private volatile boolean shutdown;

    /**
     * Returns once new server work may start, with the nanoseconds it waited.
     *
     * @throws ShuttingDownException if the pooler is shutting down
     */
    long awaitOpen() throws IOException {
        if (!paused && !shutdown) return 0;
        long start = System.nanoTime();
        lock.lock();
        try {
            while (paused && !shutdown) {
                opened.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the pooler was paused");
        } finally {
            lock.unlock();
        }
        if (shutdown) throw new ShuttingDownException();
        return System.nanoTime() - start;
    }

    boolean paused() {
        return paused;
    }

    boolean shutdown() {
        return shutdown;
    }

    void pause() {
        paused = true;
    }

    void resume() {
        lock.lock();
        try {
            paused = false;
            opened.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiter for good: each gets {@link ShuttingDownException}. */
    void shutDown() {
        lock.lock();
        try {
            shutdown = true;
            opened.signalAll();
            returned.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A server connection went back to its pool or was closed. Cheap when not paused. */
    void connectionReturned() {
        if (!paused) return;
        lock.lock();
        try {
            returned.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for a connection to come back, or at most {@code nanos}. The caller re-checks its
     * condition after; a short cap covers a return that happened between its check and here.
     */
    void awaitReturn(long nanos) throws InterruptedException {
        lock.lock();
        try {
            returned.awaitNanos(Math.min(nanos, TimeUnit.MILLISECONDS.toNanos(50)));
        } finally {
            lock.unlock();
        }
    }
}
