package io.weft.net;

import io.weft.poller.sys.Sockets;
import io.weft.scheduler.WeftPark;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A socket descriptor shared by the threads using it, closed only once none of them is inside
 * a system call or an io_uring operation on it: a descriptor number closed under a waiting
 * thread could be reused by another socket, and that thread would then read someone else's
 * bytes.
 *
 * <p>Every I/O call brackets its use with {@link #acquire()} and {@link #release()}.
 * {@link #close} marks the descriptor closed (later acquires fail with "Socket closed"), runs
 * the waker that makes current users return (cancelling their waits and operations), waits
 * for the last of them to release, and then closes the descriptor.
 */
final class SocketFd {
    private static final int CLOSED = 1 << 31;

    final int fd;
    /** {@code !isClosed()}, made once: every readiness wait passes it. */
    final java.util.function.BooleanSupplier isOpen = () -> !isClosed();
    /** Bit 31: closed; bits 0-30: threads inside a call. */
    private final AtomicInteger state = new AtomicInteger();

    SocketFd(int fd) {
        this.fd = fd;
    }

    /** Enters a call on the descriptor. */
    int acquire() throws SocketException {
        for (;;) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                throw new SocketException("Socket closed");
            }
            if (state.compareAndSet(s, s + 1)) {
                return fd;
            }
        }
    }

    /** Leaves a call entered with {@link #acquire()}. */
    void release() {
        state.decrementAndGet();
    }

    boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }

    /**
     * Closes the descriptor: the first caller marks it closed, runs {@code wakeUsers}, waits
     * for every user to leave and closes it. Returns false if it was already closed.
     */
    boolean close(Runnable wakeUsers) {
        int s;
        do {
            s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
        } while (!state.compareAndSet(s, s | CLOSED));
        wakeUsers.run();
        // Users were woken: their cancelled waits and operations end within microseconds (a
        // platform thread in poll(2) notices within its 20 ms slice). WeftPark: a closer pinned
        // to the carrier whose ring holds one of those operations (a write-behind send of its
        // own) must drive that carrier, or the operation's completion never comes.
        // The interrupt status is cleared while waiting and put back after: a closer whose
        // interrupt made it close (java.net.Socket closes a virtual thread's socket so) would
        // otherwise return from every park at once, and spinning on its carrier it would keep
        // that carrier from reaping the very completions it waits for (a multishot receive's,
        // whose stream holds the descriptor until its cancel completes).
        boolean interrupted = false;
        long pause = 10_000;
        while ((state.get() & ~CLOSED) != 0) {
            WeftPark.parkNanos(this, pause);
            interrupted |= Thread.interrupted();
            pause = Math.min(pause * 2, 5_000_000);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        try {
            Sockets.close(fd);
        } catch (Exception e) {
            // close(2) released the descriptor whatever it reported; nothing more to do
        }
        return true;
    }
}
