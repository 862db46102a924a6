package io.weft.poller.sys;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Native buffers for socket system calls and io_uring sends: Java arrays live on the heap,
 * where the kernel cannot be given them, so bytes pass through one of these.
 *
 * <p>Two sizes: {@link #SMALL} for the short messages most request/response traffic is made of,
 * {@link #SIZE} for the rest; a larger transfer goes in chunks of {@link #SIZE}, as the JDK's
 * own socket streams do. A buffer is taken for one call or operation and given back when the
 * kernel is done with it (for an io_uring send: after its completion, so with many connections
 * many are out at once). Idle buffers are kept for reuse, up to a bound per size; beyond it they
 * are freed. Any thread.
 *
 * <p>Why it matters: a profile of 1,000 echo connections spent 5% of the server's CPU in
 * {@code calloc} and zeroing 16 KiB for 64-byte messages, when the pool kept too few.
 */
public final class IoBuffers {
    /** The largest buffer: a socket read or write moves at most this much at once. */
    public static final int SIZE = 16 * 1024;
    /** The small buffer, for transfers of up to this many bytes. */
    public static final int SMALL = 1024;

    private static final Pool SMALL_POOL = new Pool(SMALL, 4096);
    private static final Pool LARGE_POOL = new Pool(SIZE, 512);

    private IoBuffers() {}

    /** A buffer of at least {@code min(bytes, SIZE)} bytes (exactly {@link #SMALL} or {@link #SIZE}), content unspecified. */
    public static MemorySegment take(int bytes) {
        return (bytes <= SMALL ? SMALL_POOL : LARGE_POOL).take();
    }

    /** Gives back a buffer from {@link #take}; the caller must not touch it afterwards. */
    public static void give(MemorySegment buffer) {
        long size = buffer.byteSize();
        if (size == SMALL) {
            SMALL_POOL.give(buffer);
        } else if (size == SIZE) {
            LARGE_POOL.give(buffer);
        } else {
            throw new IllegalArgumentException("not an IoBuffers buffer: " + size + " bytes");
        }
    }

    /** Bytes held idle for reuse: counted by {@link NativeMemory} but not leaked. */
    public static long idleBytes() {
        return (long) SMALL_POOL.idle() * SMALL + (long) LARGE_POOL.idle() * SIZE;
    }

    /** How many buffers are held idle. */
    public static int idleBuffers() {
        return SMALL_POOL.idle() + LARGE_POOL.idle();
    }

    /** Idle buffers of one size. */
    private static final class Pool {
        private final int size;
        private final int maxIdle;
        private final ConcurrentLinkedQueue<MemorySegment> idle = new ConcurrentLinkedQueue<>();
        private final AtomicInteger idleCount = new AtomicInteger();

        Pool(int size, int maxIdle) {
            this.size = size;
            this.maxIdle = maxIdle;
        }

        MemorySegment take() {
            MemorySegment b = idle.poll();
            if (b != null) {
                idleCount.decrementAndGet();
                return b;
            }
            return NativeMemory.allocateUninitialized(size);
        }

        void give(MemorySegment b) {
            if (idleCount.incrementAndGet() <= maxIdle) {
                idle.add(b);
            } else {
                idleCount.decrementAndGet();
                NativeMemory.free(b);
            }
        }

        int idle() {
            return idleCount.get();
        }
    }
}
