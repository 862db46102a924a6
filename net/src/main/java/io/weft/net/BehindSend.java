package io.weft.net;

import io.weft.poller.CompletionPoller;
import io.weft.poller.sys.Errno;
import io.weft.poller.sys.IoBuffers;
import io.weft.poller.sys.Sockets;
import io.weft.scheduler.DetachedOperation;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * A write-behind send: the bytes of one write, copied into a native buffer the send owns, sent
 * on the ring while the writing thread goes on. The send finishes its own work on the carrier:
 * a short send or a failure that did nothing ({@code EAGAIN}, {@code EINTR}, {@code ENOBUFS},
 * an {@code ECANCELED} nobody asked for) sends the rest again from the completion, because in
 * a request/response exchange no later write may come to do it. It holds the descriptor
 * ({@link SocketFd#acquire}) and the buffer until it is over, then gives both back.
 *
 * <p>A close does not stop it (it holds the descriptor, so the close waits for it) unless it
 * is still out a second later ({@code Transfers.CLOSE_GRACE_NANOS}). It ends short only when
 * it failed for real (the connection broke), was cancelled (that grace, an interrupt of the
 * thread waiting for it), or the carrier shut down; the socket's next write (or
 * shutdownOutput) reports that.
 */
final class BehindSend extends DetachedOperation {
    /**
     * Linux's MSG_WAITALL: an io_uring send on a stream socket then completes only once every
     * byte is sent, the kernel retrying short sends itself, so the resend below is rare.
     * Completion mode (io_uring) is Linux-only.
     */
    private static final int MSG_WAITALL = 0x100;

    private final SocketFd socket;
    private final MemorySegment buf;
    private final int len;
    /** Bytes sent so far. Carrier only until the operation is over, then read by the waiter. */
    private int sent;

    /** Takes over {@code buf} and one {@link SocketFd#acquire} of {@code socket}, both released when it ends. */
    BehindSend(SocketFd socket, MemorySegment buf, int len) {
        this.socket = socket;
        this.buf = buf;
        this.len = len;
    }

    @Override
    protected void submit(CompletionPoller ring, long token) throws IOException {
        ring.send(socket.fd, buf.asSlice(sent, len - sent), Sockets.MSG_NOSIGNAL | MSG_WAITALL, token);
    }

    @Override
    protected boolean onComplete(int result, int flags) {
        if (result > 0) {
            sent += result;
        }
        if (sent < len && (result >= 0 || nothingDone(result)) && again()) {
            return false;
        }
        IoBuffers.give(buf);
        socket.release();
        return true;
    }

    /** A failure after which the send is simply made again (see {@code Transfers.againOnRing}). */
    private boolean nothingDone(int result) {
        int e = -result;
        return e == Errno.EAGAIN || e == Errno.EINTR || e == Errno.ENOBUFS
                || (e == Errno.ECANCELED && !cancelRequested());
    }

    /**
     * Asked once, when first queued: a close that came between this write's acquire and now
     * could not see the send to give it its grace, so it is cancelled at once (a write racing a
     * close may fail, with any socket).
     */
    @Override
    protected boolean abandoned() {
        return socket.isClosed();
    }

    /** Once over: whether every byte went out. */
    boolean allSent() {
        return sent == len;
    }
}
