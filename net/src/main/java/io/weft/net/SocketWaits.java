package io.weft.net;

import io.weft.poller.Events;
import io.weft.poller.sys.Errno;
import io.weft.poller.sys.Libc;
import io.weft.scheduler.WaitResult;
import io.weft.scheduler.WeftScheduler;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/**
 * Readiness waits for the socket classes: through the carrier's poller on a Weft virtual
 * thread, in {@code poll(2)} on other threads ({@link WeftScheduler#await}).
 *
 * <p>Interrupts follow the JDK's sockets: a virtual thread's wait ends
 * ({@link InterruptedIOException}, which {@code java.net.Socket} turns into closing the socket
 * and "Closed by interrupt"); a platform thread's wait goes on, its interrupt status kept for
 * later, because the JDK's blocking socket calls ignore interrupts on platform threads.
 */
final class SocketWaits {
    private SocketWaits() {}

    /**
     * Waits until {@code socket} is readable ({@link Events#IN}) or writable.
     *
     * @param deadline     a {@link System#nanoTime()} deadline, or 0 for none
     * @param timeoutWhat  the message of the {@link SocketTimeoutException}, e.g. "Read timed out"
     */
    static void await(SocketFd socket, int event, long deadline, String timeoutWhat) throws IOException {
        boolean keepInterrupt = false;
        try {
            for (;;) {
                long nanos = 0;
                if (deadline != 0) {
                    nanos = deadline - System.nanoTime();
                    if (nanos <= 0) {
                        throw new SocketTimeoutException(timeoutWhat);
                    }
                }
                WaitResult r = WeftScheduler.await(socket.fd, event, nanos, socket.isOpen);
                switch (r) {
                    case READY:
                        return;
                    case TIMED_OUT:
                        throw new SocketTimeoutException(timeoutWhat);
                    case CANCELLED:
                        throw new SocketException("Socket closed");
                    case INTERRUPTED:
                        if (Thread.currentThread().isVirtual()) {
                            if (readyNow(socket, event)) {
                                return;
                            }
                            throw new InterruptedIOException();
                        }
                        Thread.interrupted(); // clear it to wait on; restored below
                        keepInterrupt = true;
                        break;
                    default:
                        throw new AssertionError(r);
                }
            }
        } finally {
            if (keepInterrupt) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Whether {@code socket} is ready for {@code event} at once ({@code poll(2)}, no wait).
     * Asked before an interrupted virtual thread gives up its wait: the JDK's socket only
     * waits when its call found nothing to do, so with data queued its read returns the data
     * even with the interrupt status set. The call that sent us here may have failed
     * spuriously (an EAGAIN io_uring gives back, or weft.faults injects, with data queued);
     * then the wait must not count, or an interrupt that the JDK ignores closes the socket.
     */
    static boolean readyNow(SocketFd socket, int event) {
        try (Arena arena = Arena.ofConfined()) {
            // struct pollfd {int fd; short events; short revents;}
            MemorySegment pfd = arena.allocate(8);
            pfd.set(ValueLayout.JAVA_INT, 0, socket.fd);
            pfd.set(ValueLayout.JAVA_SHORT, 4, (short) (event == Events.IN ? Events.IN | Events.RDHUP : Events.OUT));
            int r;
            do {
                r = Libc.poll(pfd, 1, 0);
            } while (r == -Errno.EINTR);
            return r > 0;
        }
    }

    /** A {@link System#nanoTime()} deadline {@code millis} from now, or 0 for none. */
    static long deadline(int millis) {
        return millis > 0 ? System.nanoTime() + millis * 1_000_000L : 0;
    }
}
