package io.weft.net;

import io.weft.poller.Events;
import io.weft.poller.sys.Errno;
import io.weft.poller.sys.IoBuffers;
import io.weft.poller.sys.Libc;
import io.weft.poller.sys.SocketAddresses;
import io.weft.poller.sys.Sockets;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.locks.LockSupport;

/** Connecting a socket, in completion mode (an io_uring CONNECT) or readiness mode. */
final class Connector {
    private Connector() {}

    /**
     * Connects {@code socket} to {@code address}.
     *
     * @param wakeHolder where close finds the operation in flight, to cancel it
     */
    static void connect(SocketFd socket, int family, InetSocketAddress address, int timeoutMillis,
                        OperationHolder wakeHolder) throws IOException {
        if (!SocketAddresses.fits(address.getAddress(), family)) {
            throw familyUnavailable();
        }
        socket.acquire();
        MemorySegment buf = IoBuffers.take(SocketAddresses.MAX_SIZE);
        try {
            int len = SocketAddresses.encode(address, family, buf);
            long deadline = SocketWaits.deadline(timeoutMillis);
            if (Transfers.completionMode()) {
                connectOnRing(socket, buf.asSlice(0, len), deadline, wakeHolder);
            } else {
                connectReady(socket, buf, len, deadline);
            }
        } finally {
            IoBuffers.give(buf);
            socket.release();
        }
    }

    /**
     * An IPv6 address for an IPv4 socket (under {@code java.net.preferIPv4Stack}, or on a machine
     * without IPv6), in the JDK's words.
     */
    static SocketException familyUnavailable() {
        return new SocketException("IPv6 protocol family unavailable");
    }

    private static void connectOnRing(SocketFd socket, MemorySegment address, long deadline,
                                      OperationHolder wakeHolder) throws IOException {
        for (int attempt = 0; ; attempt++) {
            ConnectOperation op = new ConnectOperation(socket, address);
            int r = wakeHolder.run(op, deadline == 0 ? 0 : Math.max(1, deadline - System.nanoTime()));
            if (r == 0) return;
            if (op.timedOut()) throw new SocketTimeoutException("Connect timed out");
            if (!op.interrupted() && !socket.isClosed()) {
                if (r == -Errno.EISCONN && attempt > 0) {
                    return; // an earlier attempt, answered EINTR, went through after all
                }
                if (r == -Errno.EALREADY || r == -Errno.EINPROGRESS) {
                    awaitConnected(socket, deadline); // an earlier attempt is still going on
                    return;
                }
                if (r == -Errno.EINTR || op.cancelledSpuriously() || tryAgain(r, attempt)) {
                    continue;
                }
            }
            throw failure(socket, r, op.interrupted());
        }
    }

    private static void connectReady(SocketFd socket, MemorySegment address, int len, long deadline)
            throws IOException {
        for (int attempt = 0; ; attempt++) {
            int r = Libc.connect(socket.fd, address, len);
            if (r == 0) return;
            // EINTR: the kernel goes on connecting in the background, as after EINPROGRESS.
            if (r == -Errno.EINPROGRESS || r == -Errno.EINTR) {
                awaitConnected(socket, deadline);
                return;
            }
            boolean spurious = r == -Errno.ECANCELED && !socket.isClosed();
            if (!(spurious && attempt < MAX_ATTEMPTS) && !tryAgain(r, attempt)) {
                throw failure(socket, r, false);
            }
        }
    }

    /** Attempts at a connect the kernel refused for want of resources before it gives up. */
    private static final int MAX_ATTEMPTS = 50;

    /**
     * EAGAIN (no local port free, for now) and ENOBUFS (memory): nothing was started; after a
     * pause, try again, a bounded number of times, so that a real shortage still fails. The
     * JDK fails at once; weft.faults injects both, and Weft must not pass them on.
     */
    private static boolean tryAgain(int r, int attempt) {
        if ((r != -Errno.EAGAIN && r != -Errno.ENOBUFS) || attempt >= MAX_ATTEMPTS) {
            return false;
        }
        LockSupport.parkNanos(Math.min(1L << attempt, 1_000) * 10_000L); // 10 us doubling to 10 ms
        return true;
    }

    private static void awaitConnected(SocketFd socket, long deadline) throws IOException {
        SocketWaits.await(socket, Events.OUT, deadline, "Connect timed out");
        int error = Sockets.intOption(socket.fd, Sockets.SOL_SOCKET, Sockets.SO_ERROR);
        if (error != 0) {
            throw failure(socket, -error, false);
        }
    }

    private static IOException failure(SocketFd socket, int result, boolean interrupted) {
        if (interrupted) {
            return new InterruptedIOException();
        }
        if (result == -Errno.ECANCELED || socket.isClosed()) {
            return new SocketException("Socket closed");
        }
        String message = Libc.strerror(-result);
        int errno = -result;
        // Not a switch: Errno's values are this platform's, chosen at run time.
        if (errno == Errno.ECONNREFUSED) return new ConnectException(message);
        if (errno == Errno.EHOSTUNREACH || errno == Errno.ENETUNREACH) return new NoRouteToHostException(message);
        if (errno == Errno.ETIMEDOUT) return new ConnectException("Connection timed out");
        return new SocketException(message);
    }
}
