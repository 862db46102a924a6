package io.weft.poller.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.Backend;
import io.weft.poller.CompletionPoller;
import io.weft.poller.PollerConfig;
import io.weft.poller.Pollers;
import io.weft.poller.sys.Errno;
import io.weft.poller.sys.Sockets;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.Loopback;
import io.weft.poller.testkit.Recorder;
import io.weft.poller.testkit.Recorder.Done;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** LINK_TIMEOUT bounds the operation queued just before it, whichever wins. */
@ExtendWith(LeakCheck.class)
class UringLinkTimeoutTest extends UringTestBase {

    @Test
    void aRecvThatGetsNoDataIsCancelledByItsLinkTimeout() throws Exception {
        MemorySegment buf = buffer(64);
        try (Loopback lb = afterRing(Loopback.open())) {
            long t0 = System.nanoTime();
            ring.recv(lb.server(), buf, 0, 1);
            ring.linkTimeout(50 * MS, 2);
            rec.pollUntil(ring, () -> rec.hasFinal(1) && rec.hasFinal(2), "recv and its timeout");
            long elapsed = System.nanoTime() - t0;
            assertEquals(-Errno.ECANCELED, rec.only(1).result(), () -> rec.all().toString());
            assertEquals(-Errno.ETIME, rec.only(2).result(), () -> rec.all().toString());
            assertTrue(elapsed >= 49 * MS, "cancelled after " + elapsed / 1e6 + " ms, before 50");
        }
    }

    @Test
    void aRecvThatWinsCancelsItsLinkTimeout() throws Exception {
        MemorySegment buf = buffer(64);
        try (Loopback lb = afterRing(Loopback.open())) {
            Sockets.writeFully(lb.client(), "in time".getBytes());
            long t0 = System.nanoTime();
            ring.recv(lb.server(), buf, 0, 3);
            ring.linkTimeout(5_000 * MS, 4);
            rec.pollUntil(ring, () -> rec.hasFinal(3) && rec.hasFinal(4), "recv and its timeout");
            assertEquals(7, rec.only(3).result(), () -> rec.all().toString());
            assertEquals(-Errno.ECANCELED, rec.only(4).result(), () -> rec.all().toString());
            assertTrue(System.nanoTime() - t0 < 2_000 * MS, "the timeout was not cancelled promptly");
        }
    }

    @Test
    void aLinkTimeoutNeedsAnOperationQueuedSinceTheLastSubmission() throws Exception {
        assertThrows(IllegalStateException.class, () -> ring.linkTimeout(MS, 1));
        ring.nop(2);
        ring.poll(0, rec); // submitted: nothing to link to any more
        assertThrows(IllegalStateException.class, () -> ring.linkTimeout(MS, 3));
        rec.pollUntil(ring, () -> rec.hasFinal(2), "the nop");
        assertEquals(1, rec.size(), () -> rec.all().toString());
    }

    @Test
    void theLinkHoldsWhenTheOperationFillsTheSubmissionQueue() throws Exception {
        // Two entries: a nop and the recv fill the queue, so the timeout cannot join them
        // unless the poller planned for it; split across two submissions the link is lost.
        Recorder r = new Recorder();
        MemorySegment buf = buffer(64);
        try (Loopback lb = afterRing(Loopback.open());
             CompletionPoller small = (CompletionPoller) Pollers.open(Backend.IO_URING,
                     PollerConfig.fromSystemProperties().withRingSize(2, 2))) {
            small.nop(1);
            small.recv(lb.server(), buf, 0, 2);
            small.linkTimeout(50 * MS, 3);
            r.pollUntil(small, () -> r.hasFinal(1) && r.hasFinal(2) && r.hasFinal(3), "nop, recv and timeout");
            assertEquals(0, r.only(1).result());
            assertEquals(-Errno.ECANCELED, r.only(2).result(), () -> r.all().toString());
            assertEquals(-Errno.ETIME, r.only(3).result(), () -> r.all().toString());
        }
    }

    @Test
    void theSmallestRingCanStillLink() throws Exception {
        Recorder r = new Recorder();
        MemorySegment buf = buffer(64);
        try (Loopback lb = afterRing(Loopback.open());
             CompletionPoller tiny = (CompletionPoller) Pollers.open(Backend.IO_URING,
                     PollerConfig.fromSystemProperties().withRingSize(2, 1))) {
            tiny.recv(lb.server(), buf, 0, 2);
            tiny.linkTimeout(50 * MS, 3);
            r.pollUntil(tiny, () -> r.hasFinal(2) && r.hasFinal(3), "recv and timeout");
            assertEquals(-Errno.ECANCELED, r.only(2).result(), () -> r.all().toString());
            assertEquals(-Errno.ETIME, r.only(3).result(), () -> r.all().toString());
        }
    }
}
