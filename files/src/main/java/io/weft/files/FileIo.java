package io.weft.files;

import static io.weft.files.FileErrors.EAGAIN;
import static io.weft.files.FileErrors.ECANCELED;
import static io.weft.files.FileErrors.EINTR;

import io.weft.poller.CompletionPoller;
import io.weft.poller.sys.FileSyscalls;
import io.weft.poller.sys.Libc;
import io.weft.poller.sys.NativeMemory;
import io.weft.poller.sys.StatLayout;
import io.weft.scheduler.RingOperation;
import io.weft.scheduler.WeftScheduler;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Each file system call of the module, run where {@link Route} says: an io_uring operation, a
 * call on {@link BlockingPool}, or a plain call. Results follow the kernel's convention
 * ({@code >= 0}, or {@code -errno}), plus {@link #ABORTED}; {@code EINTR} and {@code EAGAIN}
 * are retried here and never reach the caller, nor does an {@code ECANCELED} that nobody asked
 * for (the kernel may cancel an operation on its own).
 *
 * <p>Calls on an open file ({@link #transfer}, {@link #fsync}) can be aborted by the channel's
 * close or the thread's interrupt; calls on a path (open, stat) and the final close cannot,
 * as in the JDK, whose open is not interruptible either: an interrupt meanwhile stays set.
 */
final class FileIo {
    /** The call was aborted: its channel was closed, or its thread interrupted. */
    static final long ABORTED = Long.MIN_VALUE;

    private FileIo() {}

    // ---- reads and writes ---------------------------------------------------------------

    /**
     * One read into {@code b} (or write from it) of up to its remaining bytes, at {@code offset}
     * or, with -1, at the descriptor's position; advances {@code b}. The byte count (0 at end of
     * file), {@link #ABORTED}; failures other than the retried ones are thrown as the JDK's.
     *
     * @param odirect the file was opened {@code O_DIRECT}: bounce buffers are page-aligned
     */
    static long transfer(FileFd f, ByteBuffer b, long offset, boolean write, boolean odirect) throws IOException {
        Route route = Route.of(write ? CompletionPoller.OP_WRITE : CompletionPoller.OP_READ);
        for (;;) {
            long r = switch (route) {
                case RING -> write || odirect || f.noWaitRefused ? transferOnRing(f, b, offset, write, odirect)
                        : readCachedOrOnRing(f, b, offset);
                case POOL -> transferOnPool(f, b, offset, write, odirect);
                case DIRECT -> transferHere(f, b, offset, write, odirect, false);
            };
            if (r >= 0 || r == ABORTED) {
                return r;
            }
            if (r != -EINTR && r != -EAGAIN) {
                throw FileErrors.onChannel((int) -r);
            }
        }
    }

    /** Reads answered from the page cache by {@link #readCachedOrOnRing} without the ring (for tests and the bench). */
    private static final LongAdder CACHED_READS = new LongAdder();

    static long cachedReads() {
        return CACHED_READS.sum();
    }

    /**
     * A read on io_uring that first asks the page cache: {@code preadv2(RWF_NOWAIT)} copies what
     * is cached, or fails with {@code EAGAIN} without waiting, and only then does the read go to
     * the ring. A cached read is then one system call on the carrier, as the JDK's read is,
     * instead of a ring round trip with a park and an unpark (the files benchmark measured the
     * ring alone at 0.60x the JDK on a hot page cache). It may return fewer bytes than asked,
     * those that were cached, as {@code read} may. Not for {@code O_DIRECT} (never cached: the
     * call would be wasted) nor files whose file system cannot answer ({@code EOPNOTSUPP}, then
     * remembered on the descriptor).
     */
    private static long readCachedOrOnRing(FileFd f, ByteBuffer b, long offset) throws IOException {
        long r = transferHere(f, b, offset, false, false, true);
        if (r == -EAGAIN) {
            return transferOnRing(f, b, offset, false, false);
        }
        if (r == -FileErrors.EOPNOTSUPP) {
            f.noWaitRefused = true;
            return transferOnRing(f, b, offset, false, false);
        }
        if (r >= 0) {
            CACHED_READS.increment();
            WeftScheduler.yieldNowAndThen(++f.cachedReadStreak); // such a read never parks
        }
        return r; // bytes, 0 at end of file, or an error the ring would have given too
    }

    /** On the carrier's ring: a direct buffer in place, a heap one through a bounce buffer. */
    private static long transferOnRing(FileFd f, ByteBuffer b, long offset, boolean write, boolean odirect)
            throws IOException {
        boolean inPlace = b.isDirect();
        int len = inPlace ? b.remaining() : Math.min(b.remaining(), Bounce.MAX);
        MemorySegment owned = inPlace ? null : Bounce.take(len, odirect);
        try {
            MemorySegment io = inPlace ? MemorySegment.ofBuffer(b) : owned.asSlice(0, len);
            if (write && !inPlace) {
                MemorySegment.copy(MemorySegment.ofBuffer(b), 0, io, 0, len);
            }
            FileOperation op = write ? new WriteOperation(f, io, offset) : new ReadOperation(f, io, offset);
            f.track(op);
            int r;
            try {
                r = op.run(0); // returns only after the final completion: io is free again
            } finally {
                f.untrack(op);
            }
            if (r == -ECANCELED) {
                return op.cancelledSpuriously() && !f.isClosed() ? -EINTR : ABORTED;
            }
            if (r > 0) {
                if (!write && !inPlace) {
                    MemorySegment.copy(io, 0, MemorySegment.ofBuffer(b), 0, r);
                }
                b.position(b.position() + r);
            }
            return r;
        } finally {
            if (owned != null) Bounce.give(owned, odirect);
            Reference.reachabilityFence(b); // a direct buffer's memory is the kernel's until the completion
        }
    }

    /**
     * On the blocking pool, always through a bounce buffer of the call's own: if the caller
     * leaves (close, interrupt) before the call returns, the pool thread frees it afterwards,
     * and the caller's buffer is never touched after the caller returned.
     */
    private static long transferOnPool(FileFd f, ByteBuffer b, long offset, boolean write, boolean odirect) {
        int len = Math.min(b.remaining(), Bounce.MAX);
        MemorySegment owned = Bounce.take(len, odirect);
        MemorySegment io = owned.asSlice(0, len);
        if (write) {
            MemorySegment.copy(MemorySegment.ofBuffer(b), 0, io, 0, len);
        }
        if (!f.acquire()) { // the call's own hold: the descriptor outlives an abandoned call
            Bounce.give(owned, odirect);
            return ABORTED;
        }
        int fd = f.fd;
        PoolCall call = new PoolCall(() -> syscall(fd, io, len, offset, write), () -> {
            Bounce.give(owned, odirect);
            f.release();
        });
        f.track(call);
        try {
            call.start();
            if (f.isClosed()) {
                call.abort(); // closed before we were tracked: the close could not see us
            }
            Long r = call.await();
            if (r == null) {
                return ABORTED;
            }
            try {
                if (r > 0) {
                    if (!write) {
                        MemorySegment.copy(io, 0, MemorySegment.ofBuffer(b), 0, r);
                    }
                    b.position(b.position() + (int) (long) r);
                }
            } finally {
                call.finish();
            }
            return r;
        } finally {
            f.untrack(call);
        }
    }

    /**
     * The call itself, a direct buffer in place: on a platform thread (and a pinned one), or
     * with {@code noWait} the page-cache-only read of {@link #readCachedOrOnRing}.
     */
    private static long transferHere(FileFd f, ByteBuffer b, long offset, boolean write, boolean odirect,
                                     boolean noWait) {
        boolean inPlace = b.isDirect();
        int len = inPlace ? b.remaining() : Math.min(b.remaining(), Bounce.MAX);
        MemorySegment owned = inPlace ? null : Bounce.take(len, odirect);
        try {
            MemorySegment io = inPlace ? MemorySegment.ofBuffer(b) : owned.asSlice(0, len);
            if (write && !inPlace) {
                MemorySegment.copy(MemorySegment.ofBuffer(b), 0, io, 0, len);
            }
            long r = noWait ? FileSyscalls.preadNoWait(f.fd, io, len, offset) : syscall(f.fd, io, len, offset, write);
            if (r > 0) {
                if (!write && !inPlace) {
                    MemorySegment.copy(io, 0, MemorySegment.ofBuffer(b), 0, r);
                }
                b.position(b.position() + (int) r);
            }
            return r;
        } finally {
            if (owned != null) Bounce.give(owned, odirect);
            Reference.reachabilityFence(b);
        }
    }

    private static long syscall(int fd, MemorySegment io, long len, long offset, boolean write) {
        if (write) {
            return offset < 0 ? FileSyscalls.write(fd, io, len) : FileSyscalls.pwrite(fd, io, len, offset);
        }
        return offset < 0 ? Libc.read(fd, io, len) : FileSyscalls.pread(fd, io, len, offset);
    }

    // ---- fsync, truncate ------------------------------------------------------------------

    /** fsync, or fdatasync when {@code dataOnly}: 0 or {@link #ABORTED}. */
    static long fsync(FileFd f, boolean dataOnly) throws IOException {
        for (;;) {
            long r = switch (Route.of(CompletionPoller.OP_FSYNC)) {
                case RING -> {
                    FsyncOperation op = new FsyncOperation(f, dataOnly);
                    f.track(op);
                    try {
                        int res = op.run(0);
                        yield res == -ECANCELED ? (op.cancelledSpuriously() && !f.isClosed() ? -EINTR : ABORTED) : res;
                    } finally {
                        f.untrack(op);
                    }
                }
                case POOL -> onPool(f, () -> FileSyscalls.fsync(f.fd, dataOnly));
                case DIRECT -> FileSyscalls.fsync(f.fd, dataOnly);
            };
            if (r >= 0 || r == ABORTED) {
                return r;
            }
            if (r != -EINTR && r != -EAGAIN) {
                throw FileErrors.onChannel((int) -r);
            }
        }
    }

    /**
     * ftruncate: on the pool or here (io_uring's FTRUNCATE is Linux 6.9+ and not used: a
     * truncate is rare and short). 0 or {@link #ABORTED}.
     */
    static long truncate(FileFd f, long size) throws IOException {
        for (;;) {
            long r = Route.of(-1) == Route.DIRECT ? FileSyscalls.ftruncate(f.fd, size)
                    : onPool(f, () -> FileSyscalls.ftruncate(f.fd, size));
            if (r >= 0 || r == ABORTED) {
                return r;
            }
            if (r != -EINTR && r != -EAGAIN) {
                throw FileErrors.onChannel((int) -r);
            }
        }
    }

    /** A call on {@code f} that uses no buffer, on the pool, abortable. */
    private static long onPool(FileFd f, LongSupplier syscall) {
        if (!f.acquire()) {
            return ABORTED;
        }
        PoolCall call = new PoolCall(syscall, f::release);
        f.track(call);
        try {
            call.start();
            if (f.isClosed()) {
                call.abort();
            }
            Long r = call.await();
            if (r == null) {
                return ABORTED;
            }
            call.finish();
            return r;
        } finally {
            f.untrack(call);
        }
    }

    // ---- open, stat, close ----------------------------------------------------------------

    /** openat relative to the working directory: the descriptor, or {@code -errno}. */
    static int open(String path, int flags, int mode) throws IOException {
        MemorySegment p = NativePath.of(path);
        try {
            for (;;) {
                long r = switch (Route.of(CompletionPoller.OP_OPENAT)) {
                    case RING -> runUninterruptibly(new OpenOperation(p, flags, mode));
                    case POOL -> PoolCall.runUninterruptibly(() -> FileSyscalls.openat(FileSyscalls.AT_FDCWD, p, flags, mode));
                    case DIRECT -> FileSyscalls.openat(FileSyscalls.AT_FDCWD, p, flags, mode);
                };
                if (r >= 0 || (r != -EINTR && r != -EAGAIN && r != -ECANCELED)) {
                    return (int) r;
                }
            }
        } finally {
            NativePath.free(p);
        }
    }

    /**
     * A stat of {@code path} (following links unless {@code noFollow}), or with {@code path} null
     * of descriptor {@code fd}: the stat, or throws {@code -errno} as {@code onError} makes it.
     * On a ring {@code IORING_OP_STATX}; elsewhere {@link FileSyscalls#statPath}/{@link FileSyscalls#statFd}
     * ({@code statx} on Linux, {@code fstatat}/{@code fstat} on macOS and FreeBSD). Either way the
     * buffer holds {@link StatLayout#current()}'s structure: rings exist only on Linux, where it is
     * {@code struct statx}.
     */
    static FileStat stat(String path, int fd, boolean noFollow, java.util.function.IntFunction<IOException> onError)
            throws IOException {
        StatLayout layout = StatLayout.current();
        MemorySegment p = NativePath.of(path == null ? "" : path);
        MemorySegment buf = NativeMemory.allocate(layout.byteSize());
        try {
            for (;;) {
                long r = switch (Route.of(CompletionPoller.OP_STATX)) {
                    case RING -> {
                        int dirfd = path == null ? fd : FileSyscalls.AT_FDCWD;
                        int flags = (path == null ? FileSyscalls.AT_EMPTY_PATH : 0) | (noFollow ? FileSyscalls.AT_SYMLINK_NOFOLLOW : 0);
                        yield runUninterruptibly(new StatxOperation(dirfd, p, flags, buf));
                    }
                    case POOL -> PoolCall.runUninterruptibly(() -> statHere(path, p, fd, noFollow, buf));
                    case DIRECT -> statHere(path, p, fd, noFollow, buf);
                };
                if (r >= 0) {
                    return decode(layout, buf);
                }
                if (r != -EINTR && r != -EAGAIN && r != -ECANCELED) {
                    throw onError.apply((int) -r);
                }
            }
        } finally {
            NativeMemory.free(buf);
            NativePath.free(p);
        }
    }

    private static int statHere(String path, MemorySegment nativePath, int fd, boolean noFollow, MemorySegment buf) {
        return path == null ? FileSyscalls.statFd(fd, buf) : FileSyscalls.statPath(nativePath, noFollow, buf);
    }

    private static FileStat decode(StatLayout layout, MemorySegment buf) {
        FileTime mtime = FileTime.from(java.time.Instant.ofEpochSecond(layout.mtimeSeconds(buf), layout.mtimeNanos(buf)));
        return new FileStat(layout.fileSize(buf), layout.mode(buf), mtime, layout.inode(buf));
    }

    /**
     * Closes descriptor {@code fd}, which no operation uses any more ({@link FileFd}): once,
     * whatever happens. On a ring, {@code IORING_OP_CLOSE}; if that was cancelled before it ran
     * (an interrupt, the carrier closing), {@code close(2)} here.
     */
    static void closeDescriptor(int fd) {
        switch (Route.of(CompletionPoller.OP_CLOSE)) {
            case RING -> {
                long r;
                try {
                    r = runUninterruptibly(new CloseOperation(fd));
                } catch (IOException | RuntimeException e) {
                    r = -ECANCELED; // not submitted
                }
                if (r == -ECANCELED) {
                    Libc.close(fd);
                }
            }
            case POOL -> PoolCall.runUninterruptibly(() -> Libc.close(fd));
            case DIRECT -> Libc.close(fd);
        }
    }

    /**
     * Runs a ring operation that an interrupt must not stop (open, stat, close: the JDK does
     * not interrupt those either): the interrupt status is cleared for the run, so the operation
     * is not cancelled for it, and restored after. One that arrives during the run still
     * cancels it; the caller sees {@code -ECANCELED} and runs it again.
     */
    private static long runUninterruptibly(RingOperation op) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            return op.run(0);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
