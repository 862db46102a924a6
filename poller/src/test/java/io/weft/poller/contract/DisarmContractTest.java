package io.weft.poller.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.Events;
import io.weft.poller.Poller;
import io.weft.poller.Pollers;
import io.weft.poller.sys.Libc;
import io.weft.poller.sys.Sockets;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.FreshThread;
import io.weft.poller.testkit.Loopback;
import io.weft.poller.testkit.Recorder;
import io.weft.poller.testkit.Recorder.Done;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** disarm() is synchronous: it returns the token, and nothing is delivered for that wait afterwards. */
@EveryBackend
@ExtendWith(LeakCheck.class)
class DisarmContractTest extends PollerContract {

    @Test
    void disarmReturnsTheTokenAndNoCompletionFollows() throws Exception {
        try (Loopback lb = Loopback.open()) {
            poller.arm(lb.server(), Events.IN, 41);
            poller.poll(0, rec); // in the kernel now (io_uring), not just queued
            Sockets.writeFully(lb.client(), "late".getBytes()); // the wait fires in the kernel...
            assertEquals(41, poller.disarm(lb.server(), Events.IN)); // ...but is disarmed first
            rec.assertQuietFor(poller, 100 * MS);
            assertEquals(0, rec.size(), () -> rec.all().toString());
        }
    }

    @Test
    void aWaitArmedAgainAfterDisarmGetsOnlyTheNewToken() throws Exception {
        try (Loopback lb = Loopback.open()) {
            poller.arm(lb.server(), Events.IN, 51);
            poller.poll(0, rec);
            Sockets.writeFully(lb.client(), "x".getBytes());
            assertEquals(51, poller.disarm(lb.server(), Events.IN));
            poller.arm(lb.server(), Events.IN, 52);
            Done d = rec.awaitOnly(poller, 52);
            assertTrue(Events.readable(d.result()), d::toString);
            rec.assertQuietFor(poller, 50 * MS);
            assertEquals(0, rec.count(51), () -> "the disarmed wait was delivered: " + rec.all());
        }
    }

    @Test
    void disarmOfAReadyButUndeliveredWaitSuppressesIt() throws Exception {
        try (Loopback lb = Loopback.open()) {
            poller.arm(lb.server(), Events.IN, 61);
            poller.arm(lb.server(), Events.OUT, 62); // ready at once, but not yet polled
            assertEquals(62, poller.disarm(lb.server(), Events.OUT));
            rec.assertQuietFor(poller, 50 * MS);

            // The read wait on the same descriptor is untouched by the write wait's disarm.
            Sockets.writeFully(lb.client(), "y".getBytes());
            Done d = rec.awaitOnly(poller, 61);
            assertTrue(Events.readable(d.result()), d::toString);
            assertEquals(0, rec.count(62), () -> rec.all().toString());
        }
    }

    @Test
    void disarmOfNothingReturnsNoToken() throws Exception {
        try (Loopback lb = Loopback.open()) {
            assertEquals(Poller.NO_TOKEN, poller.disarm(lb.server(), Events.IN));
            assertEquals(Poller.NO_TOKEN, poller.disarm(lb.server(), Events.OUT));

            // A wait that already completed is not armed any more either.
            poller.arm(lb.server(), Events.OUT, 71);
            rec.awaitOnly(poller, 71);
            assertEquals(Poller.NO_TOKEN, poller.disarm(lb.server(), Events.OUT));
            // Disarming twice: the second finds nothing.
            poller.arm(lb.server(), Events.IN, 72);
            assertEquals(72, poller.disarm(lb.server(), Events.IN));
            assertEquals(Poller.NO_TOKEN, poller.disarm(lb.server(), Events.IN));
            rec.assertQuietFor(poller, 30 * MS);
            assertEquals(1, rec.size(), () -> rec.all().toString());
        }
    }

    @Test
    void aDisarmDoesNotEndTheNextPollEarly() throws Exception {
        try (Loopback lb = Loopback.open()) {
            poller.arm(lb.server(), Events.IN, 81);
            poller.poll(0, rec);
            assertEquals(81, poller.disarm(lb.server(), Events.IN));
            // Whatever the backend does to take the wait back is its own business: the caller
            // asked for 100 ms and nothing of its own completes, so poll waits 100 ms.
            rec.assertWaitsOutTimeout(poller, 100 * MS);
            assertEquals(0, rec.size(), () -> rec.all().toString());
        }
    }

    @Test
    void aDisarmedDescriptorThatHangsUpDoesNotEndAPollEarly() throws Exception {
        try (Loopback lb = Loopback.open()) {
            FreshThread.run(() -> {
                Recorder r = new Recorder();
                try (Poller p = Pollers.open(backend, config())) {
                    p.arm(lb.server(), Events.IN, 91);
                    p.poll(0, r);
                    assertEquals(91, p.disarm(lb.server(), Events.IN));
                    p.poll(0, r);
                    // Both directions shut down: the socket now reports HUP to anyone polling it.
                    assertEquals(0, Libc.shutdown(lb.server(), Sockets.SHUT_RDWR));
                    long t0 = System.nanoTime();
                    int n = p.poll(100 * MS, r);
                    long elapsed = System.nanoTime() - t0;
                    assertEquals(0, n, () -> r.all().toString());
                    assertEquals(0, r.size(), () -> r.all().toString());
                    assertTrue(elapsed >= 90 * MS, "poll(100 ms) returned 0 after "
                            + elapsed / 1e6 + " ms: a disarmed descriptor's hang-up woke it");
                }
            });
        }
    }
}
