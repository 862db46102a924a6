package io.weft.poller;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * A {@link Poller} that also runs operations to completion in the kernel (io_uring): the
 * completion carries the operation's result, so there is no readiness round trip.
 *
 * <p>Each method queues one submission; queued submissions go to the kernel together, in one
 * system call, with the next {@link #poll} or {@link #flush} (or earlier if the submission
 * queue fills up). The result arrives as a completion under the given token; a failure is
 * {@code -errno} in the result, never an exception, except that an {@link IOException} is
 * thrown when the queue had to be flushed and the kernel refused.
 *
 * <p>Memory passed to an operation (buffers, addresses) must stay valid, and must not be
 * reused, until that operation's final completion has been handed out: the kernel may write to
 * it until then. {@link Completion#MORE} marks a completion that is not final.
 */
public interface CompletionPoller extends Poller {
    /** io_uring opcodes, for {@link #supports}. */
    int OP_NOP = 0;
    int OP_FSYNC = 3;
    int OP_READ_FIXED = 4;
    int OP_WRITE_FIXED = 5;
    int OP_POLL_ADD = 6;
    int OP_POLL_REMOVE = 7;
    int OP_TIMEOUT = 11;
    int OP_ACCEPT = 13;
    int OP_ASYNC_CANCEL = 14;
    int OP_LINK_TIMEOUT = 15;
    int OP_CONNECT = 16;
    int OP_OPENAT = 18;
    int OP_CLOSE = 19;
    int OP_STATX = 21;
    int OP_READ = 22;
    int OP_WRITE = 23;
    int OP_SEND = 26;
    int OP_RECV = 27;
    int OP_SHUTDOWN = 34;
    int OP_MSG_RING = 40;

    /** Whether the kernel supports opcode {@code op} (from {@code IORING_REGISTER_PROBE}). */
    boolean supports(int op);

    /** Does nothing, completes with 0: for measuring the ring itself. */
    void nop(long token) throws IOException;

    /**
     * Polls {@code fd} for {@code events} ({@link Events} bits). One-shot completes once;
     * multishot posts a completion per readiness edge, each with {@link Completion#MORE},
     * until removed by {@link #cancel}.
     */
    void pollAdd(int fd, int events, boolean multishot, long token) throws IOException;

    /**
     * Accepts a connection on listening socket {@code fd}; the result is the new descriptor.
     * Multishot posts one completion per connection until cancelled or failed.
     *
     * @param flags {@code SOCK_NONBLOCK}, {@code SOCK_CLOEXEC} for the new descriptor
     */
    void accept(int fd, int flags, boolean multishot, long token) throws IOException;

    /** Connects {@code fd} to the socket address in {@code addr} (its whole size is the length). */
    void connect(int fd, MemorySegment addr, long token) throws IOException;

    /** Receives into {@code buf} (up to its size); the result is the byte count, 0 at end of stream. */
    void recv(int fd, MemorySegment buf, int msgFlags, long token) throws IOException;

    /**
     * Receives into a buffer the kernel picks from {@code ring}. Multishot posts a
     * completion per chunk received, each naming its buffer, until the ring runs dry
     * ({@code -ENOBUFS}), the stream ends (0), or it is cancelled.
     */
    void recv(int fd, BufferRing ring, boolean multishot, long token) throws IOException;

    /**
     * A multishot {@link #recv(int, BufferRing, boolean, long) receive from a buffer ring} that
     * also ends by itself, with a last completion without {@link Completion#MORE}, once it has
     * received {@code totalBytes} (the chunk that reaches the total may go past it, by less
     * than one buffer). Flow control without a cancel: a cancel reaches the kernel only with
     * the next submission, and a fast sender fills many buffers before that. Needs Linux 6.17
     * ({@code sqe->optlen} for a multishot {@code RECV}); older kernels fail the operation with
     * {@code -EINVAL}.
     *
     * @param totalBytes at least 1
     */
    void recvMultishot(int fd, BufferRing ring, int totalBytes, long token) throws IOException;

    /** Sends {@code buf}; the result is the byte count sent, which may be short. */
    void send(int fd, MemorySegment buf, int msgFlags, long token) throws IOException;

    /** Reads into {@code buf} at file {@code offset} (-1: the current position). */
    void read(int fd, MemorySegment buf, long offset, long token) throws IOException;

    /** Writes {@code buf} at file {@code offset} (-1: the current position). */
    void write(int fd, MemorySegment buf, long offset, long token) throws IOException;

    /**
     * Reads into {@code buf}, which must lie inside registered buffer {@code bufferIndex}
     * ({@link #registerBuffers}); the kernel skips pinning the pages per operation.
     *
     * @throws IllegalArgumentException if {@code buf} is not inside that buffer, or the index
     *                                  was not registered
     * @throws IllegalStateException    if no buffers are registered
     */
    void readFixed(int fd, MemorySegment buf, long offset, int bufferIndex, long token) throws IOException;

    /** Writes from {@code buf} inside registered buffer {@code bufferIndex}. */
    void writeFixed(int fd, MemorySegment buf, long offset, int bufferIndex, long token) throws IOException;

    /** {@code shutdown(2)} of socket {@code fd}; {@code how} is SHUT_RD, SHUT_WR or SHUT_RDWR. */
    void shutdown(int fd, int how, long token) throws IOException;

    /**
     * {@code openat(2)}: opens {@code path} (a NUL-terminated native string) relative to
     * directory descriptor {@code dirfd} ({@code AT_FDCWD}: the working directory); the result
     * is the new descriptor. {@code path} must stay valid until the completion.
     */
    void openat(int dirfd, MemorySegment path, int flags, int mode, long token) throws IOException;

    /**
     * {@code statx(2)} of {@code path} relative to {@code dirfd} (with {@code AT_EMPTY_PATH} and
     * an empty path: of {@code dirfd} itself) into {@code statxBuf} (256 bytes, a
     * {@code struct statx}); the result is 0.
     */
    void statx(int dirfd, MemorySegment path, int flags, int mask, MemorySegment statxBuf, long token)
            throws IOException;

    /** {@code fsync(2)} of {@code fd}, or {@code fdatasync(2)} when {@code dataOnly}. */
    void fsync(int fd, boolean dataOnly, long token) throws IOException;

    /** Closes descriptor {@code fd} in the kernel's context. */
    void closeFd(int fd, long token) throws IOException;

    /** A timer: completes with {@code -ETIME} after {@code nanos}, or {@code -ECANCELED}. */
    void timeout(long nanos, long token) throws IOException;

    /**
     * Bounds the operation queued just before by {@code nanos}: if it has not completed by
     * then it is cancelled (its completion says {@code -ECANCELED}) and this timeout completes
     * with {@code -ETIME}; otherwise this one completes with {@code -ECANCELED}.
     *
     * @throws IllegalStateException if no operation was queued since the last submission
     */
    void linkTimeout(long nanos, long token) throws IOException;

    /**
     * Asks the kernel to cancel the operation submitted under {@code token}. Its final
     * completion still arrives, with {@code -ECANCELED} or its result if it won the race.
     */
    void cancel(long token) throws IOException;

    /** Cancels every operation on {@code fd}, as {@link #cancel} does for one. */
    void cancelFd(int fd) throws IOException;

    /**
     * Registers a provided buffer ring of {@code count} buffers (a power of two, at most
     * 32768) of {@code bufferSize} bytes each, under buffer group {@code groupId}. All
     * buffers start out given to the kernel.
     */
    BufferRing registerBufferRing(int groupId, int count, int bufferSize) throws IOException;

    /**
     * Registers {@code buffers} (native memory, up to 16384 of up to 1 GiB each) with the
     * kernel for {@link #readFixed} and {@link #writeFixed}; buffer {@code i} becomes index
     * {@code i}. The kernel pins their pages once; pinned pages count against
     * {@code RLIMIT_MEMLOCK} (without {@code CAP_IPC_LOCK}), and past it this fails with an
     * {@code ENOMEM} {@link io.weft.poller.sys.ErrnoException} that names the limit. The poller
     * does not own the memory: keep it alive until the poller is closed or
     * {@link #unregisterBuffers} returned. One set at a time per poller.
     */
    void registerBuffers(MemorySegment... buffers) throws IOException;

    /**
     * Registers a table of {@code slots} fixed-buffer slots, all empty, for buffers that come
     * and go ({@link #registerBuffer}); instead of {@link #registerBuffers}, not with it.
     */
    void registerBufferSlots(int slots) throws IOException;

    /**
     * Puts {@code buffer} into fixed-buffer slot {@code slot} of {@link #registerBufferSlots}
     * ({@code null} empties it), for {@link #readFixed} and {@link #writeFixed} with index
     * {@code slot}. As with {@link #registerBuffers}, the pages are pinned (memlock) and the
     * poller does not own the memory.
     */
    void registerBuffer(int slot, MemorySegment buffer) throws IOException;

    /**
     * Unregisters the set of {@link #registerBuffers} or the table of
     * {@link #registerBufferSlots}, so that another can be registered or the
     * memory be freed (after the fixed operations that used it have completed). Closing the
     * poller unregisters too.
     */
    void unregisterBuffers() throws IOException;

    /**
     * Creates a table of {@code slots} registered files, all empty. A registered file saves
     * the kernel a file-table lookup and reference count per operation.
     */
    void registerFiles(int slots) throws IOException;

    /**
     * Puts {@code fd} into registered-file slot {@code slot} ({@code -1} empties it). The
     * slot holds its own reference: closing {@code fd} does not empty it.
     */
    void registerFile(int slot, int fd) throws IOException;

    /**
     * The value to pass as {@code fd} to an operation to name registered-file {@code slot}
     * instead of a descriptor.
     */
    static int fixedFile(int slot) {
        if (slot < 0) {
            throw new IllegalArgumentException("slot must not be negative: " + slot);
        }
        return ~slot;
    }

    /**
     * Hands queued submissions to the kernel now, without waiting; returns how many it took,
     * counting the poller's own (such as its wake-up read).
     */
    int flush() throws IOException;
}
