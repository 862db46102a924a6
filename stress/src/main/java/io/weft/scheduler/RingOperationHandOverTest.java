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
 * {@link RingOperation}: the carrier hands an operation's final completion to the thread that
 * waits for it. {@code complete()} (on the carrier) stores the result and flags, runs the
 * operation's {@code onComplete} (a receive copies its bytes into the reader's array there and
 * records how many), and only then sets {@code done} (volatile) and unparks the thread; the
 * thread, in {@code run()}, parks until it reads {@code done}, then reads the result, and the
 * receive's caller reads what {@code onComplete} wrote. Whoever sees {@code done} must see all
 * of it, or a read returns a count of 0 bytes (end of stream, to the application) or misses
 * the bytes received beyond its array.
 *
 * <p>The operation has no carrier and no thread ({@code complete}'s unpark of a null thread
 * does nothing); its {@code onComplete} writes a plain field as a receive does. The waiting
 * side reads {@code isDone()} once, as one turn of {@code run()}'s loop.
 *
 * <p>Result: r1 = the thread saw the operation done; then what it read: r2 = {@code flags()},
 * r3 = the count {@code onComplete} stored (-1, -1 when not done).
 *
 * <p>Bugs it catches: a {@code complete} that sets {@code done} before it stores the result or
 * runs {@code onComplete} (e.g. to unpark the thread sooner): STALE COMPLETION,
 * {@code 1, 0, *} or {@code 1, *, 0} (caught by
 * {@code io.weft.stress.selfcheck.RingOperationDoneFirstTest}); a {@code done} that is not
 * volatile (the plain stores may then be seen after it), the same.
 */
@JCStressTest
@State
@Description("RingOperation: complete() on the carrier vs the waiting thread's done check")
@Outcome(id = "0, -1, -1", expect = ACCEPTABLE, desc = "not done yet: the thread parks again")
@Outcome(id = "1, 7, 42", expect = ACCEPTABLE, desc = "done, with the completion's flags and onComplete's count")
@Outcome(expect = FORBIDDEN, desc = "STALE COMPLETION: done, but the result or what onComplete wrote is not visible")
public class RingOperationHandOverTest {
    static final int RESULT = 42;
    static final int FLAGS = 7;

    private final Recv op = new Recv();

    /** A receive-like operation: onComplete records the byte count in a plain field. */
    static final class Recv extends RingOperation {
        int copied;

        @Override
        protected void submit(CompletionPoller ring, long token) {}

        @Override
        protected void onComplete(int result, int flags) {
            copied = result;
        }
    }

    @Actor
    public void carrier() {
        op.complete(null, RESULT, FLAGS);
    }

    @Actor
    public void thread(III_Result r) {
        if (op.isDone()) {
            r.r1 = 1;
            r.r2 = op.flags();
            r.r3 = op.copied;
        } else {
            r.r2 = -1;
            r.r3 = -1;
        }
    }
}
