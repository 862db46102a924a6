package io.weft.stress.selfcheck;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Self-check for {@code io.weft.scheduler.DetachedAwaitTest}: a waiter that reads
 * {@code done} first and publishes itself after. Between the two the completion can set
 * {@code done} and find no waiter; the waiter then parks on a check it made too early and is
 * never unparked. This test must fail.
 */
@JCStressTest
@State
@Description("SELF-CHECK: DetachedOperation.await that checks done before it publishes the waiter")
@Outcome(id = {"0, 0, 42", "0, 1, 42", "1, 1, -1"}, expect = ACCEPTABLE, desc = "as in DetachedAwaitTest")
@Outcome(id = "1, 0, -1", expect = FORBIDDEN, desc = "LOST WAKE-UP: expected here, with the check first")
@Outcome(expect = FORBIDDEN, desc = "STALE RESULT or an impossible interleaving")
public class DetachedAwaitReadsFirstTest {
    private volatile boolean done;
    private volatile Thread waiter;
    private int result;

    @Actor
    public void carrier(III_Result r) {
        result = 42;
        done = true;
        r.r2 = waiter != null ? 1 : 0;
    }

    @Actor
    public void waiter(III_Result r) {
        boolean running = !done; // the broken order: check, then publish
        waiter = Thread.currentThread();
        if (running) {
            r.r1 = 1;
            r.r3 = -1;
        } else {
            r.r3 = result;
        }
    }
}
