package io.weft.files;

import static io.weft.files.FileIo.ABORTED;

import io.weft.poller.sys.FileSyscalls;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link FileChannel} whose calls never pin a virtual thread's carrier: io_uring operations
 * on a Weft carrier's ring, calls on a small blocking pool for other virtual threads, plain
 * calls on platform threads (see {@link Route} and docs/files.md). Made by {@link WeftFiles#open}.
 *
 * <p>It behaves as the JDK's own file channel: the descriptor's position is the channel's
 * position (a {@code read}/{@code write} without a position moves it, positional ones do not),
 * append mode writes at the end and reports the size as the position, the same exceptions in
 * the same order ({@link ClosedChannelException}, {@link NonReadableChannelException}, ...),
 * and the same interruptible-channel rules: a close from another thread makes a thread inside a
 * call throw {@link java.nio.channels.AsynchronousCloseException}, an interrupt closes the
 * channel and throws {@link java.nio.channels.ClosedByInterruptException}.
 *
 * <p>Differences, on purpose: one read moves at most 1 MiB into a heap buffer (a valid short
 * read; a direct buffer is filled in place in one call); {@link #transferTo} and
 * {@link #transferFrom} copy through a buffer (no {@code sendfile}); {@link #map} maps through
 * a second descriptor of the same file ({@code /proc/self/fd}, {@code /dev/fd} on macOS and
 * FreeBSD: {@link DescriptorPath}); {@link #lock} and
 * {@link #tryLock} are not supported.
 */
public final class WeftFileChannel extends FileChannel {
    private static final int TRANSFER_CHUNK = 64 * 1024;

    private final FileFd fd;
    private final String path;
    private final boolean readable;
    private final boolean writable;
    private final boolean append;
    private final boolean direct;
    /** Serialises the calls that use or move the descriptor's position, as the JDK does. */
    private final ReentrantLock positionLock = new ReentrantLock();

    WeftFileChannel(int fd, String path, OpenFlags flags) {
        this.fd = new FileFd(fd);
        this.path = path;
        this.readable = flags.read();
        this.writable = flags.write();
        this.append = flags.append();
        this.direct = flags.direct();
    }

    private void ensureOpen() throws IOException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    // ---- reading ------------------------------------------------------------------------

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        if (!readable) throw new NonReadableChannelException();
        if (dst.isReadOnly()) throw new IllegalArgumentException("Read-only buffer");
        positionLock.lock();
        try {
            return readAt(dst, -1);
        } finally {
            positionLock.unlock();
        }
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        Objects.requireNonNull(dst);
        if (dst.isReadOnly()) throw new IllegalArgumentException("Read-only buffer");
        if (position < 0) throw new IllegalArgumentException("Negative position");
        ensureOpen();
        if (!readable) throw new NonReadableChannelException();
        return readAt(dst, position);
    }

    /** One read at {@code position} (-1: the descriptor's), with the interruptible-channel brackets. */
    private int readAt(ByteBuffer dst, long position) throws IOException {
        long n = 0;
        boolean held = false;
        try {
            begin();
            if (!isOpen() || !(held = fd.acquire())) {
                return 0;
            }
            if (!dst.hasRemaining()) {
                return 0;
            }
            n = FileIo.transfer(fd, dst, position, false, direct);
            if (n == ABORTED) {
                n = 0;
                return 0;
            }
            if (n == 0) {
                n = -1; // end of file
            }
            return (int) n;
        } finally {
            if (held) fd.release();
            end(n > 0);
        }
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        ensureOpen();
        if (!readable) throw new NonReadableChannelException();
        positionLock.lock();
        try {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                ByteBuffer b = dsts[i];
                if (!b.hasRemaining()) continue;
                int want = b.remaining();
                int n = read(b);
                if (n < 0) {
                    return total == 0 ? -1 : total;
                }
                total += n;
                if (n < want) break; // short: the file has no more for now
            }
            return total;
        } finally {
            positionLock.unlock();
        }
    }

    // ---- writing ------------------------------------------------------------------------

    @Override
    public int write(ByteBuffer src) throws IOException {
        ensureOpen();
        if (!writable) throw new NonWritableChannelException();
        positionLock.lock();
        try {
            return writeAt(src, -1);
        } finally {
            positionLock.unlock();
        }
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        Objects.requireNonNull(src);
        if (position < 0) throw new IllegalArgumentException("Negative position");
        ensureOpen();
        if (!writable) throw new NonWritableChannelException();
        return writeAt(src, position);
    }

    /**
     * Writes all of {@code src} unless a write falls short or the channel closes: a heap buffer
     * goes in bounce-buffer pieces, and the JDK writes a heap buffer whole, so this loops.
     */
    private int writeAt(ByteBuffer src, long position) throws IOException {
        long total = 0;
        boolean held = false;
        try {
            begin();
            if (!isOpen() || !(held = fd.acquire())) {
                return 0;
            }
            while (src.hasRemaining()) {
                int want = src.remaining();
                long n = FileIo.transfer(fd, src, position < 0 ? -1 : position + total, true, direct);
                if (n == ABORTED) {
                    break;
                }
                total += n;
                if (n == 0 || (n < want && n < Bounce.MAX)) {
                    break; // short: the kernel took what it could
                }
            }
            return (int) total;
        } finally {
            if (held) fd.release();
            end(total > 0);
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        ensureOpen();
        if (!writable) throw new NonWritableChannelException();
        positionLock.lock();
        try {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                ByteBuffer b = srcs[i];
                int want = b.remaining();
                int n = write(b);
                total += n;
                if (n < want) break;
            }
            return total;
        } finally {
            positionLock.unlock();
        }
    }

    // ---- position, size, truncate, force --------------------------------------------------

    @Override
    public long position() throws IOException {
        ensureOpen();
        positionLock.lock();
        try {
            long p = -1;
            boolean held = false;
            try {
                begin();
                if (!isOpen() || !(held = fd.acquire())) {
                    return 0;
                }
                // In append mode the next write goes to the end, so that is the position (JDK).
                p = append ? FileIo.stat(null, fd.fd, false, FileErrors::onChannel).size()
                        : check(FileSyscalls.lseek(fd.fd, 0, FileSyscalls.SEEK_CUR));
                return p;
            } finally {
                if (held) fd.release();
                end(p > -1);
            }
        } finally {
            positionLock.unlock();
        }
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < 0) throw new IllegalArgumentException();
        positionLock.lock();
        try {
            long p = -1;
            boolean held = false;
            try {
                begin();
                if (!isOpen() || !(held = fd.acquire())) {
                    return null;
                }
                p = check(FileSyscalls.lseek(fd.fd, newPosition, FileSyscalls.SEEK_SET)); // never blocks
                return this;
            } finally {
                if (held) fd.release();
                end(p > -1);
            }
        } finally {
            positionLock.unlock();
        }
    }

    @Override
    public long size() throws IOException {
        return stat().size();
    }

    /** A stat of the open file (statx on Linux, fstat on macOS and FreeBSD): size, mode, modification time, inode. */
    public FileStat stat() throws IOException {
        ensureOpen();
        FileStat s = null;
        boolean held = false;
        try {
            begin();
            if (!isOpen() || !(held = fd.acquire())) {
                throw new ClosedChannelException(); // replaced by end()'s exception
            }
            s = FileIo.stat(null, fd.fd, false, FileErrors::onChannel);
            return s;
        } finally {
            if (held) fd.release();
            end(s != null);
        }
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        ensureOpen();
        if (size < 0) throw new IllegalArgumentException("Negative size");
        if (!writable) throw new NonWritableChannelException();
        positionLock.lock();
        try {
            long rv = -1;
            boolean held = false;
            try {
                begin();
                if (!isOpen() || !(held = fd.acquire())) {
                    return null;
                }
                long current = FileIo.stat(null, fd.fd, false, FileErrors::onChannel).size();
                long p = check(FileSyscalls.lseek(fd.fd, 0, FileSyscalls.SEEK_CUR));
                if (size < current) {
                    rv = FileIo.truncate(fd, size);
                    if (rv == ABORTED) {
                        return null;
                    }
                }
                // A position beyond the new size moves to it (the JDK's rule).
                check(FileSyscalls.lseek(fd.fd, Math.min(p, size), FileSyscalls.SEEK_SET));
                rv = 0;
                return this;
            } finally {
                if (held) fd.release();
                end(rv > -1);
            }
        } finally {
            positionLock.unlock();
        }
    }

    /**
     * fsync, or fdatasync when {@code !metaData}: IORING_OP_FSYNC on a ring. On macOS both are
     * {@code fcntl(F_FULLFSYNC)}, as the JDK's {@code force} (see {@link FileSyscalls#fsync}).
     */
    @Override
    public void force(boolean metaData) throws IOException {
        ensureOpen();
        long rv = -1;
        boolean held = false;
        try {
            begin();
            if (!isOpen() || !(held = fd.acquire())) {
                return;
            }
            rv = FileIo.fsync(fd, !metaData);
        } finally {
            if (held) fd.release();
            end(rv > -1);
        }
    }

    private static long check(long r) throws IOException {
        if (r < 0) {
            throw FileErrors.onChannel((int) -r);
        }
        return r;
    }

    // ---- transfers, mapping, locks ------------------------------------------------------

    /** Copies through a direct buffer (no {@code sendfile}): positional reads of this file, writes to {@code target}. */
    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        ensureOpen();
        if (!target.isOpen()) throw new ClosedChannelException();
        if (!readable) throw new NonReadableChannelException();
        if (target instanceof WeftFileChannel w && !w.writable) throw new NonWritableChannelException();
        if (position < 0 || count < 0) throw new IllegalArgumentException();
        ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(Math.max(count, 1), TRANSFER_CHUNK));
        long done = 0;
        while (done < count) {
            buf.clear().limit((int) Math.min(buf.capacity(), count - done));
            int n = read(buf, position + done);
            if (n <= 0) break;
            buf.flip();
            int w = target.write(buf);
            done += w;
            if (w < n) break; // a non-blocking target took less
        }
        return done;
    }

    /** Copies through a direct buffer: reads of {@code src}, positional writes to this file. */
    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        ensureOpen();
        if (!src.isOpen()) throw new ClosedChannelException();
        if (src instanceof WeftFileChannel r && !r.readable) throw new NonReadableChannelException();
        if (!writable) throw new NonWritableChannelException();
        if (position < 0 || count < 0) throw new IllegalArgumentException();
        if (position > size()) return 0;
        ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(Math.max(count, 1), TRANSFER_CHUNK));
        long done = 0;
        while (done < count) {
            buf.clear().limit((int) Math.min(buf.capacity(), count - done));
            int n = src.read(buf);
            if (n <= 0) break;
            buf.flip();
            while (buf.hasRemaining()) {
                int w = write(buf, position + done);
                if (w <= 0) return done;
                done += w;
            }
        }
        return done;
    }

    /**
     * Maps through a second descriptor of the same open file ({@link DescriptorPath}), opened
     * by a JDK FileChannel for the call and closed after it (a mapping outlives its channel).
     * The mapping itself is the kernel's {@code mmap}; page faults on it block the thread that
     * touches it, as with any mapping.
     */
    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        ensureOpen();
        Objects.requireNonNull(mode, "Mode is null");
        if (mode != MapMode.READ_ONLY && !writable) throw new NonWritableChannelException();
        if (!readable) throw new NonReadableChannelException();
        if (!fd.acquire()) throw new ClosedChannelException();
        try (FileChannel same = FileChannel.open(DescriptorPath.of(fd.fd),
                mode == MapMode.READ_WRITE ? new StandardOpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE}
                        : new StandardOpenOption[] {StandardOpenOption.READ})) {
            return same.map(mode, position, size);
        } finally {
            fd.release();
        }
    }

    /** Not supported: use a JDK {@code FileChannel} for file locks. */
    @Override
    public FileLock lock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException(
                "WeftFileChannel does not lock files: open a JDK FileChannel (FileChannel.open) for file locks");
    }

    /** Not supported: use a JDK {@code FileChannel} for file locks. */
    @Override
    public FileLock tryLock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException(
                "WeftFileChannel does not lock files: open a JDK FileChannel (FileChannel.open) for file locks");
    }

    // ---- closing ------------------------------------------------------------------------

    /**
     * Aborts the calls in flight (their io_uring operations are cancelled, their pool calls
     * abandoned) and closes the descriptor once the last of them has ended. Also what an
     * interrupt of a thread inside a call runs.
     */
    @Override
    protected void implCloseChannel() {
        fd.close();
    }

    /** Holds on the descriptor outstanding (calls in flight), for tests. */
    int holds() {
        return fd.holds();
    }

    /** The descriptor number, for tests. */
    int descriptor() {
        return fd.fd;
    }

    @Override
    public String toString() {
        return "WeftFileChannel[" + path + ", fd=" + fd.fd + (isOpen() ? "" : ", closed") + "]";
    }
}
