package io.weft.files;

import io.weft.poller.sys.IoBuffers;
import io.weft.poller.sys.NativeMemory;
import java.lang.foreign.MemorySegment;

/**
 * Native buffers that heap bytes pass through on their way to the kernel, which cannot be given
 * a Java array. Up to {@link IoBuffers#SIZE} they come from the shared {@link IoBuffers} pool;
 * larger transfers get a buffer of their own of up to {@link #MAX} bytes (one call moves at most
 * that much; see {@link WeftFileChannel#read}), freed after the call. For {@code O_DIRECT} the
 * buffer is page-aligned memory, as the kernel wants.
 */
final class Bounce {
    /** The most one call moves through a bounce buffer. */
    static final int MAX = 1 << 20;

    private Bounce() {}

    /** A buffer of exactly {@code min(bytes, MAX)} usable bytes (the segment returned may be larger). */
    static MemorySegment take(int bytes, boolean direct) {
        int n = Math.max(1, Math.min(bytes, MAX));
        if (direct) {
            try {
                return NativeMemory.allocatePages(n);
            } catch (java.io.IOException e) {
                throw new OutOfMemoryError("mmap of a " + n + "-byte O_DIRECT buffer failed: " + e.getMessage());
            }
        }
        return n <= IoBuffers.SIZE ? IoBuffers.take(n) : NativeMemory.allocateUninitialized(n);
    }

    static void give(MemorySegment buffer, boolean direct) {
        if (direct) {
            NativeMemory.unmap(buffer);
        } else if (buffer.byteSize() == IoBuffers.SIZE || buffer.byteSize() == IoBuffers.SMALL) {
            IoBuffers.give(buffer);
        } else {
            NativeMemory.free(buffer);
        }
    }
}
