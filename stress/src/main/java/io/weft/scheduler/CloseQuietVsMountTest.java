package io.weft.scheduler;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.weft.scheduler.StressSupport.Task;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * {@code WeftScheduler.close}'s look for quiet ({@link Quiescence#quiet}) vs a carrier mounting
 * a thread that was started before the close, with the real {@link RunQueue} and
 * {@link SleepGate}. The thread is queued when the test starts. The carrier takes it
 * ({@code Carrier.nextTask}), the thread's first line counts it alive ({@code WeftScheduler.track}),
 * it parks, and the carrier, out of work, goes to sleep ({@code enterSleep}). The closer asks
 * {@code quiet} with the queue and "every carrier asleep" ({@code Carrier.asleep}: the gate is
 * not RUNNING). The thread is alive (parked) from its first line on, so at every moment it is
 * queued, being mounted by a carrier that is awake, or alive: quiet must never be true.
 *
 * <p>Result: r1 = the carrier went to sleep (always, nothing else is queued), r2 = quiet.
 *
 * <p>Bugs it catches: a quiet that looks only at the alive set and the queues (close returned
 * at once when its look fell between the carrier's take and the thread's first line;
 * {@code ShutdownTest.closeWaitsForAThreadItsCarrierIsStillMounting} met it about once in 115
 * closes), caught by {@code io.weft.stress.selfcheck.CloseQuietWithoutCarriersTest}; and one
 * that does not look at the alive set again after the carriers (the thread became alive after
 * the first look and parked before the carriers' look).
 */
@JCStressTest
@State
@Description("close's quiet (alive, queued, carriers asleep, alive) vs a carrier taking and mounting a queued thread")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "close saw the thread queued, being mounted, or alive: not quiet")
@Outcome(id = "1, 1", expect = FORBIDDEN,
        desc = "CLOSED TOO EARLY: close saw the scheduler quiet with a thread started before it")
@Outcome(expect = FORBIDDEN, desc = "the carrier did not go to sleep with nothing queued")
public class CloseQuietVsMountTest {
    private static final Task THREAD = new Task(1);

    private final RunQueue queue = new RunQueue(4);
    private final SleepGate gate = new SleepGate();
    private final Set<Runnable> alive = ConcurrentHashMap.newKeySet();

    public CloseQuietVsMountTest() {
        queue.offer(THREAD);
    }

    @Actor
    public void carrier(II_Result r) {
        Runnable thread = queue.poll();
        if (thread != null) {
            alive.add(thread); // its first line; it then parks, and stays alive
        }
        r.r1 = gate.enterSleep(() -> !queue.isEmpty()) ? 1 : 0;
    }

    @Actor
    public void closer(II_Result r) {
        r.r2 = Quiescence.quiet(alive, () -> !queue.isEmpty(), () -> gate.state() != SleepGate.RUNNING) ? 1 : 0;
    }
}
