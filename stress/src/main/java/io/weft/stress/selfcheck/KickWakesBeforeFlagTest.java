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
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Self-check for {@code io.weft.scheduler.PinnedKickTest}: a kick that wakes the thread first
 * and raises the flag after. The waiter can take the permit, read the flag still down and park
 * again, and then the flag goes up: the watch, which kicks only while the flag is down, never
 * kicks that carrier again. This test must fail.
 */
@JCStressTest
@State
@Description("SELF-CHECK: PinnedKick that unparks before it sets the flag")
@Outcome(id = {"1, 1, 1, 1", "1, 1, 0, 0", "1, 0, 0, 1", "1, 0, 0, 0"}, expect = ACCEPTABLE, desc = "as in PinnedKickTest")
@Outcome(id = "1, 1, 0, 1", expect = FORBIDDEN, desc = "LOST KICK: expected here, with the wake-up first")
@Outcome(expect = FORBIDDEN, desc = "not a possible interleaving of one kick and one wait")
public class KickWakesBeforeFlagTest {
    private volatile boolean flag;
    private final AtomicBoolean permit = new AtomicBoolean();

    @Actor
    public void watch(IIII_Result r) {
        if (flag) {
            r.r1 = 0;
            return;
        }
        permit.set(true); // the broken order: wake first
        flag = true;
        r.r1 = 1;
    }

    @Actor
    public void waiter(IIII_Result r) {
        if (flag) {
            flag = false;
        }
        boolean woke = permit.getAndSet(false);
        r.r2 = woke ? 1 : 0;
        r.r3 = woke && flag ? 1 : 0;
    }

    @Arbiter
    public void flagAtTheEnd(IIII_Result r) {
        r.r4 = flag ? 1 : 0;
    }
}
