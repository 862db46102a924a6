package io.weft.scheduler;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.weft.poller.Events;
import io.weft.poller.sys.Errno;
import io.weft.poller.sys.ErrnoException;
import io.weft.poller.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Waiting for a descriptor on a thread that is not a Weft virtual thread (a platform thread,
 * or a virtual thread of the JDK's own scheduler): a blocking {@code poll(2)}.
 *
 * <p>Cancellation and interrupts cannot reach a thread inside {@code poll(2)} without signals,
 * so the wait is cut into slices of at most {@link #SLICE_MILLIS}: a cancelled or interrupted
 * waiter notices within one slice. This is the fallback path; Weft's virtual threads wake at
 * once.
 */
final class BlockingWait {
    static final int SLICE_MILLIS = 20;

    private BlockingWait() {}

    static WaitResult await(int fd, int event, long timeoutNanos, java.util.function.BooleanSupplier isOpen)
            throws ErrnoException {
        Thread t = Thread.currentThread();
        if (t.isInterrupted()) {
            return WaitResult.INTERRUPTED;
        }
        IoWait w = new IoWait(t, null, fd, event);
        FdWaiters.register(w);
        long deadline = System.nanoTime() + timeoutNanos;
        try (Arena arena = Arena.ofConfined()) {
            // struct pollfd {int fd; short events; short revents;}
            MemorySegment pfd = arena.allocate(8);
            pfd.set(JAVA_INT, 0, fd);
            pfd.set(JAVA_SHORT, 4, (short) (event == Events.IN ? Events.IN | Events.RDHUP : Events.OUT));
            while (w.isWaiting()) {
                if (isOpen != null && !isOpen.getAsBoolean()) {
                    w.finish(IoWait.CANCELLED);
                    break;
                }
                if (t.isInterrupted()) {
                    w.onInterrupt();
                    break;
                }
                int slice = SLICE_MILLIS;
                if (timeoutNanos > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        w.finish(IoWait.TIMED_OUT);
                        break;
                    }
                    slice = (int) Math.min(SLICE_MILLIS, (left + 999_999) / 1_000_000);
                }
                int r = Libc.poll(pfd, 1, slice);
                if (r > 0) {
                    w.finish(IoWait.READY);
                } else if (r < 0 && r != -Errno.EINTR) {
                    w.finish(IoWait.CANCELLED);
                    throw new ErrnoException("poll", -r);
                }
            }
        } finally {
            FdWaiters.clear(w);
        }
        return WeftScheduler.result(w.state());
    }
}
