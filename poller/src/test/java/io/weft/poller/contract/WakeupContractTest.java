package io.weft.poller.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.Events;
import io.weft.poller.Poller;
import io.weft.poller.Pollers;
import io.weft.poller.sys.Errno;
import io.weft.poller.sys.ErrnoException;
import io.weft.poller.sys.Sockets;
import io.weft.poller.testkit.CommonCleanerLock;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.Recorder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** wakeup() from other threads: wakes a blocked poll(-1), and a burst of them costs one wake-up. */
@EveryBackend
@ExtendWith(LeakCheck.class)
class WakeupContractTest extends PollerContract {
    /** The token of the pipe a fallback writes when wakeup() failed to wake the owner. */
    private static final long FALLBACK = 999;

    @Test
    void wakeupFromAnotherThreadWakesABlockedPoll() throws Exception {
        int[] pipe = Sockets.pipe(true);
        try {
            poller.arm(pipe[0], Events.IN, FALLBACK);
            int n;
            try (Waiter w = Waiter.forCurrentThread(poller::wakeup, () -> Sockets.writeFully(pipe[1], new byte[] {1}))) {
                do {
                    n = poller.poll(-1, rec);
                } while (n == 0 && !w.acted()); // an interrupted system call may return 0 early
                assertTrue(w.sawOwnerBlocked(), "the owner was never seen asleep in poll(-1)");
                assertFalse(w.fellBack(), "wakeup() did not wake poll(-1); a pipe write did after "
                        + Waiter.PATIENCE_NANOS / 1_000_000 + " ms");
            }
            assertEquals(0, n, () -> "a wake-up is not a completion: " + rec.all());
            assertEquals(0, rec.size(), () -> rec.all().toString());
        } finally {
            poller.disarm(pipe[0], Events.IN);
            Sockets.close(pipe[0]);
            Sockets.close(pipe[1]);
        }
    }

    @Test
    void wakeupBeforePollMakesTheNextPollReturn() throws Exception {
        Thread t = Thread.ofPlatform().start(poller::wakeup);
        t.join();
        long t0 = System.nanoTime();
        int n = poller.poll(10_000 * MS, rec);
        long elapsed = System.nanoTime() - t0;
        assertEquals(0, n);
        assertTrue(elapsed < 2_000 * MS, "a pending wake-up did not make poll return: " + elapsed / MS + " ms");
        // The wake-up was consumed: the next poll waits out its timeout.
        rec.assertWaitsOutTimeout(poller, 100 * MS);
    }

    /**
     * A wake-up takes no lock: it may run on the JDK's virtual-thread unblocker thread (the
     * scheduler's execute), and if that thread waits for a monitor whose next owner is a
     * virtual thread only it can unblock, every virtual thread blocked on that monitor waits
     * forever. The soak found it: a thread's first system call allocated its errno slot from
     * an automatic arena, whose Cleaner registration takes the common cleaner's list lock, and
     * five connection threads stayed BLOCKED there. Holding that lock here, a fresh thread's
     * wake-up must still go through and wake the poll.
     */
    @Test
    void wakeupFromAFreshThreadTakesNoLockEvenTheCommonCleaners() throws Exception {
        Object cleanerList = CommonCleanerLock.get();
        Thread signaller;
        synchronized (cleanerList) {
            signaller = Thread.ofPlatform().start(poller::wakeup);
            assertTrue(signaller.join(java.time.Duration.ofSeconds(10)),
                    "wakeup() on a fresh thread waited for the common cleaner's lock: " + signaller.getState());
        }
        assertEquals(0, poller.poll(10_000 * MS, rec));
    }

    @Test
    void manyWakeupsCoalesceIntoOne() throws Exception {
        // A poller of our own, to learn which eventfd (if any) it signals with.
        Map<Integer, String> before = LeakCheck.Snapshot.openDescriptors();
        Recorder r = new Recorder();
        try (Poller p = Pollers.open(backend, config())) {
            List<Integer> eventfds = new ArrayList<>();
            LeakCheck.Snapshot.openDescriptors().forEach((fd, target) -> {
                if (!before.containsKey(fd) && target.equals("anon_inode:[eventfd]")) eventfds.add(fd);
            });

            Thread t = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 1000; i++) {
                    p.wakeup();
                }
            });
            t.join();
            for (int fd : eventfds) {
                long count = eventfdCount(fd);
                assertTrue(count <= 1, "1000 wakeup() calls wrote the eventfd " + count + " times; they should coalesce");
            }

            long t0 = System.nanoTime();
            assertEquals(0, p.poll(10_000 * MS, r));
            assertTrue(System.nanoTime() - t0 < 2_000 * MS, "the wake-ups did not wake poll");

            // One poll consumed all 1000: the next poll is not woken.
            r.assertWaitsOutTimeout(p, 100 * MS);
            assertEquals(0, r.size(), () -> r.all().toString());

            // And wake-ups still work after the burst.
            p.wakeup();
            t0 = System.nanoTime();
            assertEquals(0, p.poll(10_000 * MS, r));
            assertTrue(System.nanoTime() - t0 < 2_000 * MS, "wakeup() after a burst did not wake poll");
        }
    }

    @Test
    void wakeupsRacingCloseNeverWriteAReusedDescriptor() throws Exception {
        for (int round = 0; round < 5; round++) {
            Poller p = Pollers.open(backend, config());
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicLong calls = new AtomicLong();
            Thread hammer = Thread.ofPlatform().start(() -> {
                try {
                    while (!stop.get()) {
                        p.wakeup();
                        calls.incrementAndGet();
                    }
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            int[] pipe = null;
            try {
                Recorder r = new Recorder();
                for (int i = 0; i < 20; i++) {
                    p.poll(0, r); // consume wake-ups, so that the hammer writes again
                }
                p.close();
                // Descriptors are handed out lowest first: this pipe likely gets the eventfd's number.
                pipe = Sockets.pipe(true);
                long after = calls.get();
                while (calls.get() < after + 10_000 && hammer.isAlive()) {
                    Thread.onSpinWait();
                }
            } finally {
                stop.set(true);
                hammer.join();
            }
            try {
                assertNull(thrown.get(), () -> "wakeup() threw: " + thrown.get());
                int[] pp = pipe;
                ErrnoException e = org.junit.jupiter.api.Assertions.assertThrows(ErrnoException.class,
                        () -> Sockets.read(pp[0], 64), "nothing may be written to a descriptor after the poller closed");
                assertEquals(Errno.EAGAIN, e.errno());
            } finally {
                Sockets.close(pipe[0]);
                Sockets.close(pipe[1]);
            }
        }
    }

    /** The counter of eventfd {@code fd}, from /proc/self/fdinfo (printed in hex). */
    static long eventfdCount(int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("eventfd-count:")) {
                return Long.parseLong(line.substring("eventfd-count:".length()).trim(), 16);
            }
        }
        throw new AssertionError("no eventfd-count in /proc/self/fdinfo/" + fd);
    }
}
