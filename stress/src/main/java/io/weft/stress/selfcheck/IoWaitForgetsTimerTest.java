package io.weft.stress.selfcheck;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.weft.poller.Events;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * SELF-CHECK, excluded from the suite: {@code io.weft.scheduler.IoWaitLateTimerTest}'s body on
 * {@link BrokenIoWait} with flaw {@link BrokenIoWait.Flaw#FORGETS_TIMER} (a faithful
 * {@link BrokenTimer} and {@link BrokenFdWaiters}): {@code onCancel()} ends the wait without
 * cancelling its timer. Expected: TIMER LEFT BEHIND, {@code 1, 1, 0}.
 * {@code ./weft stress jcstress selfcheck} passes only if jcstress reports a forbidden outcome.
 */
@JCStressTest
@State
@Description("SELF-CHECK (must fail): IoWait FORGETS_TIMER")
@Outcome(id = "1, 1, 2", expect = ACCEPTABLE, desc = "timer set first; the winner cancelled it")
@Outcome(id = "0, 1, 2", expect = ACCEPTABLE, desc = "the wait ended first; the winner still cancelled the timer")
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "LATE TIMER LEFT PENDING (known issue)")
@Outcome(id = "1, .*, 0", expect = FORBIDDEN, desc = "TIMER LEFT BEHIND by the winner")
@Outcome(id = "\\d, 0, \\d", expect = FORBIDDEN, desc = "onCancel() did not end the wait")
@Outcome(expect = FORBIDDEN, desc = "the timer is in a state nobody put it in")
public class IoWaitForgetsTimerTest {
    private static final BrokenFdWaiters REGISTRY = BrokenFdWaiters.SOUND;

    private final BrokenIoWait wait = new BrokenIoWait(BrokenIoWait.Flaw.FORGETS_TIMER, REGISTRY,
            SelfcheckSupport.PARKED, SelfcheckSupport.fakeFd(), Events.IN);
    private final BrokenTimer timer = new BrokenTimer(BrokenTimer.Flaw.NONE);

    public IoWaitForgetsTimerTest() {
        REGISTRY.register(wait);
    }

    @Actor
    public void waiter(III_Result r) {
        wait.timer = timer;
        r.r1 = wait.isWaiting() ? 1 : 0;
    }

    @Actor
    public void closer(III_Result r) {
        r.r2 = wait.onCancel() ? 1 : 0;
    }

    @Arbiter
    public void check(III_Result r) {
        r.r3 = timer.timerState();
        REGISTRY.clear(wait);
    }
}
