package io.weft.scheduler;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * {@link WatchDormancy}: the {@link PinnedWatch} announces it is dormant and then checks that
 * the carrier still sleeps (its real {@link SleepGate}); the carrier leaves its sleep and then
 * looks for a dormant watch to rouse.
 *
 * <p>Result: r1 = the watch parks (it saw the carrier asleep after announcing), r2 = the carrier
 * roused it (and would unpark it), r3 = the watch is still dormant at the end.
 *
 * <p>The hang: the watch parks, nobody rouses it, and it stays dormant while the carrier runs
 * tasks, so a pinned thread that parks that carrier is never kicked: {@code 1, 0, 1}. The broken
 * order (check the carriers, then announce) is {@code io.weft.stress.selfcheck.DormancyChecksFirstTest}.
 */
@JCStressTest
@State
@Description("WatchDormancy: the watch's announce-then-check vs the carrier's wake-then-rouse")
@Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "the watch parked; the waking carrier roused it")
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "the watch saw the carrier awake and ticks on")
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE,
        desc = "the watch saw the carrier awake while the carrier took its dormancy (a spare unpark)")
@Outcome(id = "1, 0, 1", expect = FORBIDDEN,
        desc = "LOST ROUSE: the watch parked and stays dormant while the carrier runs tasks")
@Outcome(expect = FORBIDDEN, desc = "not a possible interleaving of one dormancy and one wake")
public class WatchDormancyTest {
    private final WatchDormancy dormancy = new WatchDormancy();
    private final SleepGate gate = new SleepGate();

    public WatchDormancyTest() {
        gate.enterSleep(() -> false); // the carrier sleeps in its poller
    }

    @Actor
    public void watch(III_Result r) {
        r.r1 = dormancy.enter(() -> gate.state() != SleepGate.RUNNING) ? 1 : 0;
    }

    @Actor
    public void carrier(III_Result r) {
        gate.leaveSleep();
        r.r2 = dormancy.rouse() ? 1 : 0;
    }

    @Arbiter
    public void dormantAtTheEnd(III_Result r) {
        r.r3 = dormancy.isDormant() ? 1 : 0;
    }
}
