package io.weft.poller.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.Events;
import io.weft.poller.Poller;
import io.weft.poller.Pollers;
import io.weft.poller.sys.Errno;
import io.weft.poller.sys.Sockets;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.Loopback;
import io.weft.poller.testkit.Recorder;
import io.weft.poller.testkit.Recorder.Done;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** close(handler): -ECANCELED once for every armed wait, idempotent, and the poller is unusable after. */
@EveryBackend
@ExtendWith(LeakCheck.class)
class CloseContractTest extends PollerContract {

    @Test
    void closeDeliversCanceledForEveryArmedWaitExactlyOnce() throws Exception {
        try (Loopback a = Loopback.open(); Loopback b = Loopback.open(); Loopback c = Loopback.open()) {
            int[] pipe = Sockets.pipe(true);
            try {
                poller.arm(a.server(), Events.IN, 1);
                poller.arm(b.server(), Events.IN, 2);
                poller.arm(c.client(), Events.IN, 3);
                poller.poll(0, rec); // these three are in the kernel (io_uring)...
                poller.arm(pipe[0], Events.IN, 4); // ...this one only queued
                assertEquals(0, rec.size(), () -> rec.all().toString());

                poller.close(rec);
                assertFalse(poller.isOpen());
                assertEquals(4, rec.size(), () -> "completions at close: " + rec.all());
                for (long token = 1; token <= 4; token++) {
                    Done d = rec.only(token);
                    assertEquals(-Errno.ECANCELED, d.result(), d::toString);
                    assertFalse(d.more(), d::toString);
                }
                poller.close(rec);
                assertEquals(4, rec.size(), () -> "a second close delivered again: " + rec.all());
            } finally {
                Sockets.close(pipe[0]);
                Sockets.close(pipe[1]);
            }
        }
    }

    @Test
    void closeIsIdempotentAndReleasesEverything() throws Exception {
        try (Loopback lb = Loopback.open()) {
            LeakCheck.Snapshot s0 = LeakCheck.Snapshot.take();
            Recorder r = new Recorder();
            Poller p = Pollers.open(backend, config());
            p.arm(lb.server(), Events.IN, 8);
            p.poll(0, r);
            assertTrue(p.isOpen());
            p.close(r);
            assertEquals(List.of(), LeakCheck.Snapshot.take().problemsSince(s0), "after the first close");
            p.close(r);
            p.close();
            assertEquals(List.of(), LeakCheck.Snapshot.take().problemsSince(s0), "after closing three times");
            assertEquals(1, r.size(), () -> r.all().toString());
            assertEquals(-Errno.ECANCELED, r.only(8).result());
        }
    }

    @Test
    void operationsAfterCloseThrowIllegalState() throws Exception {
        try (Loopback lb = Loopback.open()) {
            poller.close();
            assertFalse(poller.isOpen());
            assertThrows(IllegalStateException.class, () -> poller.arm(lb.server(), Events.IN, 1));
            assertThrows(IllegalStateException.class, () -> poller.disarm(lb.server(), Events.IN));
            assertThrows(IllegalStateException.class, () -> poller.poll(0, rec));
            assertThrows(IllegalStateException.class, () -> poller.poll(10 * MS, rec));
            assertThrows(IllegalStateException.class, () -> poller.poll(-1, rec));
            // wakeup() may come from any thread at any time, also after close: a no-op.
            poller.wakeup();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    poller.wakeup();
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            t.join();
            assertNull(thrown.get(), () -> "wakeup() after close threw " + thrown.get());
            assertEquals(backend, poller.backend());
            assertEquals(0, rec.size());
        }
    }

    @Test
    void aDisarmedWaitGetsNothingAtClose() throws Exception {
        try (Loopback lb = Loopback.open()) {
            poller.arm(lb.server(), Events.IN, 1);
            poller.poll(0, rec);
            poller.arm(lb.client(), Events.IN, 2); // queued only
            assertEquals(1, poller.disarm(lb.server(), Events.IN));
            assertEquals(2, poller.disarm(lb.client(), Events.IN));
            poller.close(rec);
            assertEquals(List.of(), rec.all());
        }
    }

    @Test
    void closeCancelsMoreWaitsThanTheQueueHolds() throws Exception {
        final int n = 300; // more than the 256 submission entries of the default configuration
        List<int[]> pipes = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                int[] pipe = Sockets.pipe(true);
                pipes.add(pipe);
                poller.arm(pipe[0], Events.IN, i);
            }
            poller.close(rec);
            assertEquals(n, rec.size(), "one completion per wait");
            for (int i = 0; i < n; i++) {
                assertEquals(-Errno.ECANCELED, rec.only(i).result());
            }
        } finally {
            for (int[] pipe : pipes) {
                Sockets.close(pipe[0]);
                Sockets.close(pipe[1]);
            }
        }
    }
}
