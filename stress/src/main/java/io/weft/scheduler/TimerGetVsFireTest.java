package io.weft.scheduler;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * {@link Timer} as a {@code ScheduledFuture}: a thread calling {@code get()} races the timer
 * finishing ({@code fire()} on the carrier, or {@code cancel(false)} from anywhere). The latch
 * that {@code get()} waits on is made lazily, on the first {@code get()}: the getter publishes
 * it (volatile {@code done}) and then reads the state; the finisher moves the state (CAS) and
 * then reads {@code done} to count it down. At least one of them must count the latch down, or
 * every {@code get()} without a timeout hangs forever on a timer that is done. States alternate
 * between a firing and a cancelling finisher.
 *
 * <p>The timer has no carrier, as {@link TimerFireVsCancelTest}'s.
 *
 * <p>Result: r1 = the finisher (1 {@code fire()} won, 2 {@code cancel()} won, 0 it lost,
 * which nothing here can cause); r2 = the getter's {@code get(0, NANOSECONDS)} (0 timed out:
 * not done yet, 1 returned, 2 threw {@code CancellationException}); r3 = the same call by the
 * arbiter, after both: it must see the timer done.
 *
 * <p>Bugs it catches: a {@code get()} that reads the state before it publishes its latch
 * (check, then publish): the finisher, between the two, finds no latch to count down, and the
 * latch published after it is never counted down: HANG, {@code 1, 0, 0} or {@code 2, 0, 0}
 * (caught by {@code io.weft.stress.selfcheck.TimerLatchAfterCheckTest}); a finisher that
 * counts the latch down before it moves the state ({@code get} returns, then reports the
 * timer as not done or not cancelled: {@code 2, 1, *}); a finisher that forgets the latch.
 */
@JCStressTest
@State
@Description("Timer: get() (lazy latch) vs fire() / cancel()")
@Outcome(id = "1, [01], 1", expect = ACCEPTABLE, desc = "fired; get() saw it (1) or had not yet (0); done for good")
@Outcome(id = "2, [02], 2", expect = ACCEPTABLE,
        desc = "cancelled; get() threw CancellationException (2) or had not seen it yet (0)")
@Outcome(id = "[12], .*, 0", expect = FORBIDDEN,
        desc = "HANG: the timer finished but its latch was never counted down; get() without a timeout waits forever")
@Outcome(expect = FORBIDDEN, desc = "get() disagrees with the winner, or the finisher lost to nobody")
public class TimerGetVsFireTest {
    private static final AtomicInteger STATES = new AtomicInteger();
    private static final Runnable NOTHING = () -> { };

    private final Timer timer = new Timer(null, Long.MAX_VALUE, NOTHING, false);
    private final boolean cancel = (STATES.getAndIncrement() & 1) != 0;

    @Actor
    public void finisher(III_Result r) {
        if (cancel) {
            r.r1 = timer.cancel(false) ? 2 : 0;
        } else {
            r.r1 = timer.fire() ? 1 : 0;
        }
    }

    @Actor
    public void getter(III_Result r) {
        r.r2 = get(timer);
    }

    @Arbiter
    public void check(III_Result r) {
        r.r3 = get(timer);
    }

    /** {@code get(0, NANOSECONDS)}: 0 timed out, 1 returned, 2 cancelled, 3 anything else. */
    static int get(Timer t) {
        try {
            t.get(0, TimeUnit.NANOSECONDS);
            return 1;
        } catch (TimeoutException e) {
            return 0;
        } catch (CancellationException e) {
            return 2;
        } catch (Exception e) {
            return 3;
        }
    }
}
