package io.weft.poller.uring;

import static io.weft.poller.uring.Uring.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.weft.poller.CompletionHandler;
import io.weft.poller.CompletionPoller;
import io.weft.poller.sys.Errno;
import io.weft.poller.sys.ErrnoException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;

/**
 * A ring set up with {@code IORING_SETUP_IOPOLL}, for {@code O_DIRECT} reads and writes of
 * block devices and of the files on file systems that support polled I/O (ext4, xfs, btrfs on a
 * real block device; not tmpfs or overlayfs). The kernel does not take an interrupt per
 * completion: completions are found by polling the device, which happens only inside
 * {@link #reap}'s {@code io_uring_enter(GETEVENTS)}, so a read that is never reaped never
 * completes.
 *
 * <p>Separate from {@link IoUringPoller}'s ring on purpose: an IOPOLL ring takes nothing but
 * polled file I/O. A socket, a pipe, a buffered (non-{@code O_DIRECT}) file, a poll or a
 * timeout on it completes with {@code -EOPNOTSUPP} (or {@code -EINVAL}). Where the file system
 * or device cannot poll, the read itself says so with one of those, which is how a caller
 * finds out ({@code UringIoPollTest} does exactly that, and skips saying why). A device without
 * poll queues ({@code /sys/block/DEV/queue/io_poll} 0, e.g. virtio-blk by default) still
 * completes the reads, by interrupt, with the ring polling for the completion flag.
 *
 * <p>{@code O_DIRECT} wants the buffer, the offset and the length aligned to the device's
 * logical block size (512 or 4096 bytes): use page-aligned memory
 * ({@code NativeMemory.allocatePages}); a misaligned read fails with {@code -EINVAL}.
 *
 * <p>Results are reported as by {@link CompletionPoller}: {@code -errno} in the completion.
 * Owner thread only: the ring is {@code SINGLE_ISSUER} where the kernel allows it.
 */
