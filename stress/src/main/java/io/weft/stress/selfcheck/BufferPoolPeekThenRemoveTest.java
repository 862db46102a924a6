package io.weft.stress.selfcheck;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.lang.foreign.MemorySegment;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * SELF-CHECK, excluded from the suite: {@code io.weft.stress.poller.IoBuffersTakeGiveTest}'s
 * body on {@link BrokenBufferPool} with flaw {@link BrokenBufferPool.Flaw#PEEK_THEN_REMOVE}
 * (one process-wide pool, as the real one, but with no bound on idle buffers: a shared buffer
 * given back twice must not be freed twice). Expected: SHARED BUFFER, {@code 1, 1}.
 * {@code ./weft stress jcstress selfcheck} passes only if jcstress reports a forbidden outcome.
 */
@JCStressTest
@State
@Description("SELF-CHECK (must fail): buffer pool PEEK_THEN_REMOVE")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "each holds a buffer of its own")
@Outcome(id = "1, .*", expect = FORBIDDEN, desc = "SHARED BUFFER: two threads hold the same native buffer")
@Outcome(expect = FORBIDDEN, desc = "a buffer of the wrong size")
public class BufferPoolPeekThenRemoveTest {
    private static final int SIZE = 1024;
    private static final BrokenBufferPool POOL = new BrokenBufferPool(BrokenBufferPool.Flaw.PEEK_THEN_REMOVE, SIZE,
            Integer.MAX_VALUE);

    private MemorySegment heldA = POOL.take();
    private MemorySegment heldB = POOL.take();

    @Actor
    public void a() {
        POOL.give(heldA);
        heldA = POOL.take();
    }

    @Actor
    public void b() {
        POOL.give(heldB);
        heldB = POOL.take();
    }

    @Arbiter
    public void check(II_Result r) {
        boolean same = heldA.address() == heldB.address();
        r.r1 = same ? 1 : 0;
        r.r2 = heldA.byteSize() == SIZE && heldB.byteSize() == SIZE ? 1 : 0;
        POOL.give(heldA);
        if (!same) {
            POOL.give(heldB);
        }
    }
}
