package io.weft.stress.selfcheck;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * SELF-CHECK, excluded from the suite: {@code io.weft.net.AcceptQueueOfferVsCloseTest}'s body on
 * {@link BrokenAcceptQueue} with flaw {@link BrokenAcceptQueue.Flaw#OFFER_IGNORES_CLOSE}: a
 * connection offered after the close drained the queue stays queued. Expected: LEAKED
 * CONNECTION, {@code *, 1}.
 * {@code ./weft stress jcstress selfcheck} passes only if jcstress reports a forbidden outcome.
 */
@JCStressTest
@State
@Description("SELF-CHECK (must fail): AcceptQueue OFFER_IGNORES_CLOSE")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "queued before the close, which then closed it")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "offer closed the connection itself")
@Outcome(id = ".*, [1-9]", expect = FORBIDDEN, desc = "LEAKED CONNECTION: queued after the close drained the queue")
@Outcome(expect = FORBIDDEN, desc = "impossible")
public class AcceptQueueOfferIgnoresCloseTest {
    private final BrokenAcceptQueue queue = new BrokenAcceptQueue(BrokenAcceptQueue.Flaw.OFFER_IGNORES_CLOSE, 2);
    private final int fd = SelfcheckSupport.fakeFd();

    @Actor
    public void stream(II_Result r) {
        r.r1 = queue.offer(fd) ? 1 : 0;
    }

    @Actor
    public void closer() {
        queue.close();
    }

    @Arbiter
    public void check(II_Result r) {
        r.r2 = queue.queued();
    }
}
