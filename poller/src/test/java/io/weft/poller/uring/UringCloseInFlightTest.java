package io.weft.poller.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.weft.poller.Backend;
import io.weft.poller.BufferRing;
import io.weft.poller.CompletionPoller;
import io.weft.poller.Events;
import io.weft.poller.PollerConfig;
import io.weft.poller.Pollers;
import io.weft.poller.sys.Errno;
import io.weft.poller.sys.Sockets;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.Loopback;
import io.weft.poller.testkit.Recorder;
import io.weft.poller.testkit.Recorder.Done;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** close(handler) with everything in flight: each gets one final -ECANCELED, and nothing leaks. */
@ExtendWith(LeakCheck.class)
class UringCloseInFlightTest extends UringTestBase {

    @Test
    void closeCancelsEveryKindOfOperationExactlyOnceAndFreesEverything() throws Exception {
        try (Loopback l1 = Loopback.open(); Loopback l2 = Loopback.open(); Loopback l3 = Loopback.open()) {
            int listener = Sockets.listenLoopback(8, false);
            MemorySegment b1 = buffer(64);
            MemorySegment b2 = buffer(64);
            MemorySegment b3 = buffer(64);
            LeakCheck.Snapshot s0 = LeakCheck.Snapshot.take();
            Recorder r = new Recorder();
            CompletionPoller p = (CompletionPoller) Pollers.open(Backend.IO_URING, PollerConfig.fromSystemProperties());
            try {
                BufferRing br = p.registerBufferRing(9, 8, 256);
                p.recv(l1.server(), b1, 0, 1);
                p.recv(l2.server(), b2, 0, 2);
                p.recv(l3.server(), b3, 0, 3);
                p.accept(listener, Sockets.SOCK_CLOEXEC, true, 4);
                p.timeout(10_000 * MS, 5);
                p.timeout(20_000 * MS, 6);
                p.arm(l1.client(), Events.IN, 7);
                p.pollAdd(l2.client(), Events.IN, true, 8);
                p.recv(l3.client(), br, true, 9);
                p.poll(0, r); // all of these are in the kernel now
                p.timeout(30_000 * MS, 10); // and these two only queued
                p.recv(l1.server(), b1, 0, 11);
                assertEquals(List.of(), r.all(), "nothing completes before close");

                p.close(r);
                assertFalse(p.isOpen());
                assertEquals(11, r.size(), () -> "one final completion each: " + r.all());
                for (long token = 1; token <= 11; token++) {
                    Done d = r.only(token);
                    assertEquals(-Errno.ECANCELED, d.result(), d::toString);
                    assertFalse(d.more(), d::toString);
                }
                p.close(r);
                assertEquals(11, r.size(), "a second close delivers nothing");
                assertEquals(List.of(), LeakCheck.Snapshot.take().problemsSince(s0), "after close");
            } finally {
                p.close();
                Sockets.close(listener);
            }
        }
    }

    @Test
    void operationsAfterCloseThrowIllegalState() throws Exception {
        MemorySegment buf = buffer(16);
        ring.close(rec);
        assertFalse(ring.isOpen());
        assertThrows(IllegalStateException.class, () -> ring.nop(1));
        assertThrows(IllegalStateException.class, () -> ring.recv(0, buf, 0, 1));
        assertThrows(IllegalStateException.class, () -> ring.linkTimeout(MS, 1));
        assertThrows(IllegalStateException.class, () -> ring.registerBuffers(buf));
        assertThrows(IllegalStateException.class, () -> ring.timeout(MS, 1));
        assertThrows(IllegalStateException.class, () -> ring.cancel(1));
        assertThrows(IllegalStateException.class, () -> ring.cancelFd(0));
        assertThrows(IllegalStateException.class, () -> ring.flush());
        assertThrows(IllegalStateException.class, () -> ring.poll(0, rec));
        assertThrows(IllegalStateException.class, () -> ring.arm(0, Events.IN, 1));
        assertThrows(IllegalStateException.class, () -> ring.registerBufferRing(1, 2, 64));
        assertThrows(IllegalStateException.class, () -> ring.registerFiles(1));
        ring.wakeup(); // any thread, any time: a no-op now
        assertEquals(0, rec.size());
    }

    @Test
    void aBufferRingReceiveAfterCloseThrowsIllegalStateToo() throws Exception {
        BufferRing br = ring.registerBufferRing(1, 2, 64);
        ring.close(rec);
        assertThrows(IllegalStateException.class, () -> ring.recv(0, br, true, 1),
                "like every other operation after close");
    }
}
