package io.weft.net;

import io.weft.poller.Events;
import io.weft.scheduler.WaitResult;
import io.weft.scheduler.WeftScheduler;
import java.io.IOException;
import java.io.InterruptedIOException;
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

    /** A {@link System#nanoTime()} deadline {@code millis} from now, or 0 for none. */
    static long deadline(int millis) {
        return millis > 0 ? System.nanoTime() + millis * 1_000_000L : 0;
    }
}
