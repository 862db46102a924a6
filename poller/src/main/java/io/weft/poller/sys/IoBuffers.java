package io.weft.poller.sys;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Native buffers for socket system calls and io_uring sends: Java arrays live on the heap,
 * where the kernel cannot be given them, so bytes pass through one of these.
 *
 * <p>All buffers have the same size, {@link #SIZE}; a larger transfer goes in chunks, as the
 * JDK's own socket streams do. A buffer is taken for one call or operation and given back when
 * the kernel is done with it (for an io_uring send: after its completion). Up to
 * {@link #MAX_RETAINED} idle buffers are kept for reuse; beyond that they are freed. Any thread.
 */
public final class IoBuffers {
    /** The size of every buffer: a socket read or write moves at most this much at once. */
    public static final int SIZE = 16 * 1024;
    /** Idle buffers kept for reuse (16 KiB each): enough for every carrier's writers at once. */
    public static final int MAX_RETAINED = 256;

    private static final ConcurrentLinkedQueue<MemorySegment> IDLE = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger IDLE_COUNT = new AtomicInteger();

    private IoBuffers() {}

    /** A buffer of {@link #SIZE} bytes, with unspecified content. */
    public static MemorySegment take() {
        MemorySegment b = IDLE.poll();
        if (b != null) {
            IDLE_COUNT.decrementAndGet();
            return b;
        }
        return NativeMemory.allocate(SIZE);
    }

    /** Gives back a buffer from {@link #take}; the caller must not touch it afterwards. */
    public static void give(MemorySegment buffer) {
        if (buffer.byteSize() != SIZE) {
            throw new IllegalArgumentException("not an IoBuffers buffer: " + buffer.byteSize() + " bytes");
        }
        if (IDLE_COUNT.incrementAndGet() <= MAX_RETAINED) {
            IDLE.add(buffer);
        } else {
            IDLE_COUNT.decrementAndGet();
            NativeMemory.free(buffer);
        }
    }

    /** Bytes held idle for reuse: counted by {@link NativeMemory} but not leaked. */
    public static long idleBytes() {
        return (long) IDLE_COUNT.get() * SIZE;
    }

    /** How many buffers are held idle. */
    public static int idleBuffers() {
        return IDLE_COUNT.get();
    }
}
