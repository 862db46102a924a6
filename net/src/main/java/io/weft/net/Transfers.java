package io.weft.net;

import io.weft.poller.Events;
import io.weft.poller.sys.Errno;
import io.weft.poller.sys.IoBuffers;
import io.weft.poller.sys.Libc;
import io.weft.poller.sys.Sockets;
import io.weft.scheduler.RingOperation;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The byte stream of one connected socket: reads and writes, each direction serialised by its
 * own lock as in the JDK, in completion mode (io_uring operations on the carrier's ring) or
 * readiness mode (non-blocking system call, then a readiness wait). The mode is chosen per
 * call: the same socket may be used from a Weft virtual thread and from a platform thread.
 */
final class Transfers {
    private final SocketFd socket;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Completion mode: bytes received beyond what the last read asked for. Under readLock. */
    private byte[] leftover;
    private int leftoverOff;
    /** Under readLock. */
    private boolean connectionReset;
    /** The operation in flight in each direction, for close to cancel. */
    private final OperationHolder readOp = new OperationHolder();
    private final OperationHolder writeOp = new OperationHolder();

    Transfers(SocketFd socket) {
        this.socket = socket;
    }

    static boolean completionMode() {
        return NetMode.current() == NetMode.COMPLETION && RingOperation.available();
    }

    /** Makes the threads inside a read or write return: part of closing the socket. */
    void wakeAll() {
        readOp.cancel();
        writeOp.cancel();
    }

    // ---- reading ------------------------------------------------------------------------

    /**
     * Reads up to {@code len} bytes: the count, or -1 at end of stream.
     *
     * @param timeoutMillis SO_TIMEOUT, 0 for none
     * @param inputShutdown whether shutdownInput was called: then -1 at once
     */
    int read(byte[] b, int off, int len, int timeoutMillis, boolean inputShutdown) throws IOException {
        readLock.lock();
        try {
            enterRead();
            try {
                if (leftover != null) {
                    return takeLeftover(b, off, len);
                }
                if (inputShutdown) {
                    return -1;
                }
                long deadline = SocketWaits.deadline(timeoutMillis);
                return completionMode() ? readOnRing(b, off, len, deadline) : readReady(b, off, len, deadline);
            } finally {
                socket.release();
            }
        } finally {
            readLock.unlock();
        }
    }

    /** Under readLock: enters the descriptor, unless the connection was reset. */
    private void enterRead() throws SocketException {
        if (connectionReset) {
            throw new SocketException("Connection reset");
        }
        socket.acquire();
    }

    private int takeLeftover(byte[] b, int off, int len) {
        int n = Math.min(len, leftover.length - leftoverOff);
        System.arraycopy(leftover, leftoverOff, b, off, n);
        leftoverOff += n;
        if (leftoverOff == leftover.length) {
            leftover = null;
            leftoverOff = 0;
        }
        return n;
    }

    private int readOnRing(byte[] b, int off, int len, long deadline) throws IOException {
        for (;;) {
            long nanos = remaining(deadline, "Read timed out");
            RecvOperation op = new RecvOperation(socket, b, off, len);
            int r = readOp.run(op, nanos);
            if (r > 0) {
                leftover = op.overflow;
                return op.copied;
            }
            if (r == 0) {
                return -1;
            }
            if (op.timedOut()) {
                throw new SocketTimeoutException("Read timed out");
            }
            if (socket.isClosed() || (op.interrupted() && !interruptedButReady(Events.IN))) {
                throw readFailure(r, op.interrupted());
            }
            if (!againOnRing(op, r, Events.IN, deadline, "Read timed out")) {
                throw readFailure(r, false);
            }
        }
    }

    private int readReady(byte[] b, int off, int len, long deadline) throws IOException {
        int want = Math.min(len, IoBuffers.SIZE);
        for (;;) {
            long n;
            // The native buffer is held for the system call only, not across the wait: a reader
            // parked for minutes then pins no native memory (the JDK's sockets do the same with
            // their temporary direct buffers). Found by the soak: 5,600 idle connections held
            // 5,600 buffers of 16 KiB (87 MiB) in readiness mode, against 8 MiB in completion mode.
            MemorySegment buf = IoBuffers.take(want);
            try {
                n = Libc.recv(socket.fd, buf, want, 0);
                if (n > 0) {
                    MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, b, off, (int) n);
                    return (int) n;
                }
            } finally {
                IoBuffers.give(buf);
            }
            if (n == 0) {
                return -1;
            }
            if (n == -Errno.EAGAIN) {
                SocketWaits.await(socket, Events.IN, deadline, "Read timed out");
            } else if (!retryable((int) n)) {
                throw readFailure((int) n, false);
            }
        }
    }

    /**
     * Completion mode, after a ring operation failed with {@code result} on an open socket:
     * whether it did nothing and is simply run again, after waiting for readiness
     * ({@code EAGAIN}) or letting other threads run ({@code ENOBUFS}: the carrier's buffers
     * were all in use within one reap). {@code EINTR} and an {@code ECANCELED} that nobody
     * asked for (or an interrupt did, but the socket is ready) also mean "again"; none of
     * these may reach the caller (weft.faults injects each). Errno's numbers are the running
     * platform's, not constants: no switch.
     */
    private boolean againOnRing(RingOperation op, int result, int event, long deadline, String timeoutWhat)
            throws IOException {
        int e = -result;
        if (e == Errno.EAGAIN) {
            SocketWaits.await(socket, event, deadline, timeoutWhat);
            return true;
        }
        if (e == Errno.ENOBUFS) {
            Thread.yield();
            return true;
        }
        if (e == Errno.ECANCELED) {
            return op.cancelledSpuriously() || op.interrupted();
        }
        return e == Errno.EINTR;
    }

    /**
     * Completion mode: an interrupt cancelled the operation, but the socket is ready for it.
     * The JDK's virtual threads give up a socket call on an interrupt only when they had to
     * wait; an operation that could complete at once completes before the cancel reaches it,
     * unless it failed first (a spurious EAGAIN or cancel: weft.faults injects them). Then it
     * is run again (the interrupt status stays set; the next one wins the same way) rather
     * than closing the socket for an interrupt the JDK would have ignored.
     */
    private boolean interruptedButReady(int event) {
        return SocketWaits.readyNow(socket, event);
    }

    /**
     * Readiness mode: whether a system call that failed with {@code result} did nothing and is
     * simply made again. {@code EINTR}; {@code ENOBUFS}, after letting other threads run
     * (memory comes back as they finish); {@code ECANCELED}, which a socket call never
     * asks for here, unless the socket was closed meanwhile.
     */
    private boolean retryable(int result) {
        if (result == -Errno.EINTR) {
            return true;
        }
        if (socket.isClosed() || (result != -Errno.ENOBUFS && result != -Errno.ECANCELED)) {
            return false;
        }
        Thread.yield();
        return true;
    }

    private IOException readFailure(int result, boolean interrupted) {
        if (interrupted) {
            return new InterruptedIOException();
        }
        if (result == -Errno.ECANCELED || socket.isClosed()) {
            return new SocketException("Socket closed");
        }
        if (result == -Errno.ECONNRESET) {
            connectionReset = true;
            return new SocketException("Connection reset");
        }
        return new SocketException(Libc.strerror(-result));
    }

    /** Bytes readable without blocking. */
    int available(boolean inputShutdown) throws IOException {
        readLock.lock();
        try {
            enterRead();
            try {
                int kept = leftover == null ? 0 : leftover.length - leftoverOff;
                if (inputShutdown) {
                    return kept;
                }
                return kept + Sockets.available(socket.fd);
            } finally {
                socket.release();
            }
        } finally {
            readLock.unlock();
        }
    }

    // ---- writing ------------------------------------------------------------------------

    /** Writes all of {@code b[off, off+len)}. */
    void write(byte[] b, int off, int len) throws IOException {
        writeLock.lock();
        try {
            socket.acquire();
            MemorySegment buf = IoBuffers.take(len);
            try {
                int end = off + len;
                boolean completion = completionMode(); // a thread does not change carriers' kind mid-write
                while (off < end) {
                    int chunk = Math.min(end - off, (int) buf.byteSize());
                    MemorySegment.copy(b, off, buf, ValueLayout.JAVA_BYTE, 0, chunk);
                    off += completion ? sendCompletion(buf, chunk) : sendReady(buf, chunk);
                }
            } finally {
                IoBuffers.give(buf);
                socket.release();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * One send in completion mode. With {@link NetMode#sendFirst()} the bytes first go out
     * with a plain non-blocking {@code send(2)}: when the socket buffer has room, as it nearly
     * always has, the thread neither parks nor waits for the carrier's next enter. Only
     * what does not fit goes to the ring.
     */
    private int sendCompletion(MemorySegment buf, int n) throws IOException {
        if (NetMode.sendFirst()) {
            long r = Libc.send(socket.fd, buf, n, Sockets.MSG_NOSIGNAL | Sockets.MSG_DONTWAIT);
            if (r > 0) {
                return (int) r;
            }
            if (r != -Errno.EAGAIN && !retryable((int) r)) {
                throw writeFailure((int) r, false);
            }
        }
        return sendOnRing(buf, n);
    }

    /** One send of up to {@code n} bytes; the count sent (maybe fewer: the caller loops). */
    private int sendOnRing(MemorySegment buf, int n) throws IOException {
        for (;;) {
            SendOperation op = new SendOperation(socket, buf.asSlice(0, n));
            int r = writeOp.run(op, 0);
            if (r >= 0) {
                return r;
            }
            if (socket.isClosed() || (op.interrupted() && !interruptedButReady(Events.OUT))) {
                throw writeFailure(r, op.interrupted());
            }
            if (!againOnRing(op, r, Events.OUT, 0, "Write timed out")) {
                throw writeFailure(r, false);
            }
        }
    }

    private int sendReady(MemorySegment buf, int n) throws IOException {
        for (;;) {
            long r = Libc.send(socket.fd, buf, n, Sockets.MSG_NOSIGNAL);
            if (r >= 0) {
                return (int) r;
            }
            if (r == -Errno.EAGAIN) {
                SocketWaits.await(socket, Events.OUT, 0, "Write timed out");
            } else if (!retryable((int) r)) {
                throw writeFailure((int) r, false);
            }
        }
    }

    private IOException writeFailure(int result, boolean interrupted) {
        if (interrupted) {
            return new InterruptedIOException();
        }
        if (result == -Errno.ECANCELED || socket.isClosed()) {
            return new SocketException("Socket closed");
        }
        return new SocketException(Libc.strerror(-result));
    }

    private static long remaining(long deadline, String timeoutWhat) throws SocketTimeoutException {
        if (deadline == 0) {
            return 0;
        }
        long nanos = deadline - System.nanoTime();
        if (nanos <= 0) {
            throw new SocketTimeoutException(timeoutWhat);
        }
        return nanos;
    }
}
