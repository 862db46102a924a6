package io.weft.stress.selfcheck;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * SELF-CHECK, excluded from the suite: {@code io.weft.scheduler.RingOperationHandOverTest}'s
 * body on {@link BrokenRingOperation} with flaw {@link BrokenRingOperation.Flaw#DONE_FIRST}:
 * the thread can see done before the flags and onComplete's count. Expected: STALE COMPLETION,
 * {@code 1, 0, *} or {@code 1, *, 0}.
 * {@code ./weft stress jcstress selfcheck} passes only if jcstress reports a forbidden outcome.
 */
@JCStressTest
@State
@Description("SELF-CHECK (must fail): RingOperation DONE_FIRST")
@Outcome(id = "0, -1, -1", expect = ACCEPTABLE, desc = "not done yet")
@Outcome(id = "1, 7, 42", expect = ACCEPTABLE, desc = "done, with everything visible")
@Outcome(expect = FORBIDDEN, desc = "STALE COMPLETION: done, but the result or what onComplete wrote is not visible")
public class RingOperationDoneFirstTest {
    private final Recv op = new Recv();

    static final class Recv extends BrokenRingOperation {
        int copied;

        Recv() {
            super(Flaw.DONE_FIRST);
        }

        @Override
        protected void onComplete(int result, int flags) {
            copied = result;
        }
    }

    @Actor
    public void carrier() {
        op.complete(42, 7);
    }

    @Actor
    public void thread(III_Result r) {
        if (op.isDone()) {
            r.r1 = 1;
            r.r2 = op.flags();
            r.r3 = op.copied;
        } else {
            r.r2 = -1;
            r.r3 = -1;
        }
    }
}
