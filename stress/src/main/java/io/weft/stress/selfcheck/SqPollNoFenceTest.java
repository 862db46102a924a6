package io.weft.stress.selfcheck;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Self-check for {@code SqPollWakeupTest}: the submitter's half without the full fence, a
 * release store of the tail and then the read of the flags, which is enough without SQPOLL
 * (io_uring_enter orders it) and is the mistake DESIGN.md warns of. The flags load may pass
 * the tail store (x86's store buffer, or the JIT), and both sides read the old values: the
 * thread sleeps with the entry and nobody wakes it. This test must fail.
 */
@JCStressTest
@State
@Description("SELF-CHECK: SQPOLL publish with a release store only (no fence before reading NEED_WAKEUP)")
@Outcome(id = {"0, 1", "1, 0", "1, 1"}, expect = ACCEPTABLE, desc = "as in SqPollWakeupTest")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "LOST WAKE-UP: expected here, without the fence")
public class SqPollNoFenceTest {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private final MemorySegment sqRing = MemorySegment.ofArray(new int[2]);

    @Actor
    public void submitter(II_Result r) {
        INT.setRelease(sqRing, 0L, 1);
        r.r1 = ((int) INT.getOpaque(sqRing, 4L) & 1) != 0 ? 1 : 0;
    }

    @Actor
    public void sqThreadGoingToSleep(II_Result r) {
        INT.getAndBitwiseOr(sqRing, 4L, 1);
        VarHandle.fullFence();
        r.r2 = (int) INT.getAcquire(sqRing, 0L) != 0 ? 1 : 0;
    }
}
