package io.weft.scheduler;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.weft.scheduler.StressSupport.Task;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * {@link SleepGate}: two submitters race to wake one sleeping carrier. The carrier has already
 * decided to sleep ({@code enterSleep} found no work: the gate is SLEEPING); each submitter
 * offers a task to its run queue and calls {@code claimWakeup()}. Exactly one of them must
 * claim the wake-up: it pays for the wake-up system call, the other one need not.
 *
 * <p>Result: r1, r2 = submitter 1 and 2 claimed the wake-up, r3 = the gate's state afterwards
 * (0 RUNNING, 1 SLEEPING, 2 WOKEN).
 *
 * <p>Bugs it catches: a claim that reads SLEEPING and then writes WOKEN (not one CAS): both
 * claim, {@code 1, 1, 2}, two wake-up system calls for one sleep (caught by
 * {@code io.weft.stress.selfcheck.SleepGateCheckThenSetTest}); a claim that can fail for both
 * ({@code 0, 0, 1}): the carrier sleeps with two tasks queued.
 */
@JCStressTest
@State
@Description("SleepGate: two submitters' offer + claimWakeup() vs one sleeping carrier")
@Outcome(id = "1, 0, 2", expect = ACCEPTABLE, desc = "submitter 1 claimed the wake-up; submitter 2 saw WOKEN")
@Outcome(id = "0, 1, 2", expect = ACCEPTABLE, desc = "submitter 2 claimed the wake-up; submitter 1 saw WOKEN")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN,
        desc = "DOUBLE WAKE-UP: both submitters claimed the wake-up of one sleep (two wake-up system calls)")
@Outcome(id = "0, 0, .*", expect = FORBIDDEN,
        desc = "LOST WAKE-UP: the carrier sleeps with two tasks queued and neither submitter woke it")
@Outcome(expect = FORBIDDEN, desc = "one submitter claimed the wake-up but the gate is not WOKEN")
public class SleepGateTwoSubmittersTest {
    private static final Task T1 = new Task(1);
    private static final Task T2 = new Task(2);

    private final SleepGate gate = new SleepGate();
    private final RunQueue queue = new RunQueue(4);

    public SleepGateTwoSubmittersTest() {
        if (!gate.enterSleep(() -> !queue.isEmpty())) {
            throw new IllegalStateException("an empty queue has work");
        }
    }

    @Actor
    public void submitter1(III_Result r) {
        queue.offer(T1);
        r.r1 = gate.claimWakeup() ? 1 : 0;
    }

    @Actor
    public void submitter2(III_Result r) {
        queue.offer(T2);
        r.r2 = gate.claimWakeup() ? 1 : 0;
    }

    @Arbiter
    public void check(III_Result r) {
        r.r3 = gate.state();
    }
}
