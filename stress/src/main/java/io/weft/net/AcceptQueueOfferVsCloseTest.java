package io.weft.net;

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
 * Accept racing close: the multishot accept's completion hands a new connection to the
 * listener's {@link AcceptQueue} ({@code offer(fd)}, on the stream's carrier) while another
 * thread closes the listener ({@code close()}: mark closed, stop the stream, close the
 * connections nobody took). Every accepted descriptor must end up either queued before the
 * close (then the close closes it) or closed by {@code offer} itself: a connection queued after
 * the close drained the queue is never taken and never closed, a leaked descriptor and a peer
 * left hanging.
 *
 * <p>No stream runs here ({@code close()} then has none to stop), and the descriptor number is
 * made up and never open ({@link NetStressSupport#fakeFd()}): the queue's {@code close(2)} of
 * it fails harmlessly.
 *
 * <p>Result: r1 = {@code offer} returned true (queued, room for more) or false (it found the
 * queue closed and closed the connection); r2 = by the arbiter, connections still queued after
 * both.
 *
 * <p>Bugs it catches: an {@code offer} that does not look at {@code closed} (or looks before it
 * takes the lock), or a {@code close} that drains before it marks the queue closed: LEAKED
 * CONNECTION, {@code *, 1} (caught by
 * {@code io.weft.stress.selfcheck.AcceptQueueOfferIgnoresCloseTest}).
 */
@JCStressTest
@State
@Description("AcceptQueue: offer (the accept stream) vs close (the listener)")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "queued before the close, which then closed it")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "offered after the close: offer closed the connection itself")
@Outcome(id = ".*, [1-9]", expect = FORBIDDEN,
        desc = "LEAKED CONNECTION: queued after the close drained the queue; nobody takes or closes it")
@Outcome(expect = FORBIDDEN, desc = "impossible")
public class AcceptQueueOfferVsCloseTest {
    private final AcceptQueue queue = new AcceptQueue(2);
    private final int fd = NetStressSupport.fakeFd();

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
