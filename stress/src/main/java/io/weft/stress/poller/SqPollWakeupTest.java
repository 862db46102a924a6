package io.weft.stress.poller;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.weft.poller.internal.SqPollHandshake;
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
 * io_uring SQPOLL: the submitter publishing SQEs races the kernel's SQ thread going to sleep.
 * Actor 1 is weft's real code, {@link SqPollHandshake#publishThenReadFlags} (what
 * {@code Ring.publishToSqThread} runs on every publish): store-release the SQ tail, full
 * fence, read the SQ flags. Actor 2 models the kernel's half as Linux's
 * {@code io_uring/sqpoll.c} has it before the thread sleeps: set {@code NEED_WAKEUP} with an
 * atomic OR, {@code smp_mb__after_atomic()}, then look at the SQ tail once more.
 *
 * <p>The kernel's half is a model: jcstress cannot interleave the real kernel thread, so this
 * proves that weft's half holds up its end of the Dekker handshake against the barriers the
 * kernel documents, not that the kernel keeps them. The real thread is exercised by
 * {@code UringSqPollTest.aSleepingSqThreadIsWokenForEverySubmission} (a 1 ms idle time, every
 * submission after the thread slept) and by the poller's and net's suites on SQPOLL rings.
 *
 * <p>The ring is a heap segment here: the same {@code VarHandle} accesses as on the mapped
 * ring, without native memory per state.
 *
 * <p>Result: r1 = the submitter saw {@code NEED_WAKEUP} (it will call
 * {@code io_uring_enter(SQ_WAKEUP)}), r2 = the thread saw the new tail (it stays awake and
 * consumes the entry).
 */
@JCStressTest
@State
@Description("SQPOLL: publish tail, fence, read NEED_WAKEUP vs the SQ thread's set NEED_WAKEUP, fence, read tail")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the thread saw the entry before sleeping; no wake-up needed")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the thread went to sleep; the submitter saw the flag and wakes it")
@Outcome(id = "1, 1", expect = ACCEPTABLE,
        desc = "both saw each other: the thread stays awake and the submitter wakes it anyway (harmless)")
@Outcome(id = "0, 0", expect = FORBIDDEN,
        desc = "LOST WAKE-UP: the thread sleeps without the entry and the submitter did not wake it")
public class SqPollWakeupTest {
    static final long TAIL = 0;
    static final long FLAGS = 4;
    static final int NEED_WAKEUP = 1;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    /** The SQ ring's tail and flags words, as in the mapped ring (tail at 0, flags at 4). */
    private final MemorySegment sqRing = MemorySegment.ofArray(new int[2]);

    @Actor
    public void submitter(II_Result r) {
        int flags = SqPollHandshake.publishThenReadFlags(sqRing, TAIL, 1, FLAGS);
        r.r1 = (flags & NEED_WAKEUP) != 0 ? 1 : 0;
    }

    @Actor
    public void sqThreadGoingToSleep(II_Result r) {
        INT.getAndBitwiseOr(sqRing, FLAGS, NEED_WAKEUP); // atomic_or(IORING_SQ_NEED_WAKEUP, &sq_flags)
        VarHandle.fullFence();                            // smp_mb__after_atomic()
        r.r2 = (int) INT.getAcquire(sqRing, TAIL) != 0 ? 1 : 0; // io_sqring_entries(): tail vs head 0
    }
}
