package io.weft.stress.selfcheck;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.atomic.AtomicBoolean;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Self-check for {@code io.weft.scheduler.WatchDormancyTest}: a watch that checks the carrier
 * first and announces it is dormant after. The carrier can wake between the two, find no
 * dormant watch to rouse, and run tasks while the watch parks. This test must fail.
 */
@JCStressTest
@State
@Description("SELF-CHECK: WatchDormancy that checks the carriers before it announces")
@Outcome(id = {"1, 1, 0", "0, 0, 0", "0, 1, 0"}, expect = ACCEPTABLE, desc = "as in WatchDormancyTest")
@Outcome(id = "1, 0, 1", expect = FORBIDDEN, desc = "LOST ROUSE: expected here, with the check first")
@Outcome(expect = FORBIDDEN, desc = "not a possible interleaving of one dormancy and one wake")
public class DormancyChecksFirstTest {
    private final AtomicBoolean dormant = new AtomicBoolean();
    private volatile boolean carrierAsleep = true;

    @Actor
    public void watch(III_Result r) {
        if (!carrierAsleep) { // the broken order: check first
            r.r1 = 0;
            return;
        }
        dormant.set(true);
        r.r1 = 1;
    }

    @Actor
    public void carrier(III_Result r) {
        carrierAsleep = false;
        r.r2 = dormant.get() && dormant.compareAndSet(true, false) ? 1 : 0;
    }

    @Arbiter
    public void dormantAtTheEnd(III_Result r) {
        r.r3 = dormant.get() ? 1 : 0;
    }
}
