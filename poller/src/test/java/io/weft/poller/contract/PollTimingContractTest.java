package io.weft.poller.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.Events;
import io.weft.poller.sys.Sockets;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.Loopback;
import io.weft.poller.testkit.Recorder.Done;
import io.weft.poller.uring.IoUringPoller;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** poll()'s timeout: honoured, 0 does not block, negative waits for a completion. */
@EveryBackend
@ExtendWith(LeakCheck.class)
class PollTimingContractTest extends PollerContract {

    @Test
    void pollWithNothingArmedReturnsZeroAfterTheTimeout() throws Exception {
        rec.assertWaitsOutTimeout(poller, 100 * MS);
    }

    @Test
    void pollWithAnIdleWaitArmedReturnsZeroAfterTheTimeout() throws Exception {
        try (Loopback lb = Loopback.open()) {
            poller.arm(lb.server(), Events.IN, 3);
            rec.assertWaitsOutTimeout(poller, 100 * MS);
            assertEquals(3, poller.disarm(lb.server(), Events.IN));
        }
    }

    @Test
    void aSubMillisecondTimeoutStillReturns() throws Exception {
        long t0 = System.nanoTime();
        assertEquals(0, poller.poll(1, rec));
        assertEquals(0, poller.poll(999_999, rec));
        assertTrue(System.nanoTime() - t0 < 1_000 * MS);
    }

    @Test
    void pollZeroDoesNotBlock() throws Exception {
        try (Loopback lb = Loopback.open()) {
            poller.arm(lb.server(), Events.IN, 4);
            long t0 = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                assertEquals(0, poller.poll(0, rec), () -> rec.all().toString());
            }
            long elapsed = System.nanoTime() - t0;
            assertTrue(elapsed < 1_000 * MS, "200 poll(0) took " + elapsed / MS + " ms");
            assertEquals(4, poller.disarm(lb.server(), Events.IN));
        }
    }

    @Test
    void pollZeroDeliversWhatIsReady() throws Exception {
        try (Loopback lb = Loopback.open()) {
            poller.arm(lb.server(), Events.OUT, 5);
            int calls = 0;
            long t0 = System.nanoTime();
            while (rec.count(5) == 0 && System.nanoTime() - t0 < 1_000 * MS) {
                poller.poll(0, rec);
                calls++;
            }
            Done d = rec.only(5);
            assertTrue(Events.writable(d.result()), d::toString);
            // With SQPOLL the kernel's thread submits the wait in its own time: poll(0) makes no
            // system call, so delivery takes as many calls as that thread needs (within the second).
            int allowed = poller instanceof IoUringPoller u && u.sqPoll() ? Integer.MAX_VALUE : 2;
            assertTrue(calls <= allowed, "a ready wait took " + calls + " poll(0) calls to be delivered");
        }
    }

    @Test
    void pollNegativeBlocksUntilACompletionArrives() throws Exception {
        try (Loopback lb = Loopback.open()) {
            poller.arm(lb.server(), Events.IN, 6);
            int n;
            try (Waiter w = Waiter.forCurrentThread(
                    () -> Sockets.writeFully(lb.client(), "wake".getBytes()),
                    () -> {})) {
                long t0 = System.nanoTime();
                do {
                    n = poller.poll(-1, rec);
                } while (n == 0 && rec.size() == 0 && !w.acted()); // an interrupted system call may return 0 early
                long elapsed = System.nanoTime() - t0;
                int got = n;
                assertTrue(w.acted(), () -> "poll(-1) returned " + got + " after " + elapsed / 1e6
                        + " ms, before the data was sent: " + rec.all());
                assertTrue(w.sawOwnerBlocked(), "poll(-1) was never seen blocked in the kernel");
            }
            assertEquals(1, n, () -> rec.all().toString());
            assertTrue(Events.readable(rec.only(6).result()));
        }
    }
}
