package io.weft.stress.selfcheck;

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
 * Self-check for {@code io.weft.files.PoolCallCleanupOnceTest}: the pool thread hands the
 * result over with a check and then a plain write (is it still RUNNING? then DONE) instead of
 * {@code PoolCall}'s compare-and-set. The waiter's abandon can land between the two: the waiter
 * has left believing the pool thread will release the call's buffer and hold, and the pool
 * thread, having written DONE, believes the waiter will. Nobody releases them: a leaked native
 * buffer and a descriptor that is never closed. This test must fail.
 *
 * <p>The closer is the waiter abandoning the call (its {@code abort()}, as {@code PoolCall}'s);
 * the arbiter is the waiter afterwards, who releases the call only if it did not abandon it.
 */
@JCStressTest
@State
@Description("SELF-CHECK: PoolCall that hands its result over with check-then-set")
@Outcome(id = {"1, 1", "1, 0"}, expect = ACCEPTABLE, desc = "as in PoolCallCleanupOnceTest")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "LEAK: expected here, the abandon between the check and the write")
@Outcome(expect = FORBIDDEN, desc = "a double release or a lost result")
public class PoolCallCheckThenSetTest {
    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int ABANDONED = 2;

    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final AtomicInteger cleanups = new AtomicInteger();
    private volatile boolean abandoned;
    private long result;

    @Actor
    public void pool() {
        result = 7;
        if (state.get() == RUNNING) {
            state.set(DONE); // the broken hand-over: PoolCall uses compareAndSet(RUNNING, DONE)
        } else {
            cleanups.incrementAndGet(); // abandoned: the pool thread releases
        }
    }

    @Actor
    public void closer() {
        abandoned = state.compareAndSet(RUNNING, ABANDONED);
    }

    @Arbiter
    public void waiter(II_Result r) {
        if (!abandoned) {
            r.r2 = result == 7 ? 1 : 9;
            cleanups.incrementAndGet(); // the waiter took the result and releases
        }
        r.r1 = cleanups.get();
    }
}
