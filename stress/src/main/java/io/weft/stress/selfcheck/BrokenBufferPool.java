package io.weft.stress.selfcheck;

import io.weft.poller.sys.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A copy of {@code io.weft.poller.sys.IoBuffers}' pool of one size (same code, as an instance)
 * with one deliberate {@link Flaw}, for the self-check tests. Never use outside
 * {@code io.weft.stress.selfcheck}.
 */
public final class BrokenBufferPool {
    /** The bug this copy has. */
    public enum Flaw {
        /** {@link #take} peeks at the idle list's head, then removes it: two takers can get the same buffer. */
        PEEK_THEN_REMOVE,
    }

    private final Flaw flaw;
    private final int size;
    private final int maxIdle;
    private final ConcurrentLinkedQueue<MemorySegment> idle = new ConcurrentLinkedQueue<>();
    private final AtomicInteger idleCount = new AtomicInteger();

    public BrokenBufferPool(Flaw flaw, int size, int maxIdle) {
        this.flaw = flaw;
        this.size = size;
        this.maxIdle = maxIdle;
    }

    public MemorySegment take() {
        MemorySegment b;
        if (flaw == Flaw.PEEK_THEN_REMOVE) {
            b = idle.peek(); // BUG: another taker may peek the same head before we remove it
            if (b != null) {
                idle.remove(b);
            }
        } else {
            b = idle.poll();
        }
        if (b != null) {
            idleCount.decrementAndGet();
            return b;
        }
        return NativeMemory.allocateUninitialized(size);
    }

    public void give(MemorySegment b) {
        if (idleCount.incrementAndGet() <= maxIdle) {
            idle.add(b);
        } else {
            idleCount.decrementAndGet();
            NativeMemory.free(b);
        }
    }
}
