package io.weft.scheduler;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.weft.scheduler.StressSupport.Task;
import java.util.function.BooleanSupplier;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * {@link SleepGate} with a {@link RunQueue}: the carrier going to sleep races an external
 * submission, exactly as {@code Carrier.sleep()} and {@code Carrier.submitExternal()} do it.
 * The carrier calls {@code enterSleep(() -> !queue.isEmpty())} (announce SLEEPING, then look
 * at the queue once more); the submitter offers a task, then {@code claimWakeup()}. Either the
 * carrier sees the task, or the submitter sees SLEEPING and claims the wake-up (it would write
 * the carrier's wake-up eventfd): never neither.
 *
 * <p>Result: r1 = the carrier decided to sleep ({@code enterSleep} returned true), r2 = the
 * submitter claimed the wake-up, r3 = the gate's state afterwards (0 RUNNING, 1 SLEEPING,
 * 2 WOKEN).
 *
 * <p>Bugs it catches: a carrier that announces SLEEPING with a store that is not ordered before
 * its re-check of the queue (a release or plain store: on x86 it waits in the store buffer
 * while the queue is read): the carrier reads "empty", the submitter reads RUNNING, and the
 * carrier sleeps with a task queued: LOST WAKE-UP, {@code 1, 0, 1}, caught by
 * {@code io.weft.stress.selfcheck.SleepGateReleaseAnnounceTest}; a carrier that checks for work
 * before announcing, a submitter that claims before it offers (the same outcome); and a
 * carrier that finds work but leaves the gate SLEEPING ({@code 0, *, 1}: every later
 * submission would send a running carrier a wake-up system call).
 */
@JCStressTest
@State
@Description("SleepGate: carrier enterSleep(queue not empty) vs submitter offer + claimWakeup()")
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE,
        desc = "the carrier saw the task and stays RUNNING; no wake-up needed")
@Outcome(id = "1, 1, 2", expect = ACCEPTABLE,
        desc = "the carrier sleeps; the submitter saw SLEEPING and claimed the wake-up (WOKEN)")
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE_INTERESTING,
        desc = "the submitter claimed the wake-up between the carrier's SLEEPING and its re-check, which saw the task: "
                + "one spurious wake-up (the carrier's next poll returns at once), nothing lost")
@Outcome(id = "1, 0, .*", expect = FORBIDDEN,
        desc = "LOST WAKE-UP: the carrier sleeps with a task queued and the submitter did not wake it")
@Outcome(id = "0, .*, [12]", expect = FORBIDDEN,
        desc = "the carrier runs but the gate says SLEEPING or WOKEN: later submitters would wake a running carrier")
@Outcome(expect = FORBIDDEN,
        desc = "the carrier sleeps and was woken, but the gate's state is not WOKEN")
public class SleepGateVsSubmitTest {
    private static final Task TASK = new Task(1);

    private final SleepGate gate = new SleepGate();
    private final RunQueue queue = new RunQueue(4);
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
