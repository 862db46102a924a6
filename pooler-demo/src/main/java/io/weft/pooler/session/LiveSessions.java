package io.weft.pooler.session;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The client sessions running now, for the graceful shutdown: each is told to end at its next
 * idle ReadyForQuery, and the shutdown waits until none is left (or aborts the rest).
 */
final class LiveSessions {
    private final Set<ClientSession> sessions = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition emptied = lock.newCondition();
    private volatile boolean shuttingDown;

    void add(ClientSession s) {
        sessions.add(s);
        // A session that arrives while the shutdown goes through the set ends by itself.
        if (shuttingDown) s.endWhenIdle();
    }

    void remove(ClientSession s) {
        sessions.remove(s);
        if (sessions.isEmpty()) {
            lock.lock();
            try {
                emptied.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    boolean shuttingDown() {
        return shuttingDown;
    }

    /** Every session ends at its next idle ReadyForQuery (an idle one now), and so does every later one. */
    void beginShutdown() {
        shuttingDown = true;
        sessions.forEach(ClientSession::endWhenIdle);
    }

    /** Closes every session's client and server sockets now (PostgreSQL rolls back what was open). */
    void abortAll() {
        shuttingDown = true;
        sessions.forEach(ClientSession::abort);
    }

    int size() {
        return sessions.size();
    }

    /** Waits until no session is left; false if {@code nanos} passed first. */
    boolean awaitEmpty(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        lock.lock();
        try {
            while (!sessions.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                // Capped: a session removed between the check and the wait is seen soon anyway.
                emptied.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
