package io.weft.stress;

import io.weft.poller.internal.WakeupSignal;
import io.weft.poller.sys.Errno;
import io.weft.poller.sys.ErrnoException;
import io.weft.poller.sys.Libc;
import java.lang.foreign.MemorySegment;

/** Eventfd helpers for jcstress states and arbiters. */
public final class Eventfds {
    private Eventfds() {}

    /**
     * A non-blocking {@link WakeupSignal} for a jcstress state. jcstress states are built by
     * generated code that cannot handle checked exceptions, hence the unchecked wrapper.
     */
    public static WakeupSignal openSignal() {
        try {
            return new WakeupSignal(true);
        } catch (ErrnoException e) {
            throw new IllegalStateException(e.getMessage() + (e.errno() == Errno.EMFILE
                    ? " (too many live jcstress states: lower -strideCount/-strideSize)" : ""), e);
        }
    }

    /**
     * Reads the eventfd {@code fd} without blocking ({@code fd} must be {@code O_NONBLOCK}):
     * 1 if its counter was non-zero (a wake-up was waiting; the counter is now 0), 0 if it
     * was zero. Any other outcome of {@code read(2)} is a bug and throws.
     */
    public static int takeWakeup(int fd, MemorySegment buffer) {
        long r = Libc.read(fd, buffer, 8);
        if (r == 8) {
            return 1;
        }
        if (r == -Errno.EAGAIN) {
            return 0;
        }
        throw new IllegalStateException("read(eventfd " + fd + ") = "
                + (r < 0 ? Errno.describe((int) -r) : r + " bytes"));
    }
}
