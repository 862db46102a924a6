package io.weft.scheduler;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.weft.poller.CompletionPoller;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * {@link DetachedOperation}: a thread that comes to wait for an operation nobody waited for
 * while it ran (the next write on a socket waiting for the previous write-behind send) against
 * the operation's final completion on the carrier. The waiter publishes itself and then reads
 * {@code done}; the completion stores the result, sets {@code done} and then reads the waiter
 * to unpark it.
 *
 * <p>Result: r1 = the waiter found the operation running (it parks), r2 = the completion
 * found a waiter (it unparks it), r3 = the result the waiter read when it found it done
 * (-1 when it parks).
 *
 * <p>Bugs it catches: LOST WAKE-UP, {@code 1, 0, -1}: the waiter parks and the completion saw
 * nobody to unpark, so the thread sleeps for ever (the next write on that socket hangs). That
 * is what a waiter that reads {@code done} before it publishes itself does
 * ({@code io.weft.stress.selfcheck.DetachedAwaitReadsFirstTest}), or a {@code waiter} or
 * {@code done} that is not volatile. STALE RESULT, {@code 0, *, 0}: done, but the result not
 * visible (a {@code done} set before the result is stored).
 */
@JCStressTest
@State
@Description("DetachedOperation: await()'s publish-then-check vs the final completion's set-then-check")
@Outcome(id = {"0, 0, 42", "0, 1, 42"}, expect = ACCEPTABLE, desc = "the waiter found it done, with its result: no park")
@Outcome(id = "1, 1, -1", expect = ACCEPTABLE, desc = "the waiter parks; the completion saw it and unparks it")
@Outcome(id = "1, 0, -1", expect = FORBIDDEN, desc = "LOST WAKE-UP: the waiter parks, the completion saw no waiter")
@Outcome(expect = FORBIDDEN, desc = "STALE RESULT or an impossible interleaving")
public class DetachedAwaitTest {
    static final int RESULT = 42;

    private final Send op = new Send();

    /** An operation that is never queued: only the hand-off is exercised. */
    static final class Send extends DetachedOperation {
        @Override
        protected void submit(CompletionPoller ring, long token) {}

        @Override
        protected boolean onComplete(int result, int flags) {
            return true;
        }
    }

    @Actor
    public void carrier(III_Result r) {
        r.r2 = op.finishForTest(RESULT) ? 1 : 0;
    }

    @Actor
    public void waiter(III_Result r) {
        if (op.wouldParkForTest()) {
            r.r1 = 1;
            r.r3 = -1;
        } else {
            r.r3 = op.await(); // done: returns at once with the result
        }
    }
}
