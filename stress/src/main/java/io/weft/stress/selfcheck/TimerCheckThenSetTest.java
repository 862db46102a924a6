package io.weft.stress.selfcheck;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;

/**
 * SELF-CHECK, excluded from the suite: {@code io.weft.scheduler.TimerFireVsCancelTest}'s body on
 * {@link BrokenTimer} with flaw {@link BrokenTimer.Flaw#CHECK_THEN_SET}: fire() and cancel()
 * read PENDING and then write their state, so both can win. Expected: BOTH WON,
 * {@code 1, 1, ...}.
 * {@code ./weft stress jcstress selfcheck} passes only if jcstress reports a forbidden outcome.
 */
@JCStressTest
@State
@Description("SELF-CHECK (must fail): Timer CHECK_THEN_SET")
@Outcome(id = "1, 0, 0, 1, 1", expect = ACCEPTABLE, desc = "fire() won")
@Outcome(id = "0, 1, 1, 1, 2", expect = ACCEPTABLE, desc = "cancel() won")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "BOTH WON: the task runs although cancel() returned true")
@Outcome(id = "0, 0, .*", expect = FORBIDDEN, desc = "NEITHER WON")
@Outcome(expect = FORBIDDEN, desc = "isCancelled(), isDone() or get() disagree with the winner")
public class TimerCheckThenSetTest {
    private final BrokenTimer timer = new BrokenTimer(BrokenTimer.Flaw.CHECK_THEN_SET);

    @Actor
    public void carrier(IIIII_Result r) {
        r.r1 = timer.fire() ? 1 : 0;
    }

    @Actor
    public void canceller(IIIII_Result r) {
        r.r2 = timer.cancel(false) ? 1 : 0;
    }

    @Arbiter
    public void check(IIIII_Result r) {
        r.r3 = timer.isCancelled() ? 1 : 0;
        r.r4 = timer.isDone() ? 1 : 0;
        try {
            timer.get(0, TimeUnit.NANOSECONDS);
            r.r5 = 1;
        } catch (CancellationException e) {
            r.r5 = 2;
        } catch (TimeoutException e) {
            r.r5 = 0;
        } catch (Exception e) {
            r.r5 = 3;
        }
    }
}
