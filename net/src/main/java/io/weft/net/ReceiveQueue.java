package io.weft.net;

import io.weft.poller.Events;
import io.weft.poller.sys.Errno;
import io.weft.scheduler.WeftPark;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Completion mode with multishot receive ({@link NetMode#multishotRecv()}): what a socket's
 * {@link ReceiveStream} has received and no read has taken yet, and the reader waiting for it.
 * The stream's carrier {@link #deliver}s; the reader (one at a time: Transfers' read lock)
 * {@link #take}s.
 *
 * <h2>Hand-off</h2>
 * A reader that finds nothing queued registers its array and parks. A delivery that finds a
 * reader registered and nothing queued copies straight into that array (one copy, as a
 * one-shot receive makes) and unparks it; what does not fit is queued. The reader withdraws
 * its registration under the lock when it wakes (or times out, or is interrupted), and
 * returns whatever was handed to it: so every byte is either handed to exactly one read or
 * queued for the next, never both and never neither. jcstress: ReceiveQueueHandOffTest.
 *
 * <h2>Flow control</h2>
 * The stream receives whether or not anybody reads, so it is started with a limit: the
 * kernel ends it by itself once it has received {@link #limit} bytes (Linux 6.17+; the last
 * chunk may go past by less than a buffer). Further bytes stay in the kernel's socket buffer,
 * where TCP's window holds the sender back as it would with no reader. A reader that empties
 * the queue and finds the stream ended starts another. On older kernels the stream has no
 * limit, and is cancelled once the queue passes it; that brake is loose, because the cancel
 * reaches the kernel only with the carrier's next submission and a fast local sender fills
 * hundreds of kilobytes before that. The same restart follows every end that loses nothing:
 * a cancel, an empty buffer ring ({@code ENOBUFS}), {@code EINTR}, {@code EAGAIN}.
 *
 * <h2>Ordering</h2>
 * At most one stream per socket, and a new one starts only after the last one's final
 * completion ({@link #streamEnded}): two streams on different carriers could otherwise hand
 * over their bytes in the wrong order.
 *
 * <p>The lock is held only for short, non-blocking sections (the waiting reader parks with it
 * released), so the carrier's completion handler never waits long for it; the reader parks
 * with {@link WeftPark} so that a reader pinned to the stream's own carrier drives it.
 */
final class ReceiveQueue {
    /** {@link #take}: no stream runs and this caller may not start one: read the socket directly. */
    static final int NOT_STREAMING = Integer.MIN_VALUE;
    /** {@link #take}: the deadline passed with nothing received. */
    static final int TIMED_OUT = Integer.MIN_VALUE + 1;
    /** {@link #take}: the reader was interrupted with nothing received. */
    static final int INTERRUPTED = Integer.MIN_VALUE + 2;
    /** {@link #take}: the peer closed its side and everything before that was read. */
    static final int END_OF_STREAM = Integer.MIN_VALUE + 3;

    private final ReentrantLock lock = new ReentrantLock();
    private final SocketFd socket;
    private final int limit;
    /** Received and not yet read, oldest first; {@code headOff} bytes of the first are taken. */
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private int headOff;
    private int queued;
    /** The registered reader and its array, or null. */
    private Thread reader;
    private byte[] dst;
    private int dstOff;
    private int dstLen;
    /** Bytes delivered straight into {@code dst} during the current registration. */
    private int handed;
    private ReceiveStream stream;
    /** The current stream was cancelled because the queue is full. */
    private boolean stopping;
    /** A failure the stream ended with ({@code -errno}), for the read after the queued bytes. */
    private int error;
    private boolean endOfStream;
    private boolean closed;

    /**
     * @param limit queued bytes past which the stream is stopped (at least 1)
     */
    ReceiveQueue(SocketFd socket, int limit) {
        this.socket = socket;
        this.limit = Math.max(1, limit);
    }

    // ---- the reader ---------------------------------------------------------------------

    /**
     * Reads up to {@code len} ({@code > 0}) bytes: the count, {@code -errno} (the stream's
     * failure, or {@code -ECANCELED} once closed), or one of the constants above. Starts a
     * stream on the calling thread's carrier when none runs and {@code mayStart}.
     *
     * @param deadline {@link System#nanoTime()} to give up at, 0 for none
     */
    int take(byte[] b, int off, int len, long deadline, boolean mayStart) throws IOException {
        boolean interruptSetAside = false;
        lock.lock();
        try {
            for (;;) {
                if (queued > 0) {
                    return copyOut(b, off, len);
                }
                if (error != 0) {
                    int e = error;
                    error = 0;
                    return e;
                }
                if (endOfStream) {
                    return END_OF_STREAM;
                }
                if (closed) {
                    return -Errno.ECANCELED;
                }
                if (stream == null) {
                    if (!mayStart) {
                        return NOT_STREAMING;
                    }
                    startStream();
                }
                if (Thread.currentThread().isInterrupted()) {
                    // As the JDK's sockets do, an interrupt ends a virtual thread's read only
                    // when it would have to wait, and never a platform thread's. Bytes (or the
                    // end) still in the kernel are the stream's to hand over within a carrier
                    // loop, so the read waits for them, with the interrupt set aside meanwhile
                    // (a park returns at once while it is set). The conformance suite's "read
                    // of available data with the interrupt status set" caught the first
                    // version, which gave up on a stream it had just armed.
                    if (Thread.currentThread().isVirtual() && !SocketWaits.readyNow(socket, Events.IN)) {
                        return INTERRUPTED;
                    }
                    Thread.interrupted();
                    interruptSetAside = true;
                }
                long nanos = 0;
                if (deadline != 0) {
                    nanos = deadline - System.nanoTime();
                    if (nanos <= 0) {
                        return TIMED_OUT;
                    }
                }
                register(Thread.currentThread(), b, off, len);
                lock.unlock();
                int n;
                try {
                    WeftPark.parkNanos(this, nanos); // a delivery before the park leaves its permit
                } finally {
                    // Withdrawn on every way out, even a throw from the park (a pinned thread
                    // runs its carrier's work there): else a delivery would still write into an
                    // array its caller has taken back.
                    lock.lock();
                    n = withdraw();
                }
                if (n > 0) {
                    return n;
                }
            }
        } finally {
            lock.unlock();
            if (interruptSetAside) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Lock held: starts a stream on the caller's carrier, which holds the descriptor until it ends. */
    private void startStream() throws IOException {
        socket.acquire(); // released by the stream's final completion
        ReceiveStream s = new ReceiveStream(socket, this, limit); // only ever started with the queue empty
        stream = s;
        try {
            s.start();
        } catch (IOException | RuntimeException e) {
            stream = null;
            socket.release();
            throw e;
        }
    }

    /** Lock held: the reader waits for {@code b[off, off+len)} to be filled. */
    void register(Thread t, byte[] b, int off, int len) {
        reader = t;
        dst = b;
        dstOff = off;
        dstLen = len;
        handed = 0;
    }

    /** Lock held: ends the registration; the bytes delivered into the array meanwhile. */
    int withdraw() {
        int n = handed;
        reader = null;
        dst = null;
        dstOff = 0;
        dstLen = 0;
        handed = 0;
        return n;
    }

    /** Lock held: takes up to {@code len} queued bytes, oldest first. */
    private int copyOut(byte[] b, int off, int len) {
        int n = 0;
        while (n < len && queued > 0) {
            byte[] head = chunks.peekFirst();
            int k = Math.min(len - n, head.length - headOff);
            System.arraycopy(head, headOff, b, off + n, k);
            n += k;
            headOff += k;
            queued -= k;
            if (headOff == head.length) {
                chunks.pollFirst();
                headOff = 0;
            }
        }
        return n;
    }

    /** Bytes received and not yet read (for {@code available()}). */
    int queued() {
        lock.lock();
        try {
            return queued;
        } finally {
            lock.unlock();
        }
    }

    /** Whether a stream runs (started and its final completion not yet come). */
    boolean streaming() {
        lock.lock();
        try {
            return stream != null;
        } finally {
            lock.unlock();
        }
    }

    // ---- the stream (on its carrier) ----------------------------------------------------

    /** {@code n > 0} bytes received, at the start of {@code data}: handed to the reader or queued. */
    void deliver(MemorySegment data, int n) {
        lock.lock();
        try {
            if (closed) {
                return; // nobody will read them
            }
            int k = 0;
            if (reader != null && queued == 0 && handed < dstLen) {
                k = Math.min(n, dstLen - handed);
                MemorySegment.copy(data, ValueLayout.JAVA_BYTE, 0, dst, dstOff + handed, k);
                handed += k;
            }
            if (k < n) {
                byte[] rest = new byte[n - k];
                MemorySegment.copy(data, ValueLayout.JAVA_BYTE, k, rest, 0, n - k);
                chunks.addLast(rest);
                queued += n - k;
                if (queued >= limit && stream != null && !stopping) {
                    stopping = true;
                    stream.cancel(); // the rest waits in the kernel until the reader catches up
                }
            }
            signalReader();
        } finally {
            lock.unlock();
        }
    }

    /** The peer closed its side: reads return end of stream once the queue is empty. */
    void endOfStream() {
        lock.lock();
        try {
            endOfStream = true;
            signalReader();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The stream failed with {@code result}. The failures that leave the socket as it was (a
     * cancel, an empty buffer ring, a signal, a spurious {@code EAGAIN}) only end the stream,
     * and the reader starts another; any other is the next read's failure, after the queue.
     * Errno's numbers are the running platform's, not constants: no switch.
     */
    void failed(int result) {
        int e = -result;
        if (e == Errno.ECANCELED || e == Errno.ENOBUFS || e == Errno.EINTR || e == Errno.EAGAIN) {
            return;
        }
        lock.lock();
        try {
            error = result;
            signalReader();
        } finally {
            lock.unlock();
        }
    }

    /** The final completion of {@code s} has come: a reader may start the next stream. */
    void streamEnded(ReceiveStream s) {
        lock.lock();
        try {
            if (stream == s) {
                stream = null;
                stopping = false;
            }
            signalReader();
        } finally {
            lock.unlock();
        }
    }

    /** Lock held. */
    private void signalReader() {
        if (reader != null) {
            LockSupport.unpark(reader);
        }
    }

    // ---- closing ------------------------------------------------------------------------

    /**
     * The socket is closing: drops what is queued, wakes the reader and cancels the stream,
     * whose final completion then releases the descriptor for {@code close(2)}.
     */
    void close() {
        ReceiveStream s;
        lock.lock();
        try {
            closed = true;
            chunks.clear();
            headOff = 0;
            queued = 0;
            signalReader();
            s = stream;
        } finally {
            lock.unlock();
        }
        if (s != null) {
            s.cancel();
        }
    }

    /** For the jcstress test: the lock, so that it can drive the reader's steps itself. */
    ReentrantLock lockForTest() {
        return lock;
    }
}
