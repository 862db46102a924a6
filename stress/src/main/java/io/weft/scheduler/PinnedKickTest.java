package io.weft.scheduler;

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
 * {@link PinnedKick}: the {@link PinnedWatch} kicks a carrier parked by a pinned virtual thread
 * (flag, then unpark); the waiter ({@link PinnedWaits}) clears the flag before it parks and
 * reads it after. The park is modelled by a permit: {@code unpark} sets it, the park takes it.
 *
 * <p>Result: r1 = the watch kicked, r2 = the waiter's park took a permit (it returns; without
 * one the real waiter sleeps until the kick's unpark, which comes after the flag, so it sees
 * the flag then), r3 = the waiter saw the flag after its park, r4 = the flag at the end.
 *
 * <p>The hang: the waiter woke (r2 = 1), saw no flag (r3 = 0), so it parks again; and the flag
 * is up (r4 = 1), so the watch never kicks it again: {@code 1, 1, 0, 1}. The broken order
 * (unpark, then flag) is {@code io.weft.stress.selfcheck.KickWakesBeforeFlagTest}.
 */
@JCStressTest
@State
@Description("PinnedKick: the watch's flag-then-unpark vs the waiter's clear, park, read")
@Outcome(id = "1, 1, 1, 1", expect = ACCEPTABLE, desc = "kicked; the waiter woke and saw the kick")
@Outcome(id = "1, 1, 0, 0", expect = ACCEPTABLE,
        desc = "the waiter cleared the kick's flag just after it was set, then took the permit: flag down, the watch kicks again")
@Outcome(id = "1, 0, 0, 1", expect = ACCEPTABLE,
        desc = "the waiter parked before the unpark: it wakes on the kick's unpark, with the flag up")
@Outcome(id = "1, 0, 0, 0", expect = ACCEPTABLE,
        desc = "the waiter cleared the flag after it was set and parked before the unpark: the flag is down, the watch kicks again")
@Outcome(id = "1, 1, 0, 1", expect = FORBIDDEN,
        desc = "LOST KICK: the waiter woke, saw no flag and parks again, while the flag stays up so the watch never kicks it again")
@Outcome(expect = FORBIDDEN, desc = "not a possible interleaving of one kick and one wait")
public class PinnedKickTest {
    private final PinnedKick kick = new PinnedKick();
    private final AtomicBoolean permit = new AtomicBoolean();

    @Actor
    public void watch(IIII_Result r) {
        r.r1 = kick.kick(() -> permit.set(true)) ? 1 : 0;
    }

    @Actor
    public void waiter(IIII_Result r) {
        kick.clear();
        boolean woke = permit.getAndSet(false);
        r.r2 = woke ? 1 : 0;
        r.r3 = woke && kick.isSet() ? 1 : 0;
    }

    @Arbiter
    public void flagAtTheEnd(IIII_Result r) {
        r.r4 = kick.isSet() ? 1 : 0;
    }
}
