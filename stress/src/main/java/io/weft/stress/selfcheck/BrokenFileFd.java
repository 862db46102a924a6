package io.weft.stress.selfcheck;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A copy of {@code io.weft.files.FileFd} (same code) with one deliberate {@link Flaw}, for the
 * self-check tests. Never use outside {@code io.weft.stress.selfcheck}.
 */
public final class BrokenFileFd {
    /** The bug this copy has. */
    public enum Flaw {
        /**
         * {@link #close} reads the holds, then sets the closed bit in a second step: a last
         * release in between sees "not closed" and does not close, and close saw a hold.
         */
        CLOSE_CHECK_THEN_SET,
    }

    private static final int CLOSED = 1 << 31;

    private final Flaw flaw;
    final int fd;
    private final IntConsumer closer;
    private final AtomicInteger state = new AtomicInteger();
    private final Set<Runnable> inflight = ConcurrentHashMap.newKeySet();

    public BrokenFileFd(Flaw flaw, int fd, IntConsumer closer) {
        this.flaw = flaw;
        this.fd = fd;
        this.closer = closer;
    }

    public boolean acquire() {
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

    public void release() {
        if (state.decrementAndGet() == CLOSED) {
            closer.accept(fd);
        }
    }

    public boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }

    public void track(Runnable abort) {
        inflight.add(abort);
    }

    public boolean close() {
        int s = state.get();
        if ((s & CLOSED) != 0) {
            return false;
        }
        // CLOSE_CHECK_THEN_SET: the bit is set apart from the read above
        state.getAndUpdate(x -> x | CLOSED);
        for (Runnable abort : inflight) {
            abort.run();
        }
        if (s == 0) {
            closer.accept(fd);
        }
        return true;
    }

    public int holds() {
        return state.get() & ~CLOSED;
    }
}
