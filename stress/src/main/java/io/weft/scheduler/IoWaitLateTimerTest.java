package io.weft.scheduler;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.weft.poller.Events;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * {@link IoWait}'s timeout timer is attached late: {@code WeftScheduler.await} registers the
 * wait in {@link FdWaiters} and arms it, and only then sets {@code w.timer = c.addTimer(...)}.
 * In between, {@code cancelWaits} on another thread (the descriptor being closed) can end the
 * wait; its {@code cancelTimer()} then reads no timer, and the timer set just after stays
 * PENDING in the carrier's heap until its deadline, keeping the wait and its thread reachable;
 * when it fires, {@code onTimeout} loses and it is counted as a fired timer.
 *
 * <p>The waiter actor does what {@code await} does after arming: {@code w.timer = timer}, then
 * reads {@code isWaiting()} and, if the wait already ended, cancels the timer it just set. The
 * closer calls {@code onCancel()}.
 *
 * <p>Result: r1 = right after setting the timer the waiter still saw the wait WAITING,
 * r2 = {@code onCancel()} ended the wait (it always must: nothing else ends it), r3 = the
 * timer's state afterwards (0 PENDING, 2 CANCELLED).
 *
 * <p>{@code 0, 1, 0} is the late-timer leak: the wait ended before the timer was set, the
 * winner read no timer, and nobody cancels it. {@code await} closes the gap by cancelling the
 * timer it just set when the wait is no longer WAITING (a volatile write of {@code timer},
 * then a read of {@code state}, against the winner's CAS of {@code state}, then read of
 * {@code timer}: one of the two sees the other and cancels). This test first found the gap,
 * graded INTERESTING; with the fix it is FORBIDDEN.
 *
 * <p>Bug it catches already: a winner that does not cancel the timer it can see
 * ({@code 1, 1, 0}: the timer was set before the wait ended), caught by
 * {@code io.weft.stress.selfcheck.IoWaitForgetsTimerTest}.
 */
@JCStressTest
@State
@Description("IoWait: await's late w.timer = ... vs onCancel()")
@Outcome(id = "1, 1, 2", expect = ACCEPTABLE,
        desc = "the timer was set before onCancel() ended the wait, and the winner cancelled it")
@Outcome(id = "0, 1, 2", expect = ACCEPTABLE,
        desc = "onCancel() ended the wait first, but still read the timer and cancelled it")
@Outcome(id = "0, 1, 0", expect = FORBIDDEN,
        desc = "LATE TIMER LEFT PENDING: onCancel() ended the wait before the timer was set, and nobody cancelled "
                + "the timer; it stays in the heap until its deadline")
@Outcome(id = "1, .*, 0", expect = FORBIDDEN,
        desc = "TIMER LEFT BEHIND: the timer was set before the wait ended, yet the winner did not cancel it")
@Outcome(id = "\\d, 0, \\d", expect = FORBIDDEN,
        desc = "onCancel() did not end a WAITING wait that nothing else ends")
@Outcome(expect = FORBIDDEN, desc = "the timer is in a state nobody put it in")
public class IoWaitLateTimerTest {
    private static final Runnable NOTHING = () -> { };

    private final IoWait wait = new IoWait(StressSupport.PARKED, null, StressSupport.fakeFd(), Events.IN);
    private final Timer timer = new Timer(null, Long.MAX_VALUE, NOTHING, true);

    public IoWaitLateTimerTest() {
        FdWaiters.register(wait); // await: register, arm, then the timer
    }

    @Actor
    public void waiter(III_Result r) {
        wait.timer = timer;
        boolean waiting = wait.isWaiting();
        if (!waiting) {
            timer.cancel(false); // as WeftScheduler.await does
        }
        r.r1 = waiting ? 1 : 0;
    }

    @Actor
    public void closer(III_Result r) {
        r.r2 = wait.onCancel() ? 1 : 0;
    }

    @Arbiter
    public void check(III_Result r) {
        r.r3 = timer.timerState();
        FdWaiters.clear(wait);
    }
}
