package io.weft.stress.selfcheck;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * SELF-CHECK, excluded from the suite: {@code io.weft.scheduler.TimerGetVsFireTest}'s body on
 * {@link BrokenTimer} with flaw {@link BrokenTimer.Flaw#CHECK_BEFORE_LATCH}: {@code get()} reads
 * the state, then publishes its latch, so a finisher in between counts down no latch and the
 * one published after it never is. Expected: HANG, {@code 1, 0, 0} or {@code 2, 0, 0}.
 * {@code ./weft stress jcstress selfcheck} passes only if jcstress reports a forbidden outcome.
 */
@JCStressTest
@State
@Description("SELF-CHECK (must fail): Timer CHECK_BEFORE_LATCH")
@Outcome(id = "1, [01], 1", expect = ACCEPTABLE, desc = "fired")
@Outcome(id = "2, [02], 2", expect = ACCEPTABLE, desc = "cancelled")
@Outcome(id = "[12], .*, 0", expect = FORBIDDEN, desc = "HANG: done, but the latch was never counted down")
@Outcome(expect = FORBIDDEN, desc = "get() disagrees with the winner")
public class TimerLatchAfterCheckTest {
    private static final AtomicInteger STATES = new AtomicInteger();

    private final BrokenTimer timer = new BrokenTimer(BrokenTimer.Flaw.CHECK_BEFORE_LATCH);
    private final boolean cancel = (STATES.getAndIncrement() & 1) != 0;

    @Actor
    public void finisher(III_Result r) {
        if (cancel) {
            r.r1 = timer.cancel(false) ? 2 : 0;
        } else {
            r.r1 = timer.fire() ? 1 : 0;
        }
    }

    @Actor
    public void getter(III_Result r) {
        r.r2 = get(timer);
    }

    @Arbiter
    public void check(III_Result r) {
        r.r3 = get(timer);
    }

    private static int get(BrokenTimer t) {
        try {
            t.get(0, TimeUnit.NANOSECONDS);
            return 1;
        } catch (TimeoutException e) {
            return 0;
        } catch (CancellationException e) {
            return 2;
        } catch (Exception e) {
            return 3;
        }
    }
}