public final class IoPollRing implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.weft.poller");
    /** How long {@link #close} reaps in-flight reads before it gives up (they cannot be cancelled). */
    private static final long CLOSE_DRAIN_NANOS = 5_000_000_000L;

    private final Ring ring;
    private long inflight;
    private boolean open = true;

    private IoPollRing(Ring ring) {
        this.ring = ring;
    }

    /**
     * Sets up an IOPOLL ring of {@code entries} submission entries (a power of two); the
     * calling thread becomes its owner.
     *
     * @throws ErrnoException if the kernel refuses (EPERM, ENOMEM, ...), saying why
     */
    public static IoPollRing open(int entries) throws IOException {
        if (entries < 1 || entries > 32768 || Integer.bitCount(entries) != 1) {
            throw new IllegalArgumentException("entries=" + entries + ": must be a power of two from 1 to 32768");
        }
        return new IoPollRing(Ring.setup(entries, entries, RingFlags.ioPollRing(), 0, null));
    }

    /** Reads {@code buf.byteSize()} bytes at {@code offset} of {@code fd} (an {@code O_DIRECT} descriptor). */
    public void read(int fd, MemorySegment buf, long offset, long token) throws IOException {
        rw(CompletionPoller.OP_READ, fd, buf, offset, token);
    }

    /** Writes {@code buf} at {@code offset} of {@code fd} (an {@code O_DIRECT} descriptor). */
    public void write(int fd, MemorySegment buf, long offset, long token) throws IOException {
        rw(CompletionPoller.OP_WRITE, fd, buf, offset, token);
    }

    private void rw(int opcode, int fd, MemorySegment buf, long offset, long token) throws IOException {
        ensureOpen();
        if (token < 0) {
            throw new IllegalArgumentException("tokens must not be negative: " + token);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("O_DIRECT needs an explicit offset, not " + offset);
        }
        if (buf.byteSize() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("buffer larger than 2 GiB: " + buf.byteSize());
        }
        if (ring.free() < 1) {
            submit();
            if (ring.free() < 1) {
                throw new IOException("io_uring submission queue full: reap completions first");
            }
        }
        long s = ring.claimSqe();
        MemorySegment sqes = ring.sqes();
        sqes.set(JAVA_BYTE, s + SQE_OPCODE, (byte) opcode);
        sqes.set(JAVA_INT, s + SQE_FD, fd);
        sqes.set(JAVA_LONG, s + SQE_ADDR, buf.address());
        sqes.set(JAVA_INT, s + SQE_LEN, (int) buf.byteSize());
        sqes.set(JAVA_LONG, s + SQE_OFF, offset);
        sqes.set(JAVA_LONG, s + SQE_USER_DATA, token);
        inflight++;
    }

    /** Hands what is queued to the kernel without waiting; returns how many it took. */
    public int submit() throws ErrnoException {
        ensureOpen();
        ring.publish();
        int n = ring.unconsumed();
        if (n == 0) {
            return 0;
        }
        long r = ring.enter(n, 0, 0, MemorySegment.NULL, 0);
        if (r < 0 && r != -Errno.EINTR && r != -Errno.EAGAIN && r != -Errno.EBUSY) {
            throw new ErrnoException("io_uring_enter", (int) -r);
        }
        return r < 0 ? 0 : (int) r;
    }

    /**
     * Submits what is queued, then polls for completions until at least {@code minComplete}
     * have been handed to {@code handler} (0: poll once, take what is there). Busy: the
     * calling thread spins in the kernel while the device works, which is what IOPOLL trades
     * for the interrupt; ask only for completions of reads that were submitted.
     *
     * @return the completions delivered
     */
    public int reap(int minComplete, CompletionHandler handler) throws ErrnoException {
        ensureOpen();
        if (minComplete > inflight) {
            throw new IllegalArgumentException("waiting for " + minComplete + " completions with " + inflight + " in flight");
        }
        int delivered = 0;
        do {
            ring.publish();
            int want = Math.max(0, minComplete - delivered - ring.cqReady());
            long r = ring.enter(ring.unconsumed(), want, ENTER_GETEVENTS, MemorySegment.NULL, 0);
            if (r < 0 && r != -Errno.EINTR && r != -Errno.EAGAIN && r != -Errno.EBUSY) {
                throw new ErrnoException("io_uring_enter(GETEVENTS)", (int) -r);
            }
            delivered += deliver(handler);
        } while (delivered < minComplete);
        return delivered;
    }

    private int deliver(CompletionHandler handler) {
        int ready = ring.cqReady();
        int consumed = 0;
        try {
            while (consumed < ready) {
                long c = ring.cqe(consumed);
                long token = ring.cqeUserData(c);
                int res = ring.cqeRes(c);
                int flags = ring.cqeFlags(c);
                consumed++;
                inflight--;
                handler.onCompletion(token, res, flags);
            }
        } finally {
            ring.advanceCq(consumed);
        }
        return consumed;
    }

    /** Reads and writes queued or submitted and not yet reaped. */
    public long inflight() {
        return inflight;
    }

    /**
     * Reaps what is still in flight (polled I/O cannot be cancelled, but a device finishes it
     * in microseconds; completions go nowhere), then tears the ring down. After
     * {@link #CLOSE_DRAIN_NANOS} it gives up and says so: buffers of unreaped reads must then
     * not be freed, as the device may still write into them.
     */
    @Override
    public void close() {
        if (!open) {
            return;
        }
        long deadline = System.nanoTime() + CLOSE_DRAIN_NANOS;
        try {
            while (inflight > 0 && System.nanoTime() < deadline) {
                reap(0, (token, result, flags) -> { });
            }
        } catch (ErrnoException e) {
            LOG.log(Level.WARNING, "IOPOLL ring close: reaping failed: " + e.getMessage());
        }
        if (inflight > 0) {
            LOG.log(Level.WARNING, "IOPOLL ring close: " + inflight + " reads or writes did not complete within "
                    + CLOSE_DRAIN_NANOS / 1_000_000 + " ms; their buffers must not be freed");
        }
        open = false;
        ring.close();
    }

    private void ensureOpen() {
        if (!open) {
            throw new IllegalStateException("IOPOLL ring is closed");
        }
    }

    @Override
    public String toString() {
        return "IoPollRing[ring fd=" + ring.fd + ", entries=" + ring.sqEntries + ", inflight=" + inflight + "]";
    }
}
