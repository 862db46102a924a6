package io.weft.stress.selfcheck;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * SELF-CHECK, excluded from the suite: {@code io.weft.scheduler.CloseQuietVsMountTest}'s body
 * (faithful {@link BrokenRunQueue} and {@link BrokenSleepGate}) with the quiet that
 * {@code WeftScheduler.close} had before session 13: nothing alive and nothing queued, without
 * looking at the carriers. A look between the carrier's take and the thread's first line finds
 * neither. Expected: CLOSED TOO EARLY, {@code 1, 1}.
 * {@code ./weft stress jcstress selfcheck} passes only if jcstress reports a forbidden outcome.
 */
@JCStressTest
@State
@Description("SELF-CHECK (must fail): close's quiet without the carriers' look")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "close saw the thread queued or alive: not quiet")
@Outcome(id = "1, 1", expect = FORBIDDEN,
        desc = "CLOSED TOO EARLY: close saw the scheduler quiet with a thread started before it")
@Outcome(expect = FORBIDDEN, desc = "the carrier did not go to sleep with nothing queued")
public class CloseQuietWithoutCarriersTest {
    private static final Runnable THREAD = () -> {};

    private final BrokenRunQueue queue = new BrokenRunQueue(BrokenRunQueue.Flaw.NONE, 4);
    private final BrokenSleepGate gate = new BrokenSleepGate(BrokenSleepGate.Flaw.NONE);
    private final Set<Runnable> alive = ConcurrentHashMap.newKeySet();

    public CloseQuietWithoutCarriersTest() {
        queue.offer(THREAD);
    }

    @Actor
    public void carrier(II_Result r) {
        Runnable thread = queue.poll();
        if (thread != null) {
            alive.add(thread);
        }
        r.r1 = gate.enterSleep(() -> !queue.isEmpty()) ? 1 : 0;
    }

    @Actor
    public void closer(II_Result r) {
        r.r2 = alive.isEmpty() && queue.isEmpty() ? 1 : 0;
    }
}
