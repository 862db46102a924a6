package io.weft.poller.uring;

import static io.weft.poller.uring.Uring.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.weft.poller.internal.SqPollHandshake;
import io.weft.poller.sys.Errno;
import io.weft.poller.sys.ErrnoException;
import io.weft.poller.sys.Libc;
import io.weft.poller.sys.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * One io_uring instance and its bookkeeping, without liburing: set-up, the three mappings,
 * the submission and completion queues with their barriers, and the raw enter and register
 * calls. Policy (tokens, waits, closing) lives in {@link IoUringPoller}.
 *
 * <h2>Which thread may call what</h2>
 * Everything here is for the owner thread only, the one that set the ring up: with
 * {@code SINGLE_ISSUER} the kernel rejects {@code io_uring_enter} from any other task, and
 * the local indexes {@code sqeTail} and {@code cqHead} are plain fields.
 *
 * <h2>SQPOLL</h2>
 * With {@code IORING_SETUP_SQPOLL} ({@link #sqPoll}) a kernel thread consumes the SQ by
 * itself, so publishing the tail is what submits; the thread sleeps after
 * {@code sq_thread_idle} ms without work and must then be woken by
 * {@code io_uring_enter(IORING_ENTER_SQ_WAKEUP)}. {@link #publishToSqThread} is that
 * handshake ({@link SqPollHandshake}). The flags each mode is set up with, and why, are in
 * {@link RingFlags}.
 *
 * <h2>Barriers (as liburing's queue.c has them)</h2>
 * <ul>
 *   <li>SQ tail: store-release after filling SQEs, so the kernel, which reads the tail with
 *       acquire, sees complete SQEs. (Without SQPOLL {@code io_uring_enter} orders this too;
 *       the release store costs nothing on x86. With SQPOLL a full fence follows it, before
 *       the read of the SQ flags: {@link #publishToSqThread}.)</li>
 *   <li>SQ head: load-acquire, since the kernel advances it as it consumes SQEs; a slot may
 *       be refilled only after the kernel is done reading it.</li>
 *   <li>CQ tail: load-acquire, so the CQEs the kernel wrote before advancing it are
 *       visible.</li>
 *   <li>CQ head: store-release after reading CQEs, so the kernel does not overwrite an
 *       entry before we have read it.</li>
 * </ul>
 */
final class Ring implements AutoCloseable {
    private static final VarHandle INT = JAVA_INT.varHandle();

    final int fd;
    final int features;
    final int setupFlags;
    final int sqEntries;
    final int cqEntries;
    /** Set up with IORING_SETUP_SQPOLL: a kernel thread consumes the SQ. */
    final boolean sqPoll;
    private final int sqMask;
    private final int cqMask;
    private final MemorySegment sqRing;
    private final MemorySegment cqRing; // the same mapping as sqRing with FEAT_SINGLE_MMAP
    private final MemorySegment sqes;
    private final long sqHeadOff;
    private final long sqTailOff;
    private final long sqFlagsOff;
    private final long cqHeadOff;
    private final long cqTailOff;
    private final long cqesOff;

    /** Next SQE index to fill; runs ahead of the published kernel tail until {@link #publish}. */
    private int sqeTail;
    /** The SQ tail last published: SQEs from here to {@code sqeTail} the kernel cannot see yet. */
    private int published;
    /** Our copy of the CQ head; the kernel's is written only by {@link #advanceCq}. */
    private int cqHead;

    private Ring(int fd, MemorySegment params, int setupFlags, MemorySegment sqRing, MemorySegment cqRing,
                 MemorySegment sqes) {
        this.fd = fd;
        this.setupFlags = setupFlags;
        this.sqPoll = (setupFlags & SETUP_SQPOLL) != 0;
        this.features = params.get(JAVA_INT, P_FEATURES);
        this.sqEntries = params.get(JAVA_INT, P_SQ_ENTRIES);
        this.cqEntries = params.get(JAVA_INT, P_CQ_ENTRIES);
        this.sqRing = sqRing;
        this.cqRing = cqRing;
        this.sqes = sqes;
        this.sqHeadOff = params.get(JAVA_INT, P_SQ_OFF + SQ_HEAD);
        this.sqTailOff = params.get(JAVA_INT, P_SQ_OFF + SQ_TAIL);
        this.sqFlagsOff = params.get(JAVA_INT, P_SQ_OFF + SQ_FLAGS);
        this.sqMask = sqRing.get(JAVA_INT, params.get(JAVA_INT, P_SQ_OFF + SQ_RING_MASK));
        this.cqHeadOff = params.get(JAVA_INT, P_CQ_OFF + CQ_HEAD);
        this.cqTailOff = params.get(JAVA_INT, P_CQ_OFF + CQ_TAIL);
        this.cqMask = cqRing.get(JAVA_INT, params.get(JAVA_INT, P_CQ_OFF + CQ_RING_MASK));
        this.cqesOff = params.get(JAVA_INT, P_CQ_OFF + CQ_CQES);
        // SQE i always goes in array slot i: fill the indirection array once, as liburing does.
        long array = params.get(JAVA_INT, P_SQ_OFF + SQ_ARRAY);
        for (int i = 0; i < sqEntries; i++) {
            sqRing.set(JAVA_INT, array + 4L * i, i);
        }
        this.sqeTail = (int) INT.getAcquire(sqRing, sqTailOff);
        this.published = sqeTail;
        this.cqHead = (int) INT.getAcquire(cqRing, cqHeadOff);
    }

    /**
     * Sets a ring up with the first of {@code attempts} (io_uring_params flags, best first,
     * from {@link RingFlags}) that the kernel accepts: EINVAL means "not these flags", so the
     * next is tried; any other refusal (EPERM, ENOMEM, ENOSYS) ends the search, since no other
     * flags will help.
     *
     * @param sqThreadIdleMillis with SQPOLL: how long the kernel thread spins without work
     *                           before it sleeps; ignored otherwise
     * @param refuse             test-only: an errno to fail set-up with, as if the kernel had, or null
     */
    static Ring setup(int entries, int cqEntries, int[] attempts, int sqThreadIdleMillis, String refuse)
            throws ErrnoException {
        if (refuse != null) {
            throw new ErrnoException("io_uring_setup", Errno.byName(refuse), "refused by weft.test.refuseUring");
        }
        MemorySegment params = NativeMemory.allocate(PARAMS_SIZE);
        try {
            long r = -Errno.EINVAL;
            for (int flags : attempts) {
                params.fill((byte) 0);
                params.set(JAVA_INT, P_FLAGS, flags);
                params.set(JAVA_INT, P_CQ_ENTRIES, cqEntries);
                if ((flags & SETUP_SQPOLL) != 0) {
                    params.set(JAVA_INT, P_SQ_THREAD_IDLE, sqThreadIdleMillis);
                }
                r = Libc.syscall(SYS_IO_URING_SETUP, entries, params.address(), 0, 0, 0, 0);
                if (r >= 0) {
                    return map((int) r, params, flags);
                }
                if (r != -Errno.EINVAL) {
                    break; // EPERM, ENOMEM, ENOSYS...: no other flags will help
                }
            }
            throw new ErrnoException("io_uring_setup", (int) -r, hint((int) -r));
        } finally {
            NativeMemory.free(params);
        }
    }

    private static String hint(int errno) {
        // By name: Errno's values are chosen at run time, so they cannot be case labels.
        return switch (Errno.name(errno)) {
            case "EPERM" -> "io_uring is disabled (sysctl kernel.io_uring_disabled) or blocked by seccomp";
            case "ENOSYS" -> "the kernel has no io_uring (Linux 5.1+ needed, weft wants 5.19+)";
            case "ENOMEM" -> "not enough locked memory (ulimit -l) for the ring";
            default -> null;
        };
    }

    private static Ring map(int fd, MemorySegment params, int flags) throws ErrnoException {
        MemorySegment sq = null;
        MemorySegment cq = null;
        try {
            int features = params.get(JAVA_INT, P_FEATURES);
            int sqn = params.get(JAVA_INT, P_SQ_ENTRIES);
            int cqn = params.get(JAVA_INT, P_CQ_ENTRIES);
            long sqSize = params.get(JAVA_INT, P_SQ_OFF + SQ_ARRAY) + 4L * sqn;
            long cqSize = params.get(JAVA_INT, P_CQ_OFF + CQ_CQES) + CQE_SIZE * cqn;
            if ((features & FEAT_SINGLE_MMAP) != 0) {
                sq = NativeMemory.mapShared(fd, Math.max(sqSize, cqSize), OFF_SQ_RING, "io_uring SQ/CQ ring");
            } else {
                sq = NativeMemory.mapShared(fd, sqSize, OFF_SQ_RING, "io_uring SQ ring");
                cq = NativeMemory.mapShared(fd, cqSize, OFF_CQ_RING, "io_uring CQ ring");
            }
            MemorySegment sqes = NativeMemory.mapShared(fd, SQE_SIZE * sqn, OFF_SQES, "io_uring SQEs");
            return new Ring(fd, params, flags, sq, cq == null ? sq : cq, sqes);
        } catch (ErrnoException | RuntimeException e) {
            if (cq != null) NativeMemory.unmap(cq);
            if (sq != null) NativeMemory.unmap(sq);
            Libc.close(fd);
            throw e;
        }
    }

    // ---- submission queue -------------------------------------------------------------

    /** SQEs filled and not yet consumed by the kernel (published or not). */
    int unconsumed() {
        return sqeTail - (int) INT.getAcquire(sqRing, sqHeadOff);
    }

    /** Free SQE slots. */
    int free() {
        return sqEntries - unconsumed();
    }

    /**
     * Claims the next SQE, zeroed, and returns its byte offset in {@link #sqes()}. The caller
     * must have checked {@link #free()} first.
     */
    long claimSqe() {
        long off = (sqeTail & sqMask) * SQE_SIZE;
        sqeTail++;
        // Zero the whole entry: fields an opcode does not use must be 0 or the kernel may
        // refuse it (EINVAL) or read stale values.
        sqes.set(JAVA_LONG, off, 0L);
        sqes.set(JAVA_LONG, off + 8, 0L);
        sqes.set(JAVA_LONG, off + 16, 0L);
        sqes.set(JAVA_LONG, off + 24, 0L);
        sqes.set(JAVA_LONG, off + 32, 0L);
        sqes.set(JAVA_LONG, off + 40, 0L);
        sqes.set(JAVA_LONG, off + 48, 0L);
        sqes.set(JAVA_LONG, off + 56, 0L);
        return off;
    }

    /** The SQE index that the next {@link #claimSqe()} will fill. */
    int sqeTail() {
        return sqeTail;
    }

    /** The mapped SQE array. */
    MemorySegment sqes() {
        return sqes;
    }

    /** SQEs claimed since the last publish: the kernel cannot see them yet. */
    int unpublished() {
        return sqeTail - published;
    }

    /**
     * Makes every claimed SQE visible to the kernel (store-release of the SQ tail). Without
     * SQPOLL the kernel reads them only inside {@link #enter}; with it, use
     * {@link #publishToSqThread}.
     */
    void publish() {
        INT.setRelease(sqRing, sqTailOff, sqeTail);
        published = sqeTail;
    }

    /**
     * SQPOLL: publishes every claimed SQE and returns the {@code io_uring_enter} flags needed
     * now, 0 when no system call is: {@code SQ_WAKEUP} if the SQ thread has gone to sleep
     * (the store-release of the tail, a full fence, then the read of {@code NEED_WAKEUP}:
     * {@link SqPollHandshake}), and {@code GETEVENTS} if completions overflowed the CQ (the
     * kernel keeps them in a list and moves them into the CQ only inside an enter with
     * {@code GETEVENTS}).
     */
    int publishToSqThread() {
        int flags = SqPollHandshake.publishThenReadFlags(sqRing, sqTailOff, sqeTail, sqFlagsOff);
        published = sqeTail;
        int enter = 0;
        if ((flags & SQ_NEED_WAKEUP) != 0) {
            enter |= ENTER_SQ_WAKEUP;
        }
        if ((flags & SQ_CQ_OVERFLOW) != 0) {
            enter |= ENTER_GETEVENTS;
        }
        return enter;
    }

    /**
     * {@code io_uring_enter}: submits {@code toSubmit} published SQEs and, with
     * {@code ENTER_GETEVENTS}, waits for {@code minComplete} completions.
     *
     * @return the number of SQEs consumed, or {@code -errno}
     */
    long enter(int toSubmit, int minComplete, int flags, MemorySegment arg, long argSize) {
        return Libc.syscall(SYS_IO_URING_ENTER, fd, toSubmit, minComplete, flags, arg.address(), argSize);
    }

    // ---- completion queue -------------------------------------------------------------

    /** CQEs the kernel has posted that we have not consumed (load-acquire of the CQ tail). */
    int cqReady() {
        return (int) INT.getAcquire(cqRing, cqTailOff) - cqHead;
    }

    /** Offset of the {@code i}-th unconsumed CQE, for the readers below. */
    long cqe(int i) {
        return cqesOff + ((cqHead + i) & cqMask) * CQE_SIZE;
    }

    long cqeUserData(long cqe) {
        return cqRing.get(JAVA_LONG, cqe + CQE_USER_DATA);
    }

    int cqeRes(long cqe) {
        return cqRing.get(JAVA_INT, cqe + CQE_RES);
    }

    int cqeFlags(long cqe) {
        return cqRing.get(JAVA_INT, cqe + CQE_FLAGS);
    }

    /** Gives {@code n} CQEs back to the kernel (store-release of the CQ head). */
    void advanceCq(int n) {
        cqHead += n;
        INT.setRelease(cqRing, cqHeadOff, cqHead);
    }

    // ---- registration -------------------------------------------------------------------

    /** {@code io_uring_register}: the result, or {@code -errno}. */
    long register(int opcode, MemorySegment arg, int nrArgs) {
        return Libc.syscall(SYS_IO_URING_REGISTER, fd, opcode, arg.address(), nrArgs, 0, 0);
    }

    /** Which opcodes the kernel supports, from {@code IORING_REGISTER_PROBE}. */
    boolean[] probeOpcodes() throws ErrnoException {
        int maxOps = 256;
        MemorySegment probe = NativeMemory.allocate(PROBE_OPS + PROBE_OP_SIZE * maxOps);
        try {
            ErrnoException.check("io_uring_register(PROBE)", register(REGISTER_PROBE, probe, maxOps));
            int opsLen = Byte.toUnsignedInt(probe.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 1));
            boolean[] supported = new boolean[maxOps];
            for (int i = 0; i < opsLen; i++) {
                long op = PROBE_OPS + PROBE_OP_SIZE * i;
                int code = Byte.toUnsignedInt(probe.get(java.lang.foreign.ValueLayout.JAVA_BYTE, op));
                short flags = probe.get(java.lang.foreign.ValueLayout.JAVA_SHORT, op + 2);
                supported[code] = (flags & PROBE_OP_SUPPORTED) != 0;
            }
            return supported;
        } finally {
            NativeMemory.free(probe);
        }
    }

    /** Unmaps the rings and closes the ring descriptor; the kernel then tears it down. */
    @Override
    public void close() {
        NativeMemory.unmap(sqes);
        if (cqRing != sqRing) {
            NativeMemory.unmap(cqRing);
        }
        NativeMemory.unmap(sqRing);
        Libc.close(fd);
    }
}
