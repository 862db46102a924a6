package io.weft.poller.uring;

import static io.weft.poller.uring.Uring.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.weft.poller.Backend;
import io.weft.poller.BackendUnavailableException;
import io.weft.poller.BufferRing;
import io.weft.poller.Completion;
import io.weft.poller.CompletionHandler;
import io.weft.poller.CompletionPoller;
import io.weft.poller.Events;
import io.weft.poller.PollerConfig;
import io.weft.poller.faults.FaultOp;
import io.weft.poller.faults.FaultOp.Fault;
import io.weft.poller.faults.Faults;
import io.weft.poller.internal.ReadinessTable;
import io.weft.poller.internal.WakeupSignal;
import io.weft.poller.sys.Errno;
import io.weft.poller.sys.ErrnoException;
import io.weft.poller.sys.Libc;
import io.weft.poller.sys.NativeMemory;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The io_uring backend: readiness waits as one-shot {@code POLL_ADD}s and completion-mode
 * operations, all batched into one {@code io_uring_enter} per {@link #poll}.
 *
 * <h2>user_data</h2>
 * The top two bits of a submission's 64-bit user_data say whose it is:
 * <ul>
 *   <li>{@code 0x} — a caller's operation; user_data is the caller's token.</li>
 *   <li>{@code 10} — a readiness wait: bits 0-31 its {@link ReadinessTable} slot (descriptor
 *       and direction), bits 32-60 the slot's generation when armed. A completion whose
 *       generation is no longer the slot's belongs to a wait that was disarmed: dropped.</li>
 *   <li>{@code 11} — the poller's own: the wake-up eventfd read, and the completions of
 *       cancel requests (the cancelled operation's own completion is what matters).</li>
 * </ul>
 *
 * <h2>In flight</h2>
 * Every submission counts one in {@code inflight} and every final completion (one without
 * {@link Completion#MORE}) one out. {@link #close} cancels everything and reaps until the
 * count is zero; only then does it free memory the kernel could write to.
 *
 * <h2>Injected faults</h2>
 * With the test-only {@code weft.faults} switch ({@link Faults}), a queued {@code RECV},
 * {@code SEND}, {@code ACCEPT} or {@code CONNECT} may be made to fail or fall short (see
 * {@link #injectFault}), a readiness wait end with {@code -ECANCELED}, a wait be cut short
 * as by {@code EINTR}. Off, it costs nothing: every check is on the constant
 * {@link Faults#ENABLED}.
 *
 * <h2>SQPOLL</h2>
 * With {@code weft.uring.sqpoll} the ring is set up with {@code IORING_SETUP_SQPOLL}: a
 * kernel thread consumes the SQ, so publishing the SQ tail submits, and {@link #poll} with a
 * zero timeout, or with completions already posted, makes no system call at all while that
 * thread is awake. Every path that publishes ({@link #flush}, {@link #poll}, a full queue,
 * {@link #close}) follows the wake-up handshake ({@link Ring#publishToSqThread}): enter with
 * {@code SQ_WAKEUP} only when the thread sleeps, with {@code GETEVENTS} when completions
 * overflowed. A kernel that refuses SQPOLL (EPERM, EINVAL, ENOMEM at set-up) gets a ring
 * without it and one logged warning, or, with {@code weft.uring.sqpollRequired}, a
 * {@link BackendUnavailableException}.
 *
 * <h2>Registered buffers and files</h2>
 * {@link #registerBuffers} pins a set of buffers once, for {@link #readFixed} and
 * {@link #writeFixed} by index, or {@link #registerBufferSlots} makes a table of empty slots
 * that {@link #registerBuffer} fills and replaces one at a time; {@link #unregisterBuffers}
 * lets them go (closing does too).
 * {@link #registerFiles} makes a sparse table that {@link #registerFile} fills; a negative
 * descriptor from {@link CompletionPoller#fixedFile} names a slot (IOSQE_FIXED_FILE). See
 * docs/architecture.md, "io_uring beyond sockets".
 *
 * <p>Owner thread only (the thread that opened it: the ring is {@code SINGLE_ISSUER}),
 * except {@link #wakeup()} and {@link #isOpen()}.
 */
public final class IoUringPoller implements CompletionPoller {
    private static final System.Logger LOG = System.getLogger("io.weft.poller");

    private static final long TAG_MASK = 0xC000_0000_0000_0000L;
    private static final long TAG_READINESS = 0x8000_0000_0000_0000L;
    private static final long TAG_INTERNAL = 0xC000_0000_0000_0000L;
    private static final long WAKEUP_READ = TAG_INTERNAL | 1;
    private static final long IGNORED = TAG_INTERNAL | 2;
    /** "No descriptor": outside the int range, so no caller descriptor or slot is confused with it. */
    private static final long NO_FD = Long.MIN_VALUE;

    /** Opcodes the poller itself relies on; the others are reported by {@link #supports}. */
    private static final int[] REQUIRED_OPS = {OP_NOP, OP_POLL_ADD, OP_POLL_REMOVE, OP_ASYNC_CANCEL, OP_READ, OP_TIMEOUT};
    private static final String[] OP_NAMES = opNames();

    /** How long {@link #close} waits for cancelled operations before it gives up on them. */
    private static final long CLOSE_DRAIN_NANOS = 5_000_000_000L;
    /** The SQPOLL fallback is logged once per process, not once per carrier. */
    private static final AtomicBoolean SQPOLL_FALLBACK_LOGGED = new AtomicBoolean();
    /** SQPOLL: how long a full queue waits for the SQ thread to consume before claim gives up. */
    private static final long SQ_SPACE_WAIT_NANOS = 1_000_000_000L;

    // Layout of the scratch block: the enter timeout, the getevents argument, then one
    // timespec per SQE slot for TIMEOUT / LINK_TIMEOUT (the kernel copies it at submission).
    private static final long WAIT_TS = 0;
    private static final long GETEVENTS_ARG = 16;
    private static final long GETEVENTS_ARG_SIZE = 24;
    private static final long SQE_TIMESPECS = 64;

    private final Ring ring;
    private final boolean[] supported;
    private final WakeupSignal wakeup;
    private final MemorySegment scratch;
    private final MemorySegment sqes;
    private final ReadinessTable waits = new ReadinessTable();
    private final List<ProvidedBufferRing> bufferRings = new ArrayList<>();
    /** Registered buffers' [address, end) by index, for the bounds check of a fixed operation; null: none. */
    private long[] registered;
    private boolean filesRegistered;

    private long inflight;
    /** weft.faults only: caller tokens whose operation was replaced by a NOP, and the -errno to report. */
    private final HashMap<Long, Integer> failedByFault = Faults.ENABLED ? new HashMap<>() : null;
    /** SQE index of the last caller operation claimed, while a LINK_TIMEOUT may follow it. */
    private int linkable = -1;
    private boolean polling;
    /** Set by reap when the wake-up eventfd's read completed: poll returns even with nothing delivered. */
    private boolean wokenUp;
    private volatile boolean open = true;

    private IoUringPoller(Ring ring, boolean[] supported, WakeupSignal wakeup, MemorySegment scratch) {
        this.ring = ring;
        this.supported = supported;
        this.wakeup = wakeup;
        this.scratch = scratch;
        this.sqes = ring.sqes();
        // struct io_uring_getevents_arg {u64 sigmask; u32 sigmask_sz; u32 min_wait_usec; u64 ts;}
        scratch.set(JAVA_LONG, GETEVENTS_ARG + 16, scratch.address() + WAIT_TS);
    }

    /**
     * Sets up a ring, checks that the kernel has the features and opcodes weft needs, and arms
     * the wake-up read. The calling thread becomes the owner.
     *
     * @throws BackendUnavailableException if io_uring is refused or too old, saying why
     */
    public static IoUringPoller open(PollerConfig config) throws IOException {
        Ring ring;
        try {
            ring = setUpRing(config);
        } catch (ErrnoException e) {
            throw new BackendUnavailableException(Backend.IO_URING, e.getMessage(), e);
        }
        WakeupSignal wakeup = null;
        MemorySegment scratch = null;
        try {
            requireFeature(ring, FEAT_NODROP, "IORING_FEAT_NODROP (Linux 5.5+)");
            requireFeature(ring, FEAT_EXT_ARG, "IORING_FEAT_EXT_ARG (Linux 5.11+)");
            boolean[] supported = ring.probeOpcodes();
            StringJoiner missing = new StringJoiner(", ");
            for (int op : REQUIRED_OPS) {
                if (!supported[op]) missing.add(OP_NAMES[op]);
            }
            if (missing.length() > 0) {
                throw new BackendUnavailableException(Backend.IO_URING,
                        "the kernel lacks io_uring opcodes " + missing + " (Linux 5.19+ needed)", null);
            }
            // Blocking on purpose: io_uring answers a read of an O_NONBLOCK eventfd with
            // EAGAIN instead of waiting for it to become readable.
            wakeup = new WakeupSignal(false);
            scratch = NativeMemory.allocate(SQE_TIMESPECS + 16L * ring.sqEntries);
            IoUringPoller p = new IoUringPoller(ring, supported, wakeup, scratch);
            p.armWakeupRead();
            return p;
        } catch (IOException | RuntimeException e) {
            if (scratch != null) NativeMemory.free(scratch);
            if (wakeup != null) wakeup.close();
            ring.close();
            if (e instanceof BackendUnavailableException bue) {
                throw bue;
            }
            throw new BackendUnavailableException(Backend.IO_URING, e.getMessage(), e);
        }
    }

    /**
     * The socket ring: with SQPOLL when configured and the kernel allows it; when it does not,
     * a ring without it and one warning, unless SQPOLL is required.
     */
    private static Ring setUpRing(PollerConfig config) throws ErrnoException {
        int entries = config.ringEntries();
        int cqEntries = entries * config.completionRatio();
        if (!config.sqPoll() || config.refuseUring() != null) {
            return Ring.setup(entries, cqEntries, RingFlags.socketRing(), 0, config.refuseUring());
        }
        try {
            return Ring.setup(entries, cqEntries, RingFlags.sqPollRing(), config.sqPollIdleMillis(),
                    config.refuseSqPoll());
        } catch (ErrnoException e) {
            String why = "the kernel refused an SQPOLL ring (" + e.getMessage() + "; " + sqPollHint(e.errno()) + ")";
            if (config.sqPollRequired()) {
                throw new ErrnoException("io_uring_setup(SQPOLL)", e.errno(),
                        why + " and weft.uring.sqpollRequired=true");
            }
            if (SQPOLL_FALLBACK_LOGGED.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "weft.uring.sqpoll=" + config.sqPollIdleMillis() + ": " + why
                        + "; using io_uring without SQPOLL");
            }
            return Ring.setup(entries, cqEntries, RingFlags.socketRing(), 0, null);
        }
    }

    private static String sqPollHint(int errno) {
        return switch (Errno.name(errno)) {
            case "EPERM" -> "before Linux 5.11 SQPOLL needs CAP_SYS_ADMIN or CAP_SYS_NICE; since then only a security policy refuses it";
            case "EINVAL" -> "this kernel has no SQPOLL with these flags";
            case "ENOMEM" -> "not enough locked memory (ulimit -l) or memory for the SQ thread";
            default -> "see io_uring_setup(2)";
        };
    }

    private static void requireFeature(Ring ring, int feature, String name) throws BackendUnavailableException {
        if ((ring.features & feature) == 0) {
            throw new BackendUnavailableException(Backend.IO_URING, "the kernel lacks " + name, null);
        }
    }

    @Override
    public Backend backend() {
        return Backend.IO_URING;
    }

    @Override
    public boolean supports(int op) {
        return op >= 0 && op < supported.length && supported[op];
    }

    /** Whether the ring runs with SINGLE_ISSUER and DEFER_TASKRUN (Linux 6.1+). */
    public boolean deferredTaskRun() {
        return (ring.setupFlags & SETUP_DEFER_TASKRUN) != 0;
    }

    /** Whether the ring runs with SQPOLL (configured, and allowed by the kernel). */
    public boolean sqPoll() {
        return ring.sqPoll;
    }

    /** Submissions not yet finally completed, including the poller's own. For tests and metrics. */
    public long inflight() {
        return inflight;
    }

    // ---- readiness ----------------------------------------------------------------------

    @Override
    public void arm(int fd, int event, long token) throws IOException {
        ensureOpen();
        int slot = ReadinessTable.slot(fd, event);
        waits.put(slot, token);
        try {
            long s = claim(readinessUserData(slot));
            op(s, OP_POLL_ADD, fd);
            sqes.set(JAVA_INT, s + SQE_OP_FLAGS, event == Events.IN ? Events.IN | Events.RDHUP : Events.OUT);
        } catch (IOException | RuntimeException e) {
            waits.remove(slot);
            throw e;
        }
    }

    @Override
    public long disarm(int fd, int event) throws IOException {
        ensureOpen();
        int slot = ReadinessTable.slot(fd, event);
        long armed = readinessUserData(slot);
        long token = waits.remove(slot); // bumps the generation: a late completion is dropped
        if (token != NO_TOKEN) {
            long s = claim(IGNORED);
            op(s, OP_POLL_REMOVE, NO_FD);
            sqes.set(JAVA_LONG, s + SQE_ADDR, armed);
        }
        return token;
    }

    private long readinessUserData(int slot) {
        return TAG_READINESS | ((long) waits.generation(slot) << 32) | slot;
    }

    // ---- operations ---------------------------------------------------------------------

    @Override
    public void nop(long token) throws IOException {
        userOp(OP_NOP, NO_FD, token);
    }

    @Override
    public void pollAdd(int fd, int events, boolean multishot, long token) throws IOException {
        long s = userOp(OP_POLL_ADD, fd, token);
        sqes.set(JAVA_INT, s + SQE_OP_FLAGS, events);
        sqes.set(JAVA_INT, s + SQE_LEN, multishot ? POLL_ADD_MULTI : 0);
    }

    @Override
    public void accept(int fd, int flags, boolean multishot, long token) throws IOException {
        long s = userOp(OP_ACCEPT, fd, token);
        sqes.set(JAVA_INT, s + SQE_OP_FLAGS, flags);
        if (multishot) {
            sqes.set(JAVA_SHORT, s + SQE_IOPRIO, ACCEPT_MULTISHOT);
        }
        if (Faults.ENABLED) injectFault(s, FaultOp.ACCEPT, token);
    }

    @Override
    public void connect(int fd, MemorySegment addr, long token) throws IOException {
        long s = userOp(OP_CONNECT, fd, token);
        sqes.set(JAVA_LONG, s + SQE_ADDR, addr.address());
        sqes.set(JAVA_LONG, s + SQE_OFF, addr.byteSize()); // addr2: the address length
        if (Faults.ENABLED) injectFault(s, FaultOp.CONNECT, token);
    }

    @Override
    public void recv(int fd, MemorySegment buf, int msgFlags, long token) throws IOException {
        long s = userOp(OP_RECV, fd, token);
        buffer(s, buf);
        sqes.set(JAVA_INT, s + SQE_OP_FLAGS, msgFlags);
        if (Faults.ENABLED) injectFault(s, FaultOp.RECV, token);
    }

    @Override
    public void recv(int fd, BufferRing ring, boolean multishot, long token) throws IOException {
        recvFromRing(fd, ring, multishot, 0, token);
    }

    @Override
    public void recvMultishot(int fd, BufferRing ring, int totalBytes, long token) throws IOException {
        if (totalBytes < 1) {
            throw new IllegalArgumentException("totalBytes must be at least 1: " + totalBytes);
        }
        recvFromRing(fd, ring, true, totalBytes, token);
    }

    /** A receive into a buffer the kernel picks from {@code ring}; {@code totalBytes} 0 for no limit. */
    private void recvFromRing(int fd, BufferRing ring, boolean multishot, int totalBytes, long token)
            throws IOException {
        ensureOpen();
        if (!(ring instanceof ProvidedBufferRing pbr) || !bufferRings.contains(pbr)) {
            throw new IllegalArgumentException("buffer ring was not registered with this poller");
        }
        long s = userOp(OP_RECV, fd, token);
        sqes.set(JAVA_BYTE, s + SQE_FLAGS, (byte) (sqes.get(JAVA_BYTE, s + SQE_FLAGS) | IOSQE_BUFFER_SELECT));
        sqes.set(JAVA_SHORT, s + SQE_BUF_INDEX, (short) ring.groupId());
        if (multishot) {
            sqes.set(JAVA_SHORT, s + SQE_IOPRIO, RECV_MULTISHOT); // length 0: each buffer whole
            sqes.set(JAVA_INT, s + SQE_FILE_INDEX, totalBytes); // sqe->optlen: the limit, 0 for none
        } else {
            sqes.set(JAVA_INT, s + SQE_LEN, ring.bufferSize());
        }
        if (Faults.ENABLED) injectFault(s, FaultOp.RECV, token);
    }

    @Override
    public void send(int fd, MemorySegment buf, int msgFlags, long token) throws IOException {
        long s = userOp(OP_SEND, fd, token);
        buffer(s, buf);
        sqes.set(JAVA_INT, s + SQE_OP_FLAGS, msgFlags | MSG_NOSIGNAL);
        if (Faults.ENABLED) injectFault(s, FaultOp.SEND, token);
    }

    @Override
    public void read(int fd, MemorySegment buf, long offset, long token) throws IOException {
        long s = userOp(OP_READ, fd, token);
        buffer(s, buf);
        sqes.set(JAVA_LONG, s + SQE_OFF, offset);
    }

    @Override
    public void write(int fd, MemorySegment buf, long offset, long token) throws IOException {
        long s = userOp(OP_WRITE, fd, token);
        buffer(s, buf);
        sqes.set(JAVA_LONG, s + SQE_OFF, offset);
    }

    @Override
    public void readFixed(int fd, MemorySegment buf, long offset, int bufferIndex, long token) throws IOException {
        fixedBufferOp(OP_READ_FIXED, fd, buf, offset, bufferIndex, token);
    }

    @Override
    public void writeFixed(int fd, MemorySegment buf, long offset, int bufferIndex, long token) throws IOException {
        fixedBufferOp(OP_WRITE_FIXED, fd, buf, offset, bufferIndex, token);
    }

    private void fixedBufferOp(int opcode, int fd, MemorySegment buf, long offset, int bufferIndex, long token)
            throws IOException {
        checkInsideRegistered(buf, bufferIndex);
        long s = userOp(opcode, fd, token);
        buffer(s, buf);
        sqes.set(JAVA_LONG, s + SQE_OFF, offset);
        sqes.set(JAVA_SHORT, s + SQE_BUF_INDEX, (short) bufferIndex);
    }

    /**
     * A fixed operation's buffer must lie inside the registered buffer it names: the kernel
     * would answer {@code -EFAULT}; this says which index and which bounds instead.
     */
    private void checkInsideRegistered(MemorySegment buf, int bufferIndex) {
        if (registered == null) {
            throw new IllegalStateException("no buffers registered with this poller");
        }
        if (bufferIndex < 0 || 2 * bufferIndex >= registered.length) {
            throw new IllegalArgumentException("buffer index " + bufferIndex + " not registered (0 to "
                    + (registered.length / 2 - 1) + ")");
        }
        long start = registered[2 * bufferIndex];
        long end = registered[2 * bufferIndex + 1];
        if (start == end) {
            throw new IllegalArgumentException("buffer slot " + bufferIndex + " is empty");
        }
        if (buf.address() < start || buf.address() + buf.byteSize() > end) {
            throw new IllegalArgumentException("buffer [0x" + Long.toHexString(buf.address()) + ", +"
                    + buf.byteSize() + ") is not inside registered buffer " + bufferIndex);
        }
    }

    @Override
    public void shutdown(int fd, int how, long token) throws IOException {
        long s = userOp(OP_SHUTDOWN, fd, token);
        sqes.set(JAVA_INT, s + SQE_LEN, how);
    }

    @Override
    public void openat(int dirfd, MemorySegment path, int flags, int mode, long token) throws IOException {
        long s = userOp(OP_OPENAT, NO_FD, token);
        sqes.set(JAVA_INT, s + SQE_FD, dirfd); // AT_FDCWD is negative: not a registered slot
        sqes.set(JAVA_LONG, s + SQE_ADDR, path.address());
        sqes.set(JAVA_INT, s + SQE_LEN, mode);
        sqes.set(JAVA_INT, s + SQE_OP_FLAGS, flags); // open_flags
    }

    @Override
    public void statx(int dirfd, MemorySegment path, int flags, int mask, MemorySegment statxBuf, long token)
            throws IOException {
        long s = userOp(OP_STATX, NO_FD, token);
        sqes.set(JAVA_INT, s + SQE_FD, dirfd);
        sqes.set(JAVA_LONG, s + SQE_ADDR, path.address());
        sqes.set(JAVA_INT, s + SQE_LEN, mask);
        sqes.set(JAVA_INT, s + SQE_OP_FLAGS, flags); // statx_flags
        sqes.set(JAVA_LONG, s + SQE_OFF, statxBuf.address()); // addr2: the struct statx
    }

    @Override
    public void fsync(int fd, boolean dataOnly, long token) throws IOException {
        long s = userOp(OP_FSYNC, fd, token);
        sqes.set(JAVA_INT, s + SQE_OP_FLAGS, dataOnly ? FSYNC_DATASYNC : 0); // whole file: off and len 0
    }

    @Override
    public void closeFd(int fd, long token) throws IOException {
        if (fd < 0) {
            // A registered file is closed by slot (file_index is 1-based); FIXED_FILE is not allowed.
            long s = userOp(OP_CLOSE, NO_FD, token);
            sqes.set(JAVA_INT, s + SQE_FD, 0);
            sqes.set(JAVA_INT, s + SQE_FILE_INDEX, ~fd + 1);
        } else {
            userOp(OP_CLOSE, fd, token);
        }
    }

    @Override
    public void timeout(long nanos, long token) throws IOException {
        long s = userOp(OP_TIMEOUT, NO_FD, token);
        timespecFor(s, nanos);
    }

    @Override
    public void linkTimeout(long nanos, long token) throws IOException {
        ensureOpen();
        checkToken(token);
        if (linkable < 0 || linkable != ring.sqeTail() - 1) {
            throw new IllegalStateException("linkTimeout must follow an operation queued since the last submission");
        }
        // claim() left at least one slot free for exactly this, so the pair is submitted together.
        long prev = (linkable & (ring.sqEntries - 1)) * SQE_SIZE;
        sqes.set(JAVA_BYTE, prev + SQE_FLAGS, (byte) (sqes.get(JAVA_BYTE, prev + SQE_FLAGS) | IOSQE_IO_LINK));
        long s = ring.claimSqe();
        inflight++;
        linkable = -1;
        sqes.set(JAVA_LONG, s + SQE_USER_DATA, token);
        op(s, OP_LINK_TIMEOUT, NO_FD);
        timespecFor(s, nanos);
    }

    @Override
    public void cancel(long token) throws IOException {
        ensureOpen();
        checkToken(token);
        long s = claim(IGNORED);
        op(s, OP_ASYNC_CANCEL, NO_FD);
        sqes.set(JAVA_LONG, s + SQE_ADDR, token);
    }

    @Override
    public void cancelFd(int fd) throws IOException {
        ensureOpen();
        long s = claim(IGNORED);
        // Cancel names a registered slot with its own flag (FD_FIXED), not IOSQE_FIXED_FILE.
        op(s, OP_ASYNC_CANCEL, NO_FD);
        sqes.set(JAVA_INT, s + SQE_FD, fd < 0 ? ~fd : fd);
        int flags = ASYNC_CANCEL_FD | ASYNC_CANCEL_ALL | (fd < 0 ? 1 << 3 /* FD_FIXED */ : 0);
        sqes.set(JAVA_INT, s + SQE_OP_FLAGS, flags);
    }

    /**
     * weft.faults: maybe makes the caller's operation just filled in at SQE {@code s} fail or
     * fall short, in ways the kernel itself can answer it.
     * <ul>
     *   <li>A failure turns the SQE into a {@code NOP} (same token, so a linked timeout still
     *       follows it) whose completion {@link #reap} reports as {@code -errno}. The kernel
     *       never touches the socket, so no byte and no connection is lost: what a receive that
     *       failed with {@code -EAGAIN} or {@code -ENOBUFS} (empty buffer ring) leaves, or an
     *       operation cancelled before it ran. A multishot accept ends there, without {@code MORE}.</li>
     *   <li>A short transfer lowers the SQE's length: the kernel itself moves fewer bytes and
     *       the rest stays in the socket (receive; with a buffer ring, the selected buffer is
     *       filled only that far) or in the caller's buffer (send).</li>
     * </ul>
     */
    private void injectFault(long s, FaultOp op, long token) {
        Fault f = Faults.draw(op);
        if (f == null) {
            return;
        }
        if (f == Fault.SHORT) {
            int len = sqes.get(JAVA_INT, s + SQE_LEN);
            if (len > 1) { // 0 is a multishot receive's "whole buffer": left alone
                sqes.set(JAVA_INT, s + SQE_LEN, (int) Faults.shorter(len));
            }
            return;
        }
        sqes.asSlice(s, SQE_SIZE).fill((byte) 0); // no buffer select, fixed file or flags a NOP would refuse
        sqes.set(JAVA_LONG, s + SQE_USER_DATA, token);
        sqes.set(JAVA_BYTE, s + SQE_OPCODE, (byte) OP_NOP);
        sqes.set(JAVA_INT, s + SQE_FD, -1);
        failedByFault.put(token, -f.errno);
    }

    /** Claims an SQE for a caller's operation and fills opcode, descriptor and token. */
    private long userOp(int opcode, long fd, long token) throws IOException {
        ensureOpen();
        checkToken(token);
        long s = claim(token);
        op(s, opcode, fd);
        linkable = ring.sqeTail() - 1;
        return s;
    }

    /**
     * Writes opcode and descriptor. A negative descriptor from a caller names a registered
     * file slot ({@link CompletionPoller#fixedFile}); {@link #NO_FD} is for operations on no
     * descriptor (it is not a valid int descriptor or slot encoding the caller can pass).
     */
    private void op(long s, int opcode, long fd) {
        sqes.set(JAVA_BYTE, s + SQE_OPCODE, (byte) opcode);
        if (fd == NO_FD) {
            sqes.set(JAVA_INT, s + SQE_FD, -1);
        } else if (fd < 0) {
            sqes.set(JAVA_INT, s + SQE_FD, ~(int) fd);
            sqes.set(JAVA_BYTE, s + SQE_FLAGS, IOSQE_FIXED_FILE);
        } else {
            sqes.set(JAVA_INT, s + SQE_FD, (int) fd);
        }
    }

    private void buffer(long s, MemorySegment buf) {
        if (buf.byteSize() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("buffer larger than 2 GiB: " + buf.byteSize());
        }
        sqes.set(JAVA_LONG, s + SQE_ADDR, buf.address());
        sqes.set(JAVA_INT, s + SQE_LEN, (int) buf.byteSize());
    }

    private void timespecFor(long s, long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("timeout must not be negative: " + nanos);
        }
        long ts = SQE_TIMESPECS + 16 * (s / SQE_SIZE);
        setTimespec(ts, nanos);
        sqes.set(JAVA_LONG, s + SQE_ADDR, scratch.address() + ts);
        sqes.set(JAVA_INT, s + SQE_LEN, 1);
    }

    private void setTimespec(long at, long nanos) {
        scratch.set(JAVA_LONG, at, nanos / 1_000_000_000L);
        scratch.set(JAVA_LONG, at + 8, nanos % 1_000_000_000L);
    }

    /**
     * Claims an SQE with {@code userData}, counting it in flight. Keeps one slot free so that
     * a {@link #linkTimeout} can always join the operation before it; when the queue is that
     * full, what is queued goes to the kernel first.
     */
    private long claim(long userData) throws IOException {
        if (ring.free() < 2) {
            submitQueued();
            if (ring.sqPoll) {
                waitForSqThread();
            }
            if (ring.free() < 2) {
                throw new IOException("io_uring submission queue full: the kernel took none of "
                        + ring.unconsumed() + " queued entries; poll to reap completions first");
            }
        }
        long s = ring.claimSqe();
        sqes.set(JAVA_LONG, s + SQE_USER_DATA, userData);
        inflight++;
        return s;
    }

    private static void checkToken(long token) {
        if (token < 0) {
            throw new IllegalArgumentException("tokens must not be negative: " + token);
        }
    }

    // ---- submitting and reaping ---------------------------------------------------------

    @Override
    public int flush() throws IOException {
        ensureOpen();
        return submitQueued();
    }

    private int submitQueued() throws ErrnoException {
        if (ring.sqPoll) {
            // Publishing submits; the count is what this call handed over (the SQ thread consumes it in its own time).
            int fresh = ring.unpublished();
            enterIfNeeded(publish());
            return fresh;
        }
        publish();
        int n = ring.unconsumed();
        if (n == 0) {
            return 0;
        }
        long r = ring.enter(n, 0, 0, MemorySegment.NULL, 0);
        if (r >= 0) {
            return (int) r;
        }
        // EAGAIN / EBUSY: the kernel is short of memory or completion space right now; the
        // entries stay queued and go with the next enter.
        if (r == -Errno.EINTR || r == -Errno.EAGAIN || r == -Errno.EBUSY) {
            return 0;
        }
        throw new ErrnoException("io_uring_enter", (int) -r);
    }

    /**
     * Publishes every claimed SQE; no LINK_TIMEOUT may join them after this. Returns the
     * {@code io_uring_enter} flags the kernel needs to see them: without SQPOLL none beyond the
     * enter that submits them, with SQPOLL those of {@link Ring#publishToSqThread}.
     */
    private int publish() {
        linkable = -1;
        if (ring.sqPoll) {
            return ring.publishToSqThread();
        }
        ring.publish();
        return 0;
    }

    /** SQPOLL: {@code io_uring_enter} with {@code flags} unless they are 0 (the SQ thread is awake). */
    private void enterIfNeeded(int flags) throws ErrnoException {
        if (flags == 0) {
            return;
        }
        long r = ring.enter(0, 0, flags, MemorySegment.NULL, 0);
        if (r < 0 && r != -Errno.EINTR && r != -Errno.EAGAIN && r != -Errno.EBUSY) {
            throw new ErrnoException("io_uring_enter", (int) -r);
        }
    }

    /**
     * SQPOLL, queue full: waits until the SQ thread has consumed enough for {@link #claim}'s
     * two slots, waking it first if it sleeps. {@code IORING_ENTER_SQ_WAIT} blocks only while
     * the queue is entirely full; with one slot free the woken thread is about to take
     * everything published, so the rest of the wait is a yield loop. Gives up after
     * {@link #SQ_SPACE_WAIT_NANOS} ({@link #claim} then reports the queue full).
     *
     * <p>The yield is the OS thread's ({@code sched_yield(2)}), never {@link Thread#yield()}:
     * the caller is usually a virtual thread mounted on the ring's carrier, in the middle of
     * queuing an operation, and {@code Thread.yield()} would unmount it. It could then resume
     * on another carrier and claim and fill this ring's SQEs from that carrier's OS thread,
     * racing the owner on the same slots (torn or repeated SQEs: under the echo benchmark, a
     * send's descriptor with another connection's buffer, echoes sent twice, operations lost).
     * A downcall pins the virtual thread: it is still on the owner thread when it returns.
     */
    private void waitForSqThread() throws ErrnoException {
        long deadline = System.nanoTime() + SQ_SPACE_WAIT_NANOS;
        while (ring.free() < 2 && System.nanoTime() < deadline) {
            int flags = publish();
            if (ring.free() == 0 || flags != 0) {
                long r = ring.enter(0, 0, flags | ENTER_SQ_WAIT, MemorySegment.NULL, 0);
                if (r < 0 && r != -Errno.EINTR && r != -Errno.EAGAIN && r != -Errno.EBUSY) {
                    throw new ErrnoException("io_uring_enter(SQ_WAIT)", (int) -r);
                }
            } else {
                Libc.schedYield(); // not Thread.yield(): see above
            }
        }
    }

    @Override
    public int poll(long timeoutNanos, CompletionHandler handler) throws IOException {
        ensureOpen();
        if (polling) {
            throw new IllegalStateException("poll is not reentrant: called from a completion handler");
        }
        polling = true;
        try {
            long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
            long wait = timeoutNanos;
            for (;;) {
                wokenUp = false;
                enterAndWait(wait);
                int delivered = reap(handler);
                // The poller's own completions (a disarm's POLL_REMOVE, a stale wait, a cancel's
                // reply) must not end the wait early: return only for the caller's completions,
                // a wake-up, or the timeout.
                if (delivered > 0 || wokenUp || timeoutNanos == 0) {
                    return delivered;
                }
                if (timeoutNanos > 0) {
                    wait = deadline - System.nanoTime();
                    if (wait <= 0) {
                        return 0;
                    }
                }
            }
        } finally {
            polling = false;
        }
    }

    /** One io_uring_enter: submits what is queued and waits up to {@code timeoutNanos} (see poll). */
    private void enterAndWait(long timeoutNanos) throws ErrnoException {
        if (Faults.ENABLED && timeoutNanos != 0 && Faults.draw(FaultOp.POLL, Fault.EINTR) != null) {
            return; // an injected EINTR before the wait: poll reaps what is there and waits again
        }
        // Without SQPOLL, the enter submits: toSubmit is everything unconsumed. With SQPOLL the
        // kernel ignores toSubmit; sqFlags wakes its thread if it sleeps, flushes an overflow.
        int sqFlags = publish();
        int toSubmit = ring.sqPoll ? 0 : ring.unconsumed();
        long r;
        if (timeoutNanos == 0 || ring.cqReady() > 0) {
            if (ring.sqPoll && sqFlags == 0) {
                return; // the SQ thread is awake and nothing overflowed: no system call
            }
            // GETEVENTS without waiting still runs deferred task work (DEFER_TASKRUN).
            r = ring.enter(toSubmit, 0, ENTER_GETEVENTS | sqFlags, MemorySegment.NULL, 0);
        } else if (timeoutNanos < 0) {
            r = ring.enter(toSubmit, 1, ENTER_GETEVENTS | sqFlags, MemorySegment.NULL, 0);
        } else {
            setTimespec(WAIT_TS, timeoutNanos);
            r = ring.enter(toSubmit, 1, ENTER_GETEVENTS | ENTER_EXT_ARG | sqFlags,
                    scratch.asSlice(GETEVENTS_ARG, GETEVENTS_ARG_SIZE), GETEVENTS_ARG_SIZE);
        }
        // ETIME: timed out; EINTR: a signal (the caller loops with the time left); EAGAIN,
        // EBUSY: no room for completions right now, reaping makes room.
        if (r < 0 && r != -Errno.ETIME && r != -Errno.EINTR && r != -Errno.EAGAIN && r != -Errno.EBUSY) {
            throw new ErrnoException("io_uring_enter", (int) -r);
        }
    }

    /** Hands every posted completion to {@code handler}, consuming each before the call. */
    private int reap(CompletionHandler handler) {
        int delivered = 0;
        int ready;
        while ((ready = ring.cqReady()) > 0) {
            int consumed = 0;
            try {
                while (consumed < ready) {
                    long c = ring.cqe(consumed);
                    long userData = ring.cqeUserData(c);
                    int res = ring.cqeRes(c);
                    int flags = ring.cqeFlags(c);
                    consumed++;
                    if ((flags & Completion.MORE) == 0) {
                        inflight--;
                    }
                    if (userData >= 0) {
                        if (Faults.ENABLED && !failedByFault.isEmpty()) {
                            Integer injected = failedByFault.remove(userData);
                            if (injected != null) res = injected;
                        }
                        handler.onCompletion(userData, res, flags);
                        delivered++;
                    } else if ((userData & TAG_MASK) == TAG_READINESS) {
                        int slot = (int) userData;
                        int generation = (int) (userData >>> 32) & ReadinessTable.GENERATION_MASK;
                        if (waits.generation(slot) == generation) {
                            long token = waits.remove(slot);
                            if (token != NO_TOKEN) {
                                if (Faults.ENABLED && Faults.draw(FaultOp.POLL, Fault.ECANCELED) != null) {
                                    res = -Errno.ECANCELED; // the kernel cancelled the poll; nothing was consumed
                                }
                                handler.onCompletion(token, res, 0);
                                delivered++;
                            }
                        }
                    } else if (userData == WAKEUP_READ) {
                        wokenUp = true;
                        wakeup.consumed();
                        if (open) {
                            armWakeupRead();
                        }
                    }
                }
            } finally {
                ring.advanceCq(consumed);
            }
        }
        return delivered;
    }

    private void armWakeupRead() {
        try {
            long s = claim(WAKEUP_READ);
            op(s, OP_READ, wakeup.fd());
            sqes.set(JAVA_LONG, s + SQE_ADDR, wakeup.readBuffer().address());
            sqes.set(JAVA_INT, s + SQE_LEN, 8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot re-arm the wake-up read: " + e.getMessage(), e);
        }
    }

    @Override
    public void wakeup() {
        wakeup.signal();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    // ---- registration -------------------------------------------------------------------

    @Override
    public BufferRing registerBufferRing(int groupId, int count, int bufferSize) throws IOException {
        ensureOpen();
        for (ProvidedBufferRing r : bufferRings) {
            if (r.groupId() == groupId) {
                throw new IllegalStateException("buffer group " + groupId + " is already registered");
            }
        }
        ProvidedBufferRing r = ProvidedBufferRing.register(ring, groupId, count, bufferSize);
        bufferRings.add(r);
        return r;
    }

    @Override
    public void registerBuffers(MemorySegment... buffers) throws IOException {
        ensureOpen();
        if (registered != null) {
            throw new IllegalStateException("buffers are already registered with this poller (unregisterBuffers first)");
        }
        registered = RegisteredBuffers.register(ring, buffers);
    }

    @Override
    public void registerBufferSlots(int slots) throws IOException {
        ensureOpen();
        if (registered != null) {
            throw new IllegalStateException("buffers are already registered with this poller (unregisterBuffers first)");
        }
        registered = RegisteredBuffers.registerSparse(ring, slots);
    }

    @Override
    public void registerBuffer(int slot, MemorySegment buffer) throws IOException {
        ensureOpen();
        if (registered == null) {
            throw new IllegalStateException("registerBufferSlots first");
        }
        RegisteredBuffers.update(ring, registered, slot, buffer);
    }

    /**
     * {@inheritDoc} Fixed operations still in flight keep their pages pinned until they
     * complete (the kernel holds a reference per request).
     */
    @Override
    public void unregisterBuffers() throws IOException {
        ensureOpen();
        if (registered == null) {
            throw new IllegalStateException("no buffers registered with this poller");
        }
        RegisteredBuffers.unregister(ring);
        registered = null;
    }

    @Override
    public void registerFiles(int slots) throws IOException {
        ensureOpen();
        if (filesRegistered) {
            throw new IllegalStateException("files are already registered with this poller");
        }
        // struct io_uring_rsrc_register {u32 nr; u32 flags; u64 resv2; u64 data; u64 tags;}
        MemorySegment reg = NativeMemory.allocate(32);
        try {
            reg.set(JAVA_INT, 0, slots);
            reg.set(JAVA_INT, 4, RSRC_REGISTER_SPARSE);
            ErrnoException.check("io_uring_register(FILES2)", ring.register(REGISTER_FILES2, reg, 32));
            filesRegistered = true;
        } finally {
            NativeMemory.free(reg);
        }
    }

    @Override
    public void registerFile(int slot, int fd) throws IOException {
        ensureOpen();
        if (!filesRegistered) {
            throw new IllegalStateException("registerFiles first");
        }
        // struct io_uring_files_update {u32 offset; u32 resv; u64 fds;} followed by the fd
        MemorySegment update = NativeMemory.allocate(24);
        try {
            update.set(JAVA_INT, 0, slot);
            update.set(JAVA_INT, 16, fd);
            update.set(JAVA_LONG, 8, update.address() + 16);
            ErrnoException.check("io_uring_register(FILES_UPDATE, slot " + slot + ")",
                    ring.register(REGISTER_FILES_UPDATE, update, 1));
        } finally {
            NativeMemory.free(update);
        }
    }

    // ---- closing ------------------------------------------------------------------------

    @Override
    public void close(CompletionHandler handler) {
        if (!open) {
            return;
        }
        if (polling) {
            throw new IllegalStateException("close is not allowed from a completion handler");
        }
        open = false;
        polling = true;
        try {
            cancelEverything();
            long deadline = System.nanoTime() + CLOSE_DRAIN_NANOS;
            while (inflight > 0 && System.nanoTime() < deadline) {
                int sqFlags = publish();
                setTimespec(WAIT_TS, 100_000_000L);
                ring.enter(ring.sqPoll ? 0 : ring.unconsumed(), 1, ENTER_GETEVENTS | ENTER_EXT_ARG | sqFlags,
                        scratch.asSlice(GETEVENTS_ARG, GETEVENTS_ARG_SIZE), GETEVENTS_ARG_SIZE);
                reap(handler);
            }
            // Waits whose completion never came (none, unless the kernel gave up on them).
            waits.forEachArmed(slot -> handler.onCompletion(waits.remove(slot), -Errno.ECANCELED, 0));
        } finally {
            polling = false;
            release();
        }
    }

    private void cancelEverything() {
        try {
            if (ring.free() < 1) {
                submitQueued();
            }
            if (ring.free() >= 1) {
                long s = ring.claimSqe();
                inflight++;
                sqes.set(JAVA_LONG, s + SQE_USER_DATA, IGNORED);
                op(s, OP_ASYNC_CANCEL, NO_FD);
                sqes.set(JAVA_INT, s + SQE_OP_FLAGS, ASYNC_CANCEL_ANY | ASYNC_CANCEL_ALL);
            }
        } catch (ErrnoException e) {
            LOG.log(Level.WARNING, "io_uring close: could not submit the cancellation: " + e.getMessage());
        }
    }

    private void release() {
        if (inflight == 0) {
            for (ProvidedBufferRing r : bufferRings) {
                r.unregister();
                r.free();
            }
        } else {
            // The kernel may still write into these: leaking them is the only safe choice.
            LOG.log(Level.WARNING, "io_uring close: " + inflight + " operations did not finish within "
                    + CLOSE_DRAIN_NANOS / 1_000_000 + " ms; keeping " + bufferRings.size()
                    + " buffer rings allocated");
        }
        bufferRings.clear();
        ring.close();
        wakeup.close();
        NativeMemory.free(scratch);
    }

    private void ensureOpen() {
        if (!open) {
            throw new IllegalStateException("poller is closed");
        }
    }

    private static String[] opNames() {
        String[] names = new String[256];
        for (int i = 0; i < names.length; i++) names[i] = "opcode " + i;
        names[OP_NOP] = "NOP";
        names[OP_POLL_ADD] = "POLL_ADD";
        names[OP_POLL_REMOVE] = "POLL_REMOVE";
        names[OP_ASYNC_CANCEL] = "ASYNC_CANCEL";
        names[OP_READ] = "READ";
        names[OP_TIMEOUT] = "TIMEOUT";
        return names;
    }

    @Override
    public String toString() {
        return "IoUringPoller[ring fd=" + ring.fd + ", entries=" + ring.sqEntries + "/" + ring.cqEntries
                + ", inflight=" + inflight + ", armed=" + waits.armed() + "]";
    }
}
