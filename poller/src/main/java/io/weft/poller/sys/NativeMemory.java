package io.weft.poller.sys;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Native memory whose lifetime weft controls by hand: memory the kernel may still write to
 * after Java is done with it (receive buffers, buffer rings, ring mappings) must be freed only
 * after the kernel's completion or cancellation has been reaped, which no {@code Arena} models.
 *
 * <p>Every allocation and mapping is counted, so tests can assert that nothing leaked:
 * {@link #liveAllocations()} and {@link #liveBytes()} are back to where they were once every
 * poller and buffer a test made has been closed. Thread-safe.
 */
public final class NativeMemory {
    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_POPULATE = 0x8000;

    private static final long PAGE_SIZE = 4096;

    private static final AtomicLong LIVE_ALLOCATIONS = new AtomicLong();
    private static final AtomicLong LIVE_BYTES = new AtomicLong();

    private NativeMemory() {}

    /** Zeroed memory of {@code size} bytes, 16-byte aligned. Free with {@link #free}. */
    public static MemorySegment allocate(long size) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive: " + size);
        }
        MemorySegment p = Libc.calloc(size);
        if (p.equals(MemorySegment.NULL)) {
            throw new OutOfMemoryError("calloc(" + size + ") failed");
        }
        counted(size);
        return p.reinterpret(size);
    }

    /**
     * Memory of {@code size} bytes with unspecified content, 16-byte aligned: for buffers that
     * are always written before they are read, where zeroing would be wasted work. Free with
     * {@link #free}.
     */
    public static MemorySegment allocateUninitialized(long size) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive: " + size);
        }
        MemorySegment p = Libc.malloc(size);
        if (p.equals(MemorySegment.NULL)) {
            throw new OutOfMemoryError("malloc(" + size + ") failed");
        }
        counted(size);
        return p.reinterpret(size);
    }

    /** Frees memory from {@link #allocate} or {@link #allocateUninitialized}. */
    public static void free(MemorySegment segment) {
        Libc.free(segment);
        uncounted(segment.byteSize());
    }

    /**
     * Zeroed, page-aligned anonymous memory of at least {@code size} bytes (rounded up to
     * whole pages), as buffer rings need. Free with {@link #unmap}.
     */
    public static MemorySegment allocatePages(long size) throws ErrnoException {
        long length = roundUpToPage(size);
        long addr = ErrnoException.check("mmap",
                Libc.mmap(MemorySegment.NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
        counted(length);
        return MemorySegment.ofAddress(addr).reinterpret(length);
    }

    /** Maps {@code length} bytes of {@code fd} at {@code offset}, shared (how io_uring's rings are mapped). */
    public static MemorySegment mapShared(int fd, long length, long offset, String what) throws ErrnoException {
        long addr = Libc.mmap(MemorySegment.NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, offset);
        if (addr < 0) {
            throw new ErrnoException("mmap(" + what + ")", (int) -addr);
        }
        counted(length);
        return MemorySegment.ofAddress(addr).reinterpret(length);
    }

    /** Unmaps memory from {@link #allocatePages} or {@link #mapShared}. */
    public static void unmap(MemorySegment segment) {
        int r = Libc.munmap(segment, segment.byteSize());
        if (r < 0) {
            // Only EINVAL is possible for a mapping we made: a bug, not an I/O condition.
            throw new IllegalStateException("munmap: " + Errno.describe(-r));
        }
        uncounted(segment.byteSize());
    }

    public static long roundUpToPage(long size) {
        return (size + PAGE_SIZE - 1) & -PAGE_SIZE;
    }

    /** Allocations and mappings not yet freed. */
    public static long liveAllocations() {
        return LIVE_ALLOCATIONS.get();
    }

    /** Bytes in allocations and mappings not yet freed. */
    public static long liveBytes() {
        return LIVE_BYTES.get();
    }

    private static void counted(long bytes) {
        LIVE_ALLOCATIONS.incrementAndGet();
        LIVE_BYTES.addAndGet(bytes);
    }

    private static void uncounted(long bytes) {
        LIVE_ALLOCATIONS.decrementAndGet();
        LIVE_BYTES.addAndGet(-bytes);
    }
}
