package io.weft.stress.selfcheck;

import io.weft.poller.sys.Sockets;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A copy of {@code io.weft.net.SocketFd} (same code) with one deliberate {@link Flaw}, for the
 * self-check tests. Never use outside {@code io.weft.stress.selfcheck}.
 */
public final class BrokenSocketFd {
    /** The bug this copy has. */
    public enum Flaw {
        /** {@link #close} sets the closed bit and closes the descriptor without waiting for its users. */
        CLOSE_WITHOUT_WAITING,
    }

    private static final int CLOSED = 1 << 31;

    private final Flaw flaw;
    final int fd;
    private final AtomicInteger state = new AtomicInteger();

    public BrokenSocketFd(Flaw flaw, int fd) {
        this.flaw = flaw;
        this.fd = fd;
    }

    public int acquire() throws SocketException {
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

    public void release() {
        state.decrementAndGet();
    }

    public boolean close(Runnable wakeUsers) {
        int s;
        do {
            s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
        } while (!state.compareAndSet(s, s | CLOSED));
        wakeUsers.run();
        if (flaw != Flaw.CLOSE_WITHOUT_WAITING) { // BUG if CLOSE_WITHOUT_WAITING
            long pause = 10_000;
            while ((state.get() & ~CLOSED) != 0) {
                LockSupport.parkNanos(pause);
                pause = Math.min(pause * 2, 5_000_000);
            }
        }
        try {
            Sockets.close(fd);
        } catch (Exception e) {
            // as the real code
        }
        return true;
    }
}
