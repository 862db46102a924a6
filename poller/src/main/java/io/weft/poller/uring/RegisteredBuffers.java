package io.weft.poller.uring;

import static io.weft.poller.uring.Uring.REGISTER_BUFFERS;
import static io.weft.poller.uring.Uring.REGISTER_BUFFERS2;
import static io.weft.poller.uring.Uring.REGISTER_BUFFERS_UPDATE;
import static io.weft.poller.uring.Uring.RSRC_REGISTER_SPARSE;
import static io.weft.poller.uring.Uring.UNREGISTER_BUFFERS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.weft.poller.sys.Errno;
import io.weft.poller.sys.ErrnoException;
import io.weft.poller.sys.NativeMemory;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code IORING_REGISTER_BUFFERS} (a set at once), {@code IORING_REGISTER_BUFFERS2} with
 * {@code IORING_RSRC_REGISTER_SPARSE} and {@code IORING_REGISTER_BUFFERS_UPDATE} (a table of
 * empty slots filled one at a time), and their undoing, with the refusals explained. The kernel
 * pins the buffers' pages once, so {@code READ_FIXED}/{@code WRITE_FIXED} skip the per-operation
 * page pinning ({@code get_user_pages}) and unpinning. Pinned pages count against
 * {@code RLIMIT_MEMLOCK} unless the process has {@code CAP_IPC_LOCK}; past it the kernel says
 * {@code ENOMEM}, which {@link #register} turns into a message naming the limit.
 */
final class RegisteredBuffers {
    private RegisteredBuffers() {}

    /** The most buffers one registration may hold (the kernel's {@code IORING_MAX_REG_BUFFERS}). */
    static final int MAX_BUFFERS = 1 << 14;
    /** The largest single buffer the kernel accepts (1 GiB). */
    static final long MAX_BUFFER_SIZE = 1L << 30;

    /**
     * Registers {@code buffers} (index = position) and returns their bounds as
     * {@code [start0, end0, start1, end1, ...]} for the bounds check of fixed operations.
     */
    static long[] register(Ring ring, MemorySegment... buffers) throws IOException {
        if (buffers.length == 0) {
            throw new IllegalArgumentException("no buffers to register");
        }
        if (buffers.length > MAX_BUFFERS) {
            throw new IllegalArgumentException(buffers.length + " buffers: at most " + MAX_BUFFERS + " can be registered");
        }
        long[] bounds = new long[2 * buffers.length];
        long total = 0;
        MemorySegment iovecs = NativeMemory.allocate(16L * buffers.length);
        try {
            for (int i = 0; i < buffers.length; i++) {
                MemorySegment b = buffers[i];
                if (!b.isNative() || b.byteSize() == 0 || b.byteSize() > MAX_BUFFER_SIZE) {
                    throw new IllegalArgumentException("buffer " + i + ": must be native memory of 1 byte to 1 GiB, is "
                            + (b.isNative() ? b.byteSize() + " bytes" : "on the heap"));
                }
                iovecs.set(JAVA_LONG, 16L * i, b.address());
                iovecs.set(JAVA_LONG, 16L * i + 8, b.byteSize());
                bounds[2 * i] = b.address();
                bounds[2 * i + 1] = b.address() + b.byteSize();
                total += b.byteSize();
            }
            long r = ring.register(REGISTER_BUFFERS, iovecs, buffers.length);
            if (r < 0) {
                throw new ErrnoException("io_uring_register(BUFFERS)", (int) -r, refusal((int) -r, buffers.length, total));
            }
            return bounds;
        } finally {
            NativeMemory.free(iovecs);
        }
    }

    /** Registers {@code slots} empty buffer slots; returns their (empty) bounds. */
    static long[] registerSparse(Ring ring, int slots) throws ErrnoException {
        if (slots < 1 || slots > MAX_BUFFERS) {
            throw new IllegalArgumentException(slots + " buffer slots: must be from 1 to " + MAX_BUFFERS);
        }
        // struct io_uring_rsrc_register {u32 nr; u32 flags; u64 resv2; u64 data; u64 tags;}
        MemorySegment reg = NativeMemory.allocate(32);
        try {
            reg.set(JAVA_INT, 0, slots);
            reg.set(JAVA_INT, 4, RSRC_REGISTER_SPARSE);
            ErrnoException.check("io_uring_register(BUFFERS2, " + slots + " sparse slots)",
                    ring.register(REGISTER_BUFFERS2, reg, 32));
            return new long[2 * slots];
        } finally {
            NativeMemory.free(reg);
        }
    }

    /**
     * Puts {@code buf} into slot {@code slot} ({@code null}: empties it), replacing what was
     * there, and records its bounds in {@code bounds}. A fixed operation in flight on the old
     * buffer keeps it pinned until it completes (the kernel holds a reference per request).
     */
    static void update(Ring ring, long[] bounds, int slot, MemorySegment buf) throws ErrnoException {
        if (slot < 0 || 2 * slot >= bounds.length) {
            throw new IllegalArgumentException("buffer slot " + slot + " not registered (0 to " + (bounds.length / 2 - 1) + ")");
        }
        if (buf != null && (!buf.isNative() || buf.byteSize() == 0 || buf.byteSize() > MAX_BUFFER_SIZE)) {
            throw new IllegalArgumentException("buffer for slot " + slot + ": must be native memory of 1 byte to 1 GiB");
        }
        // struct io_uring_rsrc_update2 {u32 offset; u32 resv; u64 data; u64 tags; u32 nr; u32 resv2;},
        // then the one iovec it points at ({NULL, 0} empties the slot)
        MemorySegment up = NativeMemory.allocate(32 + 16);
        try {
            up.set(JAVA_INT, 0, slot);
            up.set(JAVA_LONG, 8, up.address() + 32);
            up.set(JAVA_INT, 24, 1);
            if (buf != null) {
                up.set(JAVA_LONG, 32, buf.address());
                up.set(JAVA_LONG, 40, buf.byteSize());
            }
            long r = ring.register(REGISTER_BUFFERS_UPDATE, up, 32);
            if (r < 0) {
                long bytes = buf == null ? 0 : buf.byteSize();
                throw new ErrnoException("io_uring_register(BUFFERS_UPDATE, slot " + slot + ")", (int) -r,
                        refusal((int) -r, 1, bytes));
            }
            bounds[2 * slot] = buf == null ? 0 : buf.address();
            bounds[2 * slot + 1] = buf == null ? 0 : buf.address() + buf.byteSize();
        } finally {
            NativeMemory.free(up);
        }
    }

    static void unregister(Ring ring) throws ErrnoException {
        ErrnoException.check("io_uring_register(UNREGISTER_BUFFERS)", ring.register(UNREGISTER_BUFFERS, MemorySegment.NULL, 0));
    }

    private static String refusal(int errno, int count, long bytes) {
        String what = count + " buffers, " + bytes + " bytes";
        return switch (Errno.name(errno)) {
            case "ENOMEM" -> what + ": pinning them exceeds RLIMIT_MEMLOCK (" + memlockLimit()
                    + "; raise it with ulimit -l or LimitMEMLOCK=, or register less; CAP_IPC_LOCK lifts it)";
            case "EFAULT" -> what + ": a buffer is not ordinary anonymous memory the kernel can pin";
            case "EBUSY" -> what + ": buffers are already registered with this ring";
            default -> what;
        };
    }

    /** The soft RLIMIT_MEMLOCK, as {@code /proc/self/limits} says it ("Max locked memory"). */
    static String memlockLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max locked memory")) {
                    String[] f = line.substring("Max locked memory".length()).trim().split("\\s+");
                    return f[0].equals("unlimited") ? "unlimited" : "limit " + f[0] + " bytes";
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux's procfs: say nothing about the number
        }
        return "limit unknown";
    }
}
