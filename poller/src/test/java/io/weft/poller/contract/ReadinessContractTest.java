package io.weft.poller.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.CompletionHandler;
import io.weft.poller.Events;
import io.weft.poller.Poller;
import io.weft.poller.sys.Sockets;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.Loopback;
import io.weft.poller.testkit.Recorder.Done;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One-shot readiness waits fire with the caller's token and the events that happened. */
@EveryBackend
@ExtendWith(LeakCheck.class)
class ReadinessContractTest extends PollerContract {

    @Test
    void readWaitCompletesWhenDataArrives() throws Exception {
        try (Loopback lb = Loopback.open()) {
            poller.arm(lb.server(), Events.IN, 11);
            rec.assertQuietFor(poller, 50 * MS);

            Sockets.writeFully(lb.client(), new byte[] {42});
            Done d = rec.awaitOnly(poller, 11);
            assertTrue(Events.readable(d.result()), () -> "not readable: " + d);
            assertNotEquals(0, d.result() & Events.IN, () -> "IN not set: " + d);
            assertEquals(0, d.flags(), () -> "readiness completions carry no flags: " + d);

            // One-shot: more data does not fire it again, and nothing is left armed.
            Sockets.writeFully(lb.client(), new byte[] {43});
            rec.assertQuietFor(poller, 50 * MS);
            assertEquals(Poller.NO_TOKEN, poller.disarm(lb.server(), Events.IN));
        }
    }

    @Test
    void writeWaitOnWritableSocketCompletesAtOnce() throws Exception {
        try (Loopback lb = Loopback.open()) {
            poller.arm(lb.server(), Events.OUT, 12);
            long t0 = System.nanoTime();
            int n = rec.pollUntilDelivered(poller, 5_000 * MS);
            long elapsed = System.nanoTime() - t0;
            assertEquals(1, n, () -> "poll() of a writable socket's wait; got " + rec.all());
            Done d = rec.only(12);
            assertTrue(Events.writable(d.result()), () -> "not writable: " + d);
            assertNotEquals(0, d.result() & Events.OUT, () -> "OUT not set: " + d);
            assertTrue(elapsed < 1_000 * MS, "took " + elapsed / MS + " ms");
        }
    }

    @Test
    void readAndWriteWaitsOnOneDescriptorAreIndependent() throws Exception {
        try (Loopback lb = Loopback.open()) {
            poller.arm(lb.server(), Events.IN, 21);
            poller.arm(lb.server(), Events.OUT, 22);

            Done w = rec.awaitOnly(poller, 22);
            assertTrue(Events.writable(w.result()), () -> "write wait: " + w);
            assertEquals(0, rec.count(21), () -> "the read wait fired without data: " + rec.all());
            rec.assertQuietFor(poller, 30 * MS); // the read wait is still armed, and quiet

            Sockets.writeFully(lb.client(), "hello".getBytes());
            Done r = rec.awaitOnly(poller, 21);
            assertTrue(Events.readable(r.result()), () -> "read wait: " + r);
            assertEquals(1, rec.count(22), () -> "the write wait fired twice: " + rec.all());
        }
    }

    @Test
    void readAndWriteWaitsBothReadyAreBothDelivered() throws Exception {
        try (Loopback lb = Loopback.open()) {
            Sockets.writeFully(lb.client(), "ready".getBytes());
            poller.arm(lb.server(), Events.IN, 31);
            poller.arm(lb.server(), Events.OUT, 32);
            rec.pollUntil(poller, () -> rec.size() >= 2, "both waits");
            assertTrue(Events.readable(rec.only(31).result()), () -> rec.all().toString());
            assertTrue(Events.writable(rec.only(32).result()), () -> rec.all().toString());
            rec.assertQuietFor(poller, 30 * MS);
        }
    }

    @Test
    void peerCloseFiresReadWaitWithHangUp() throws Exception {
        try (Loopback lb = Loopback.open()) {
            poller.arm(lb.server(), Events.IN, 41);
            poller.poll(0, rec); // submitted (io_uring) before the close happens
            lb.closeClient();
            Done d = rec.awaitOnly(poller, 41);
            assertTrue(Events.readable(d.result()), () -> "not readable after peer close: " + d);
            assertNotEquals(0, d.result() & (Events.HUP | Events.RDHUP),
                    () -> "peer close should say HUP or RDHUP so the caller can tell end of stream: " + d
                            + " = 0x" + Integer.toHexString(d.result()));
        }
    }

    @Test
    void theHandlerMayArmTheSameWaitAgain() throws Exception {
        try (Loopback lb = Loopback.open()) {
            Sockets.writeFully(lb.client(), "unread".getBytes()); // stays readable: each new wait fires
            poller.arm(lb.server(), Events.IN, 1);
            CompletionHandler rearming = (token, result, flags) -> {
                rec.onCompletion(token, result, flags);
                if (token < 5) {
                    try {
                        poller.arm(lb.server(), Events.IN, token + 1);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            };
            long deadline = System.nanoTime() + 5_000 * MS;
            while (rec.size() < 5 && System.nanoTime() < deadline) {
                poller.poll(100 * MS, rearming);
            }
            for (long t = 1; t <= 5; t++) {
                assertTrue(Events.readable(rec.only(t).result()), () -> rec.all().toString());
            }
            assertEquals(5, rec.size(), () -> rec.all().toString());
            assertEquals(Poller.NO_TOKEN, poller.disarm(lb.server(), Events.IN));
        }
    }
}
