package io.weft.stress.selfcheck;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.weft.stress.selfcheck.SelfcheckSupport.Task;
import java.util.function.BooleanSupplier;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * SELF-CHECK, excluded from the suite: {@code io.weft.scheduler.SleepGateVsSubmitTest}'s body
 * on {@link BrokenSleepGate} with flaw {@link BrokenSleepGate.Flaw#RELEASE_ANNOUNCE} (and a
 * faithful {@link BrokenRunQueue}): the carrier announces SLEEPING with a release store, which
 * its re-check of the queue may pass (on x86 the store waits in the store buffer while the
 * loads run): the carrier reads "empty", the submitter reads RUNNING. Expected: LOST WAKE-UP,
 * {@code 1, 0, 1}.
 * {@code ./weft stress jcstress selfcheck} passes only if jcstress reports a forbidden outcome.
 */
@JCStressTest
@State
@Description("SELF-CHECK (must fail): SleepGate RELEASE_ANNOUNCE")
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "the carrier saw the task")
@Outcome(id = "1, 1, 2", expect = ACCEPTABLE, desc = "the carrier sleeps; the submitter claimed the wake-up")
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "one spurious wake-up")
@Outcome(id = "1, 0, .*", expect = FORBIDDEN, desc = "LOST WAKE-UP: the carrier sleeps with a task queued")
@Outcome(id = "0, .*, [12]", expect = FORBIDDEN, desc = "the carrier runs but the gate says SLEEPING or WOKEN")
@Outcome(expect = FORBIDDEN, desc = "woken, but the gate is not WOKEN")
public class SleepGateReleaseAnnounceTest {
    private static final Task TASK = new Task(1);

    private final BrokenSleepGate gate = new BrokenSleepGate(BrokenSleepGate.Flaw.RELEASE_ANNOUNCE);
    private final BrokenRunQueue queue = new BrokenRunQueue(BrokenRunQueue.Flaw.NONE, 4);
    private final BooleanSupplier hasWork = () -> !queue.isEmpty();

    @Actor
    public void carrier(III_Result r) {
        r.r1 = gate.enterSleep(hasWork) ? 1 : 0;
    }

    @Actor
    public void submitter(III_Result r) {
        queue.offer(TASK);
        r.r2 = gate.claimWakeup() ? 1 : 0;
    }

    @Arbiter
    public void check(III_Result r) {
        r.r3 = gate.state();
    }
}
