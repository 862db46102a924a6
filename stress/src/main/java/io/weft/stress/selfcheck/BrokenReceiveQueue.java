package io.weft.stress.selfcheck;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A copy of {@code io.weft.net.ReceiveQueue}'s hand-off: {@code register} / {@code withdraw} /
 * {@code deliver} / {@code queued}, and {@code take}'s copy out of the queue (same code; no
 * stream, no flow control, no close, no parking: the self-check has none) with one deliberate
 * {@link Flaw}, for the self-check tests. Never use outside {@code io.weft.stress.selfcheck}.
 */
public final class BrokenReceiveQueue {
    /** The bug this copy has. */
    public enum Flaw {
        /**
         * {@link #deliver} reads the registration (reader, array, {@code handed}) before it takes
         * the lock, then under the lock copies into the array it saw and adds to {@code handed}
         * without checking that the registration is still there: a reader that withdrew in
         * between has returned 0 while the bytes went into its array and not into the queue.
         */
        CHECK_READER_OUTSIDE_LOCK,
    }

    private final Flaw flaw;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private int headOff;
    private int queued;
    // Plain, as in the real class: only the flawed path reads them without the lock.
    private Thread reader;
    private byte[] dst;
    private int dstOff;
    private int dstLen;
    private int handed;

    public BrokenReceiveQueue(Flaw flaw) {
        this.flaw = flaw;
    }

    /** For the test: the lock, so that it can drive the reader's steps itself. */
    public ReentrantLock lockForTest() {
        return lock;
    }

    /** Lock held: the reader waits for {@code b[off, off+len)} to be filled. */
    public void register(Thread t, byte[] b, int off, int len) {
        reader = t;
        dst = b;
        dstOff = off;
        dstLen = len;
        handed = 0;
    }

    /** Lock held: ends the registration; the bytes delivered into the array meanwhile. */
    public int withdraw() {
        int n = handed;
        reader = null;
        dst = null;
        handed = 0;
        return n;
    }

    /** {@code take}'s first case: up to {@code len} queued bytes, oldest first; 0 if none are queued. */
    public int take(byte[] b, int off, int len) {
        lock.lock();
        try {
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
        } finally {
            lock.unlock();
        }
    }

    public int queued() {
        lock.lock();
        try {
            return queued;
        } finally {
            lock.unlock();
        }
    }

    /** {@code n > 0} bytes received, at the start of {@code data}: handed to the reader or queued. */
    public void deliver(MemorySegment data, int n) {
        if (flaw == Flaw.CHECK_READER_OUTSIDE_LOCK) {
            // BUG: the registration as it was before the lock; the reader may withdraw meanwhile.
            Thread seenReader = reader;
            byte[] seenDst = dst;
            int seenOff = dstOff;
            int seenLen = dstLen;
            int seenHanded = handed;
            lock.lock();
            try {
                int k = 0;
                if (seenReader != null && seenDst != null && queued == 0 && seenHanded < seenLen) {
                    k = Math.min(n, seenLen - seenHanded);
                    MemorySegment.copy(data, ValueLayout.JAVA_BYTE, 0, seenDst, seenOff + seenHanded, k);
                    handed += k; // BUG: counted for whatever registration is there now, if any
                }
                queueRest(data, n, k);
                signalReader();
            } finally {
                lock.unlock();
            }
            return;
        }
        lock.lock();
        try {
            int k = 0;
            if (reader != null && queued == 0 && handed < dstLen) {
                k = Math.min(n, dstLen - handed);
                MemorySegment.copy(data, ValueLayout.JAVA_BYTE, 0, dst, dstOff + handed, k);
                handed += k;
            }
            queueRest(data, n, k);
            signalReader();
        } finally {
            lock.unlock();
        }
    }

    /** Lock held: queues {@code data[k, n)}. */
    private void queueRest(MemorySegment data, int n, int k) {
        if (k < n) {
            byte[] rest = new byte[n - k];
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, k, rest, 0, n - k);
            chunks.addLast(rest);
            queued += n - k;
        }
    }

    /** Lock held. */
    private void signalReader() {
        if (reader != null) {
            LockSupport.unpark(reader);
        }
    }
}
