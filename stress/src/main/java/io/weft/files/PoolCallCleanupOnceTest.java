package io.weft.files;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * {@link PoolCall}: the pool thread finishing the system call races the waiting thread
 * abandoning it (the channel was closed). What the call used (its native buffer, its hold on
 * the descriptor) must be released exactly once: by the waiter after it read the result, or by
 * the pool thread if the waiter left first. Released twice is a double free (and a hold
 * released twice closes a descriptor under another operation); never, a leak.
 *
 * <p>The pool actor runs the call ({@code runOnPool()}, a call returning 7). The closer
 * abandons it ({@code abort()}). The arbiter is the waiter afterwards: if the call was handed
 * over (not abandoned) it reads the result and runs {@code finish()}, as {@code FileIo} does.
 *
 * <p>Result: r1 = cleanups; r2 = the waiter got the result 7 (1), or the call was abandoned (0).
 *
 * <p>Bugs it catches: a pool thread that hands over with a plain write and cleans up if it then
 * reads "abandoned" (both sides clean up: {@code 2, 1}); a pool thread that never cleans up an
 * abandoned call ({@code 0, 0}); a result lost or wrong.
 */
@JCStressTest
@State
@Description("PoolCall: the call returning vs the waiter abandoning it")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the call returned first: the waiter took the result and cleaned up")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "abandoned first: the pool thread cleaned up after the call")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "LEAK: nobody released the call's buffer and hold")
@Outcome(id = "2, .*", expect = FORBIDDEN, desc = "DOUBLE RELEASE: both sides released the call's buffer and hold")
@Outcome(expect = FORBIDDEN, desc = "the result was lost or wrong")
public class PoolCallCleanupOnceTest {
    private final AtomicInteger cleanups = new AtomicInteger();
    private final PoolCall call = new PoolCall(() -> 7, cleanups::incrementAndGet);

    @Actor
    public void pool() {
        call.runOnPool();
    }

    @Actor
    public void closer() {
        call.abort();
    }

    @Arbiter
    public void waiter(II_Result r) {
        Long result = call.outcome();
        if (result != null) {
            r.r2 = result == 7 ? 1 : 9;
            call.finish();
        }
        r.r1 = cleanups.get();
    }
}
