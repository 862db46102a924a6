package io.weft.scheduler;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;

/**
 * {@link Timer}: the carrier firing a due timer ({@code fire()}) races {@code cancel(false)}
 * from another thread (a virtual thread cancelling its sleep or I/O timeout, or a
 * {@code ScheduledFuture} user). Exactly one must win: a cancelled timer never runs its task,
 * and cancelling a timer that fired returns false.
 *
 * <p>The timer has no carrier ({@code cancel} then skips telling one), as the class allows for
 * this test.
 *
 * <p>Result: r1 = {@code fire()} won (the carrier would run the task), r2 = {@code cancel}
 * returned true; then, by the arbiter, r3 = {@code isCancelled()}, r4 = {@code isDone()},
 * r5 = what {@code get(0, NANOSECONDS)} did: 1 returned (fired), 2 threw
 * {@code CancellationException}, 0 threw {@code TimeoutException} (not done), 3 anything else.
 *
 * <p>Bugs it catches: a fire or cancel that checks the state and then sets it (not one CAS):
 * both win, {@code 1, 1, ...}: the task runs although {@code cancel} said it would not
 * ({@code io.weft.stress.selfcheck.TimerCheckThenSetTest}); and a state that does not say who
 * won: {@code isCancelled}, {@code isDone} or {@code get} disagreeing with the winner.
 */
@JCStressTest
@State
@Description("Timer: fire() vs cancel(false)")
@Outcome(id = "1, 0, 0, 1, 1", expect = ACCEPTABLE,
        desc = "fire() won: the task runs; cancel() returned false; done, not cancelled, get() returns")
@Outcome(id = "0, 1, 1, 1, 2", expect = ACCEPTABLE,
        desc = "cancel() won: the task never runs; done, cancelled, get() throws CancellationException")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN,
        desc = "BOTH WON: the task runs although cancel() returned true")
@Outcome(id = "0, 0, .*", expect = FORBIDDEN,
        desc = "NEITHER WON: the timer neither fires nor can be cancelled (its task is lost)")
@Outcome(expect = FORBIDDEN,
        desc = "one side won but isCancelled(), isDone() or get() tell a different story")
public class TimerFireVsCancelTest {
    private static final Runnable NOTHING = () -> { };

    private final Timer timer = new Timer(null, 0L, NOTHING, true);

    @Actor
    public void carrier(IIIII_Result r) {
        r.r1 = timer.fire() ? 1 : 0;
    }

    @Actor
    public void canceller(IIIII_Result r) {
        r.r2 = timer.cancel(false) ? 1 : 0;
    }

    @Arbiter
    public void check(IIIII_Result r) {
        r.r3 = timer.isCancelled() ? 1 : 0;
        r.r4 = timer.isDone() ? 1 : 0;
        r.r5 = getNow(timer);
    }

    static int getNow(Timer t) {
        try {
            t.get(0, TimeUnit.NANOSECONDS);
            return 1;
        } catch (CancellationException e) {
            return 2;
        } catch (TimeoutException e) {
            return 0;
        } catch (Exception e) {
            return 3;
        }
    }
}
