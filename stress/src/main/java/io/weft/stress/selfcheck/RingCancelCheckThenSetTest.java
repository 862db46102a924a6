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
 * SELF-CHECK, excluded from the suite: {@code io.weft.scheduler.RingCancelVsSubmitTest}'s body
 * on a copy of RingWork's protocol whose submitter looks at the socket's closed flag BEFORE it
 * sets {@code submitted} (check-then-set). Expected: NO CANCEL, {@code 0, 1}: the submitter
 * saw the socket open, the closer then found the operation but saw it not yet submitted.
 * {@code ./weft stress jcstress selfcheck} passes only if jcstress reports a forbidden outcome.
 */
@JCStressTest
@State
@Description("SELF-CHECK (must fail): RingWork published() checking before it sets")
@Outcome(id = "1, [01]", expect = ACCEPTABLE, desc = "one side asked the carrier to cancel")
@Outcome(id = "2, 1", expect = ACCEPTABLE, desc = "both asked")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "NO CANCEL: the operation would wait forever on a closed socket")
@Outcome(expect = FORBIDDEN, desc = "impossible count")
public class RingCancelCheckThenSetTest {
    private volatile boolean submitted;
    private volatile boolean cancelRequested;
    private volatile boolean socketClosed;
    private volatile boolean published;
    private final AtomicInteger routed = new AtomicInteger();

    @Actor
    public void submitter() {
        published = true;
        boolean cancelNow = cancelRequested || socketClosed; // FLAW: looks before it sets
        submitted = true;
        if (cancelNow) routed.incrementAndGet();
    }

    @Actor
    public void closer(II_Result r) {
        socketClosed = true;
        if (published) {
            r.r2 = 1;
            cancelRequested = true;
            if (submitted) routed.incrementAndGet();
        }
    }

    @Arbiter
    public void check(II_Result r) {
        r.r1 = routed.get();
    }
}
