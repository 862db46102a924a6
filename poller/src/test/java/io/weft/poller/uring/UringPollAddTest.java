package io.weft.poller.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.Completion;
import io.weft.poller.Events;
import io.weft.poller.sys.Errno;
import io.weft.poller.sys.Sockets;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.Loopback;
import io.weft.poller.testkit.Recorder.Done;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** POLL_ADD: one-shot completes once; multishot posts with MORE per readiness until cancelled. */
@ExtendWith(LeakCheck.class)
class UringPollAddTest extends UringTestBase {

    @Test
    void oneShotPollCompletesOnceWhenReadable() throws Exception {
        try (Loopback lb = afterRing(Loopback.open())) {
            ring.pollAdd(lb.server(), Events.IN, false, 5);
            rec.assertQuietFor(ring, 30 * MS);
            Sockets.writeFully(lb.client(), "a".getBytes());
            Done d = rec.awaitOnly(ring, 5);
            assertNotEquals(0, d.result() & Events.IN, d::toString);
            assertFalse(d.more(), d::toString);
            Sockets.writeFully(lb.client(), "b".getBytes());
            rec.assertQuietFor(ring, 30 * MS);
        }
    }

    @Test
    void multishotPollPostsPerReadinessUntilCancelled() throws Exception {
        try (Loopback lb = afterRing(Loopback.open())) {
            ring.pollAdd(lb.server(), Events.IN, true, 6);
            for (int k = 1; k <= 3; k++) {
                Sockets.writeFully(lb.client(), new byte[] {(byte) k});
                int want = k;
                rec.pollUntil(ring, () -> rec.count(6) >= want, "readiness completion " + k);
                assertEquals(1, Sockets.read(lb.server(), 16).length, "drain the byte");
            }
            List<Done> before = rec.of(6);
            assertTrue(before.size() >= 3, before::toString);
            for (Done d : before) {
                assertTrue(Completion.hasMore(d.flags()), () -> "not final yet, so MORE: " + d);
                assertNotEquals(0, d.result() & Events.IN, d::toString);
            }

            ring.cancel(6);
            Done last = rec.awaitFinal(ring, 6);
            assertEquals(-Errno.ECANCELED, last.result(), last::toString);
            assertFalse(last.more());
            // Nothing else was delivered: the cancel request's own completion is the poller's business.
            assertTrue(rec.all().stream().allMatch(d -> d.token() == 6), () -> rec.all().toString());
            Sockets.writeFully(lb.client(), "x".getBytes());
            rec.assertQuietFor(ring, 30 * MS);
        }
    }
}
