package io.weft.poller.uring;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.weft.poller.BufferRing;
import io.weft.poller.sys.ErrnoException;
import io.weft.poller.sys.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * A provided buffer ring ({@code IORING_REGISTER_PBUF_RING}): an array of
 * {@code struct io_uring_buf {u64 addr; u32 len; u16 bid; u16 resv;}} in page-aligned memory
 * shared with the kernel, whose 16-bit tail overlays {@code resv} of entry 0. We write entries
 * at the tail and publish them with a store-release of the tail; the kernel consumes from its
 * private head.
 *
 * <p>Owner thread only. Memory is freed by {@link #free()}, which the poller calls after it
 * has reaped every operation and unregistered the ring.
 */
final class ProvidedBufferRing implements BufferRing {
    private static final VarHandle SHORT = JAVA_SHORT.varHandle();
    private static final long ENTRY_SIZE = 16;
    private static final long TAIL_OFFSET = 14;

    private final Ring ring;
    private final int groupId;
    private final int count;
    private final int bufferSize;
    private final int mask;
    private final MemorySegment entries;
    private final MemorySegment buffers;
    /** Our tail; the kernel sees it once {@link #publish} stores it. */
    private short tail;

    private ProvidedBufferRing(Ring ring, int groupId, int count, int bufferSize, MemorySegment entries,
                               MemorySegment buffers) {
        this.ring = ring;
        this.groupId = groupId;
        this.count = count;
        this.bufferSize = bufferSize;
        this.mask = count - 1;
        this.entries = entries;
        this.buffers = buffers;
    }

    static ProvidedBufferRing register(Ring ring, int groupId, int count, int bufferSize) throws ErrnoException {
        if (count < 1 || count > 32768 || Integer.bitCount(count) != 1) {
            throw new IllegalArgumentException("buffer ring size must be a power of two from 1 to 32768: " + count);
        }
        if (bufferSize < 1) {
            throw new IllegalArgumentException("buffer size must be positive: " + bufferSize);
        }
        if (groupId < 0 || groupId > 0xFFFF) {
            throw new IllegalArgumentException("buffer group id must fit 16 bits: " + groupId);
        }
        MemorySegment entries = NativeMemory.allocatePages(ENTRY_SIZE * count);
        MemorySegment buffers = null;
        MemorySegment reg = null;
        try {
            buffers = NativeMemory.allocatePages((long) bufferSize * count);
            // struct io_uring_buf_reg {u64 ring_addr; u32 ring_entries; u16 bgid; u16 flags; u64 resv[3];}
            reg = NativeMemory.allocate(40);
            reg.set(JAVA_LONG, 0, entries.address());
            reg.set(JAVA_INT, 8, count);
            reg.set(JAVA_SHORT, 12, (short) groupId);
            ErrnoException.check("io_uring_register(PBUF_RING, group " + groupId + ")",
                    ring.register(Uring.REGISTER_PBUF_RING, reg, 1));
        } catch (ErrnoException | RuntimeException e) {
            if (buffers != null) NativeMemory.unmap(buffers);
            NativeMemory.unmap(entries);
            throw e;
        } finally {
            if (reg != null) NativeMemory.free(reg);
        }
        ProvidedBufferRing r = new ProvidedBufferRing(ring, groupId, count, bufferSize, entries, buffers);
        for (int bid = 0; bid < count; bid++) {
            r.put(bid);
        }
        r.publish();
        return r;
    }

    @Override
    public int groupId() {
        return groupId;
    }

    @Override
    public int count() {
        return count;
    }

    @Override
    public int bufferSize() {
        return bufferSize;
    }

    @Override
    public MemorySegment buffer(int bufferId) {
        return buffers.asSlice((long) checkId(bufferId) * bufferSize, bufferSize);
    }

    @Override
    public void recycle(int bufferId) {
        put(checkId(bufferId));
        publish();
    }

    private void put(int bid) {
        long e = ((tail & mask) * ENTRY_SIZE);
        entries.set(JAVA_LONG, e, buffers.address() + (long) bid * bufferSize);
        entries.set(JAVA_INT, e + 8, bufferSize);
        entries.set(JAVA_SHORT, e + 12, (short) bid);
        tail++;
    }

    /** Store-release of the tail: the kernel reads it with acquire, then the entries. */
    private void publish() {
        SHORT.setRelease(entries, TAIL_OFFSET, tail);
    }

    @Override
    public int available() {
        // struct io_uring_buf_status {u32 buf_group; u32 head; u32 resv[8];}
        MemorySegment status = NativeMemory.allocate(40);
        try {
            status.set(JAVA_INT, 0, groupId);
            long r = ring.register(Uring.REGISTER_PBUF_STATUS, status, 1);
            if (r < 0) {
                throw new IllegalStateException(new ErrnoException("io_uring_register(PBUF_STATUS)", (int) -r));
            }
            int head = status.get(JAVA_INT, 4) & 0xFFFF;
            return (Short.toUnsignedInt(tail) - head) & 0xFFFF;
        } finally {
            NativeMemory.free(status);
        }
    }

    private int checkId(int bufferId) {
        if (bufferId < 0 || bufferId >= count) {
            throw new IndexOutOfBoundsException("buffer id " + bufferId + " not in ring of " + count);
        }
        return bufferId;
    }

    /** Unregisters from the kernel; only after every receive that might use it has completed. */
    void unregister() {
        MemorySegment reg = NativeMemory.allocate(40);
        try {
            reg.set(JAVA_SHORT, 12, (short) groupId);
            ring.register(Uring.UNREGISTER_PBUF_RING, reg, 1); // fails only if already gone
        } finally {
            NativeMemory.free(reg);
        }
    }

    void free() {
        NativeMemory.unmap(buffers);
        NativeMemory.unmap(entries);
    }
}
