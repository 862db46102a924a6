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
        socket.acquire();
        MemorySegment buf = IoBuffers.take(SocketAddresses.MAX_SIZE);
        try {
            int len = SocketAddresses.encode(address, family, buf);
            long deadline = SocketWaits.deadline(timeoutMillis);
            if (Transfers.completionMode()) {
                ConnectOperation op = new ConnectOperation(socket, buf.asSlice(0, len));
                int r = wakeHolder.run(op, deadline == 0 ? 0 : Math.max(1, deadline - System.nanoTime()));
                if (r == 0) return;
                if (op.timedOut()) throw new SocketTimeoutException("Connect timed out");
                throw failure(socket, r, op.interrupted());
            }
            int r = Libc.connect(socket.fd, buf, len);
            if (r == 0) return;
            if (r != -Errno.EINPROGRESS && r != -Errno.EINTR) {
                throw failure(socket, r, false);
            }
            SocketWaits.await(socket, Events.OUT, deadline, "Connect timed out");
            int error = Sockets.intOption(socket.fd, Sockets.SOL_SOCKET, Sockets.SO_ERROR);
            if (error != 0) {
                throw failure(socket, -error, false);
            }
        } finally {
            IoBuffers.give(buf);
            socket.release();
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
