package io.weft.net;

import io.weft.poller.Events;
import io.weft.poller.sys.Errno;
import io.weft.poller.sys.ErrnoException;
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
    /** Completion mode with multishot receive: made by the first read that streams. Under readLock. */
    private volatile ReceiveQueue received;
    /** Under readLock. */
    private boolean connectionReset;
    /**
     * Readiness mode: the last receive returned less than it asked for, so it emptied the
     * socket, and the next read waits for readiness before its receive. Under readLock.
     */
    private boolean drained;
    /** The operation in flight in each direction, for close to cancel. */
    private final OperationHolder readOp = new OperationHolder();
    private final OperationHolder writeOp = new OperationHolder();
    /** How long close lets a write-behind send go on before it cancels it. */
    static final long CLOSE_GRACE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    /** The write-behind send not yet settled by a later write, if any; set under writeLock, read by close. */
    private volatile BehindSend behind;

    Transfers(SocketFd socket) {
        this.socket = socket;
    }

    static boolean completionMode() {
        return NetMode.current() == NetMode.COMPLETION && RingOperation.available();
    }

    /** Makes the threads inside a read or write return: part of closing the socket. */
    void wakeAll() {
        ReceiveQueue q = received;
        if (q != null) {
            q.close();
        }
        readOp.cancel();
        writeOp.cancel();
        // A write that returned must not lose its bytes to a close that follows it: the JDK's
        // would have put them in the socket buffer already. So the send behind goes on (close
        // waits for it: it holds the descriptor) and is cancelled only if it is still out
        // after CLOSE_GRACE_NANOS, when the peer reads nothing: then it is what a JDK write
        // still blocked for room would be, which close makes fail too.
        BehindSend b = behind;
        if (b != null) {
            b.cancelAfter(CLOSE_GRACE_NANOS);
        }
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
                    int n = takeLeftover(b, off, len);
                    return n < len && !inputShutdown ? n + topUp(b, off + n, len - n) : n;
                }
                if (inputShutdown) {
                    return -1;
                }
                long deadline = SocketWaits.deadline(timeoutMillis);
                boolean completion = completionMode();
                ReceiveQueue q = received;
                if (q == null && completion && NetMode.multishotRecv()) {
                    q = new ReceiveQueue(socket, NetMode.recvQueueBytes());
                    received = q;
                    if (socket.isClosed()) {
                        q.close(); // a close that came before could not see the queue to close it
                    }
                }
                if (q != null) {
                    int r = q.take(b, off, len, deadline, completion);
                    if (r != ReceiveQueue.NOT_STREAMING) {
                        return streamed(r);
                    }
                }
                return completion ? readOnRing(b, off, len, deadline) : readReady(b, off, len, deadline);
            } finally {
                socket.release();
            }
        } finally {
            readLock.unlock();
        }
    }

    /** What a read returns, or throws, for {@link ReceiveQueue#take}'s result {@code r}. */
    private int streamed(int r) throws IOException {
        if (r > 0) {
            return r;
        }
        return switch (r) {
            case ReceiveQueue.END_OF_STREAM -> -1;
            case ReceiveQueue.TIMED_OUT -> throw new SocketTimeoutException("Read timed out");
            case ReceiveQueue.INTERRUPTED -> throw readFailure(-Errno.ECANCELED, true);
            default -> throw readFailure(r, false);
        };
    }

    /** Under readLock: enters the descriptor, unless the connection was reset. */
    private void enterRead() throws SocketException {
        if (connectionReset) {
            throw new SocketException("Connection reset");
        }
        socket.acquire();
    }

    /** A bound on {@link #topUp}'s retries, in case a kernel keeps failing a receive it says it can serve. */
    private static final int TOP_UP_ATTEMPTS = 16;

    /**
     * After the leftover of an earlier receive did not fill the caller's array: whatever more
     * the kernel already holds, without waiting, so that a read returns what the JDK's would:
     * all that is there, up to {@code len}. The leftover was the first piece of what arrived;
     * the rest may have come since (a sender's bytes arriving in pieces, as a write-behind send
     * finishing a short send does). Never -1 or a failure here: those are for the next read.
     *
     * <p>{@code FIONREAD} first, so that a receive that fails while bytes are known to be
     * queued can be told from an empty socket and tried again: under the reader lock nobody
     * else takes them, so such a failure is transient ({@code EINTR}, or one the fault switch
     * injected). A single non-blocking {@code recv} could not tell the two apart, and returned
     * 24 of the 50 bytes {@code available()} had counted in net's fault-injection run.
     */
    private int topUp(byte[] b, int off, int len) {
        int queued;
        try {
            queued = Sockets.available(socket.fd);
        } catch (ErrnoException e) {
            return 0;
        }
        if (queued <= 0) {
            return 0;
        }
        int want = Math.min(len, queued);
        MemorySegment buf = IoBuffers.take(want);
        try {
            for (int attempt = 0; attempt < TOP_UP_ATTEMPTS; attempt++) {
                long n = Libc.recv(socket.fd, buf, Math.min(want, (int) buf.byteSize()), Sockets.MSG_DONTWAIT);
                if (n > 0) {
                    MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, b, off, (int) n);
                    return (int) n;
                }
                if (n == 0 || (n != -Errno.EAGAIN && !retryable((int) n))) {
                    return 0;
                }
            }
            return 0;
        } finally {
            IoBuffers.give(buf);
        }
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

    /**
     * Readiness mode: a non-blocking receive, and a readiness wait when it finds nothing. After
     * a receive that emptied the socket the wait comes first: in request/response traffic
     * (a relay, a database client) the next read nearly always finds nothing, and its
     * receive would only fail with EAGAIN: the pooler's epoll carrier made 28 receives per
     * TPC-B-like transaction, 14 of which failed so, before this. A receive that
     * filled the caller's room may have left more behind, so the next one goes first, as
     * before. Waiting first on a socket that has data costs one readiness wait, which
     * reports it at once.
     */
    private int readReady(byte[] b, int off, int len, long deadline) throws IOException {
        int want = Math.min(len, IoBuffers.SIZE);
        if (drained) {
            drained = false; // a failure or timeout below leaves the next read to try first
            SocketWaits.await(socket, Events.IN, deadline, "Read timed out");
        }
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
                    drained = n < want;
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
                ReceiveQueue q = received;
                int kept = (leftover == null ? 0 : leftover.length - leftoverOff) + (q == null ? 0 : q.queued());
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

    /**
     * Writes all of {@code b[off, off+len)}.
     *
     * <p>With {@code writeBehind} (a {@link WeftSocket#setWriteBehind} socket) in completion
     * mode, the last up to {@link IoBuffers#SIZE} bytes go out as a {@link BehindSend}: the
     * write returns once the send is queued on the ring, without parking for its completion
     * (for a request/response relay, one park fewer per message). The next write, or
     * {@link #settleWrites}, first waits for it and throws its failure, as the JDK reports a
     * failure the kernel found after a write returned: on a later call. Bytes before that last
     * piece are sent as usual, so at most one send is behind.
     */
    void write(byte[] b, int off, int len, boolean writeBehind) throws IOException {
        writeLock.lock();
        try {
            settleBehind();
            int tail = 0;
            if (writeBehind && completionMode()) {
                tail = len % IoBuffers.SIZE == 0 ? IoBuffers.SIZE : len % IoBuffers.SIZE;
            }
            if (len > tail) {
                writeNow(b, off, len - tail);
            }
            if (tail > 0) {
                startBehind(b, off + len - tail, tail);
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Under writeLock: writes all of {@code b[off, off+len)} and returns when it is sent. */
    private void writeNow(byte[] b, int off, int len) throws IOException {
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
    }

    /** Under writeLock, in completion mode: queues {@code b[off, off+len)} ({@code len <= SIZE}) as the send behind. */
    private void startBehind(byte[] b, int off, int len) throws IOException {
        socket.acquire(); // released by the send when it ends
        MemorySegment buf = IoBuffers.take(len);
        MemorySegment.copy(b, off, buf, ValueLayout.JAVA_BYTE, 0, len);
        BehindSend op = new BehindSend(socket, buf, len);
        try {
            op.start();
        } catch (IOException | RuntimeException e) {
            IoBuffers.give(buf);
            socket.release();
            throw e;
        }
        behind = op;
    }

    /**
     * Under writeLock: waits for the send behind, if any, and throws if it did not send
     * everything. An interrupt while waiting cancels it, as it cancels a blocking write.
     */
    private void settleBehind() throws IOException {
        BehindSend op = behind;
        if (op == null) {
            return;
        }
        int r = op.await();
        behind = null;
        if (op.allSent()) {
            return;
        }
        // A cancelled send may have sent part of its bytes: its result is then that count.
        if (op.interruptCancelled()) {
            throw new InterruptedIOException(); // java.net.Socket closes the socket for a virtual thread
        }
        if (socket.isClosed() || r >= 0 || r == -Errno.ECANCELED) {
            throw new SocketException("Socket closed");
        }
        throw writeFailure(r, false);
    }

    /** Bytes the multishot receive queued and no read took, -1 if reads have not streamed (for tests). */
    int receiveQueued() {
        ReceiveQueue q = received;
        return q == null ? -1 : q.queued();
    }

    /** Whether a multishot receive is armed now (for tests). */
    boolean receiveStreaming() {
        ReceiveQueue q = received;
        return q != null && q.streaming();
    }

    /** Whether a write-behind send is still in flight (for tests). */
    boolean sendBehindPending() {
        BehindSend b = behind;
        return b != null && !b.isDone();
    }

    /**
     * Waits until the send behind, if any, has gone out, so that what follows (shutdownOutput's
     * FIN) comes after it; throws its failure.
     */
    void settleWrites() throws IOException {
        writeLock.lock();
        try {
            settleBehind();
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
