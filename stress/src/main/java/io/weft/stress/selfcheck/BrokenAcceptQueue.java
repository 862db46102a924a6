package io.weft.stress.selfcheck;

import io.weft.poller.sys.Sockets;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A copy of {@code io.weft.net.AcceptQueue}'s {@code offer} / {@code close} / {@code queued}
 * (same code; no stream, no acceptors: the self-check has neither) with one deliberate
 * {@link Flaw}, for the self-check tests. Never use outside {@code io.weft.stress.selfcheck}.
 */
public final class BrokenAcceptQueue {
    /** The bug this copy has. */
    public enum Flaw {
        /** {@link #offer} queues the connection without looking at {@code closed}. */
        OFFER_IGNORES_CLOSE,
    }

    private final Flaw flaw;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition nonEmpty = lock.newCondition();
    private final ArrayDeque<Integer> fds = new ArrayDeque<>();
    private final int limit;
    private boolean closed;

    public BrokenAcceptQueue(Flaw flaw, int limit) {
        this.flaw = flaw;
        this.limit = Math.max(1, limit);
    }

    public boolean offer(int fd) {
        lock.lock();
        try {
            if (closed && flaw != Flaw.OFFER_IGNORES_CLOSE) { // BUG if OFFER_IGNORES_CLOSE
                Sockets.close(fd);
                return false;
            }
            fds.add(fd);
            nonEmpty.signal();
            return fds.size() < limit;
        } catch (Exception e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    public int queued() {
        lock.lock();
        try {
            return fds.size();
        } finally {
            lock.unlock();
        }
    }

    public void close() {
        lock.lock();
        try {
            closed = true;
            nonEmpty.signalAll();
        } finally {
            lock.unlock();
        }
        // (the real close stops the accept stream here; the self-check has none)
        lock.lock();
        try {
            Integer fd;
            while ((fd = fds.poll()) != null) {
                try {
                    Sockets.close(fd);
                } catch (Exception e) {
                    // gone either way
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
