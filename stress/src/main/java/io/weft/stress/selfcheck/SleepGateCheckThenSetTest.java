package io.weft.stress.selfcheck;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.weft.stress.selfcheck.SelfcheckSupport.Task;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * SELF-CHECK, excluded from the suite: {@code io.weft.scheduler.SleepGateTwoSubmittersTest}'s
 * body on {@link BrokenSleepGate} with flaw {@link BrokenSleepGate.Flaw#CHECK_THEN_SET}: a
 * claim reads SLEEPING and then writes WOKEN, so both submitters can claim. Expected: DOUBLE
 * WAKE-UP, {@code 1, 1, 2}.
 * {@code ./weft stress jcstress selfcheck} passes only if jcstress reports a forbidden outcome.
 */
@JCStressTest
@State
@Description("SELF-CHECK (must fail): SleepGate CHECK_THEN_SET")
@Outcome(id = "1, 0, 2", expect = ACCEPTABLE, desc = "submitter 1 claimed the wake-up")
@Outcome(id = "0, 1, 2", expect = ACCEPTABLE, desc = "submitter 2 claimed the wake-up")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "DOUBLE WAKE-UP: both submitters claimed it")
@Outcome(id = "0, 0, .*", expect = FORBIDDEN, desc = "LOST WAKE-UP: neither claimed it")
@Outcome(expect = FORBIDDEN, desc = "one claimed, but the gate is not WOKEN")
public class SleepGateCheckThenSetTest {
    private static final Task T1 = new Task(1);
    private static final Task T2 = new Task(2);

    private final BrokenSleepGate gate = new BrokenSleepGate(BrokenSleepGate.Flaw.CHECK_THEN_SET);
    private final BrokenRunQueue queue = new BrokenRunQueue(BrokenRunQueue.Flaw.NONE, 4);

    public SleepGateCheckThenSetTest() {
        if (!gate.enterSleep(() -> !queue.isEmpty())) {
            throw new IllegalStateException("an empty queue has work");
        }
    }

    @Actor
    public void submitter1(III_Result r) {
        queue.offer(T1);
        r.r1 = gate.claimWakeup() ? 1 : 0;
    }

    @Actor
    public void submitter2(III_Result r) {
        queue.offer(T2);
        r.r2 = gate.claimWakeup() ? 1 : 0;
    }

    @Arbiter
    public void check(III_Result r) {
        r.r3 = gate.state();
    }
}
