package io.weft.scheduler;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.weft.poller.CompletionPoller;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * {@link RingWork}: a socket being closed while a thread submits a ring operation on it. The
 * submitter publishes the operation where close can find it, queues it and calls
 * {@code published()} (set {@code submitted}, then look at {@code cancelRequested} and at
 * {@code abandoned()}, the socket's closed flag); the closer sets the closed flag, then looks
 * for the operation and calls {@code cancel()} on it (set {@code cancelRequested}, then look at
 * {@code submitted}). Whatever the interleaving, at least one of them must ask the carrier to
 * cancel, or the operation waits forever on a closed socket, and close waits forever for it.
 * Two requests are fine: the carrier queues the cancel once.
 *
 * <p>The carrier is left out: {@code routeCancel()} only counts here.
 *
 * <p>Result: r1 = cancel requests routed to the carrier, r2 = whether the closer found the
 * operation (1) or not (0).
 *
 * <p>Bug it catches: either side checking the other's flag before setting its own
 * (check-then-set): both miss, NO CANCEL, {@code 0, *} (caught by
 * {@code io.weft.stress.selfcheck.RingCancelCheckThenSetTest}).
 */
@JCStressTest
@State
@Description("RingWork: published() vs cancel() from a socket close")
@Outcome(id = "1, [01]", expect = ACCEPTABLE, desc = "one side asked the carrier to cancel")
@Outcome(id = "2, 1", expect = ACCEPTABLE, desc = "both asked; the carrier cancels once")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "NO CANCEL: the operation would wait forever on a closed socket")
@Outcome(expect = FORBIDDEN, desc = "impossible count")
public class RingCancelVsSubmitTest {
    private final Work work = new Work();
    private volatile Work published;

    /** A ring operation of a socket: abandoned once the socket is closed. */
    final class Work extends RingWork {
        volatile boolean socketClosed;
        final AtomicInteger routed = new AtomicInteger();

        @Override
        protected void submit(CompletionPoller ring, long token) {}

        @Override
        protected boolean abandoned() {
            return socketClosed;
        }

        @Override
        void routeCancel() {
            routed.incrementAndGet();
        }

        @Override
        public void complete(Carrier c, int result, int flags) {}
    }

    @Actor
    public void submitter() {
        published = work;
        work.publishedForTest();
    }

    @Actor
    public void closer(II_Result r) {
        work.socketClosed = true;
        Work w = published;
        if (w != null) {
            w.cancel();
            r.r2 = 1;
        }
    }

    @Arbiter
    public void check(II_Result r) {
        r.r1 = work.routed.get();
    }
}
