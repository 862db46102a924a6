package io.weft.stress.selfcheck;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A copy of {@code io.weft.pooler.pool.PauseGate}'s {@code awaitOpen}, {@code paused},
 * {@code pause} and {@code resume} (no shutdown) with one {@link Flaw}; {@link Flaw#NONE} is
 * the real code.
 */
final class BrokenPauseGate {
    enum Flaw {
        NONE,
        /** {@code awaitOpen} decides to wait on its look at the flag outside the lock, and waits once. */
        CHECK_OUTSIDE_LOCK
    }

    private final Flaw flaw;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition opened = lock.newCondition();
    private volatile boolean paused;

    BrokenPauseGate(Flaw flaw) {
        this.flaw = flaw;
    }

    long awaitOpen() throws IOException {
        if (!paused) return 0;
        long start = System.nanoTime();
        lock.lock();
        try {
            if (flaw == Flaw.CHECK_OUTSIDE_LOCK) {
                opened.await();
            } else {
                while (paused) {
                    opened.await();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the pooler was paused");
        } finally {
            lock.unlock();
        }
        return System.nanoTime() - start;
    }

    boolean paused() {
        return paused;
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
}
