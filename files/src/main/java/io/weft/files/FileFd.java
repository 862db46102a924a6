package io.weft.files;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A file descriptor shared by the threads using a channel, closed exactly once, and only after
 * the last operation on it has ended: a number closed under an io_uring operation or a pool
 * call in flight could be reused by another open, and the operation would then read or write
 * someone else's file.
 *
 * <p>Every call brackets its use with {@link #acquire()} and {@link #release()}. {@link #close}
 * marks the descriptor closed (later acquires fail), aborts the operations in flight (cancels
 * their io_uring operations, abandons their pool calls) and closes the descriptor at once if
 * nobody uses it; otherwise the last {@link #release()} closes it. Unlike the net module's
 * SocketFd, close does not wait for users: a pool call blocked in a FIFO read may never return,
 * and it keeps its hold (and the descriptor) until it does.
 *
 * <p>Exactly once: only one transition reaches "closed, no users", either close's CAS (when
 * nobody held it) or the decrement of the last user after close; acquire fails once closed.
 */
final class FileFd {
    private static final int CLOSED = 1 << 31;

    final int fd;
    /** Closes the number: {@link FileIo#closeDescriptor}; jcstress counts calls instead. */
    private final java.util.function.IntConsumer closer;
    /** Bit 31: closed; bits 0-30: holds (threads inside a call, and pool calls in flight). */
    private final AtomicInteger state = new AtomicInteger();
    private final Set<Abortable> inflight = ConcurrentHashMap.newKeySet();
    /**
     * The file system answered {@code EOPNOTSUPP} to a page-cache-only read
     * ({@code RWF_NOWAIT}): reads go straight to the ring. Racy on purpose: a stale false
     * costs one more refused call.
     */
    boolean noWaitRefused;
    /** Reads answered from the page cache, for the yield every 8th; racy on purpose (a lost count only shifts one yield). */
    int cachedReadStreak;

    FileFd(int fd) {
        this(fd, FileIo::closeDescriptor);
    }

    /** With a closer of its own: for the jcstress test of the exactly-once close. */
    FileFd(int fd, java.util.function.IntConsumer closer) {
        this.fd = fd;
        this.closer = closer;
    }

    /** Takes a hold on the descriptor; false if it was closed. */
    boolean acquire() {
        for (;;) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    /** Gives back a hold from {@link #acquire()}; the last one after close closes the descriptor. */
    void release() {
        if (state.decrementAndGet() == CLOSED) {
            closer.accept(fd);
        }
    }

    boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }

    /**
     * Makes {@code op} abortable by {@link #close} while it runs. The caller checks
     * {@link #isClosed()} after this (a close that came first could not see it).
     */
    void track(Abortable op) {
        inflight.add(op);
    }

    void untrack(Abortable op) {
        inflight.remove(op);
    }

    /** Closes: false if already closed. Any thread; never blocks except to close the number itself. */
    boolean close() {
        int s;
        do {
            s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
        } while (!state.compareAndSet(s, s | CLOSED));
        for (Abortable op : inflight) {
            op.abort();
        }
        if (s == 0) {
            closer.accept(fd);
        }
        return true;
    }

    /** Holds outstanding, for tests. */
    int holds() {
        return state.get() & ~CLOSED;
    }
}
