package io.weft.poller.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weft.poller.sys.Errno;
import io.weft.poller.sys.Sockets;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.Loopback;
import io.weft.poller.testkit.Recorder.Done;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** ASYNC_CANCEL by token and by descriptor: only what was named is cancelled, once. */
@ExtendWith(LeakCheck.class)
class UringCancelTest extends UringTestBase {

    @Test
    void cancelOfAPendingRecvCompletesItWithEcanceled() throws Exception {
        MemorySegment buf = buffer(64);
        try (Loopback lb = afterRing(Loopback.open())) {
            ring.recv(lb.server(), buf, 0, 1);
            ring.poll(0, rec);
            ring.cancel(1);
            Done d = rec.awaitOnly(ring, 1);
            assertEquals(-Errno.ECANCELED, d.result(), d::toString);
            rec.assertQuietFor(ring, 30 * MS);
            assertEquals(1, rec.size(), () -> "only the cancelled recv's completion: " + rec.all());
        }
    }

    @Test
    void cancelInTheSameBatchAsTheRecvStillCancelsIt() throws Exception {
        MemorySegment buf = buffer(64);
        try (Loopback lb = afterRing(Loopback.open())) {
            ring.recv(lb.server(), buf, 0, 2);
            ring.cancel(2);
            Done d = rec.awaitOnly(ring, 2);
            assertEquals(-Errno.ECANCELED, d.result(), d::toString);
        }
    }

    @Test
    void cancelOfAnUnknownTokenIsHarmless() throws Exception {
        ring.cancel(12345);
        // The cancel request's own completion (-ENOENT) is the poller's, not the caller's:
        // it neither reaches the handler nor ends a timed poll early.
        rec.assertWaitsOutTimeout(ring, 100 * MS);
        ring.nop(1);
        assertEquals(0, rec.awaitOnly(ring, 1).result());
    }

    @Test
    void cancelFdCancelsEverythingOnThatDescriptorAndNothingElse() throws Exception {
        MemorySegment a1 = buffer(64);
        MemorySegment a2 = buffer(64);
        MemorySegment b1 = buffer(64);
        try (Loopback a = afterRing(Loopback.open()); Loopback b = afterRing(Loopback.open())) {
            ring.recv(a.server(), a1, 0, 10);
            ring.recv(a.server(), a2, 0, 11);
            ring.recv(b.server(), b1, 0, 20);
            ring.poll(0, rec);
            ring.cancelFd(a.server());
            rec.pollUntil(ring, () -> rec.hasFinal(10) && rec.hasFinal(11), "both recvs on a");
            assertEquals(-Errno.ECANCELED, rec.only(10).result(), () -> rec.all().toString());
            assertEquals(-Errno.ECANCELED, rec.only(11).result(), () -> rec.all().toString());
            rec.assertQuietFor(ring, 30 * MS);
            assertEquals(0, rec.count(20), () -> "the recv on b was cancelled too: " + rec.all());

            Sockets.writeFully(b.client(), "b lives".getBytes());
            Done d = rec.awaitOnly(ring, 20);
            assertEquals(7, d.result(), d::toString);
            assertArrayEquals("b lives".getBytes(), bytes(b1, 7));
        }
    }
}
