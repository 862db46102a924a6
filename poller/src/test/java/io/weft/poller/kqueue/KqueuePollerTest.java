package io.weft.poller.kqueue;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.Backend;
import io.weft.poller.BackendChoice;
import io.weft.poller.Events;
import io.weft.poller.Poller;
import io.weft.poller.PollerConfig;
import io.weft.poller.Pollers;
import io.weft.poller.sys.Errno;
import io.weft.poller.sys.Libc;
import io.weft.poller.sys.NativeMemory;
import io.weft.poller.testkit.KqueueTesting;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.Recorder;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What is particular to kqueue: the mapping of kevent flags to {@link Events}, the
 * EVFILT_USER wake-up, stale events in one batch, and freeing at close. Written to run on macOS
 * and FreeBSD as well as on libkqueue: pipes from {@code pipe(2)}, no Linux socket helpers, no
 * {@code /proc} (the contract suites cover sockets and descriptors on Linux).
 */
@ExtendWith(LeakCheck.class)
class KqueuePollerTest {
    private static final long MS = 1_000_000L;
    private static final MethodHandle PIPE = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("pipe"), FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private final List<Integer> fds = new ArrayList<>();
    private Poller poller;
    private final Recorder rec = new Recorder();
    private long allocationsBefore;

    @BeforeEach
    void open() throws Exception {
        KqueueTesting.assumeRuns(Backend.KQUEUE);
        allocationsBefore = NativeMemory.liveAllocations();
        poller = Pollers.open(Backend.KQUEUE, KqueueTesting.config(Backend.KQUEUE));
    }

    @AfterEach
    void close() {
        if (poller != null) {
            poller.close();
        }
        fds.forEach(Libc::close);
    }

    /** A pipe: [0] read end, [1] write end (blocking, which readiness does not care about). */
    private int[] pipe() throws Throwable {
        MemorySegment two = NativeMemory.allocate(8);
        try {
            assertEquals(0, (int) PIPE.invokeExact(two));
            int[] p = {two.getAtIndex(JAVA_INT, 0), two.getAtIndex(JAVA_INT, 1)};
            fds.add(p[0]);
            fds.add(p[1]);
            return p;
        } finally {
            NativeMemory.free(two);
        }
    }

    private static void writeByte(int fd) {
        MemorySegment b = NativeMemory.allocate(1);
        try {
            assertEquals(1, Libc.write(fd, b, 1));
        } finally {
            NativeMemory.free(b);
        }
    }

    @Test
    void autoPicksKqueueOnMacOsAndFreeBsd() throws Exception {
        Assumptions.assumeFalse(KqueueTesting.isLinux(), "on Linux auto picks io_uring or epoll (BackendSelectionTest)");
        BackendChoice choice = Pollers.choose(PollerConfig.defaults());
        assertEquals(Backend.KQUEUE, choice.backend(), choice::toString);
        try (Poller p = Pollers.open(PollerConfig.defaults())) {
            assertEquals(Backend.KQUEUE, p.backend());
        }
    }

    @Test
    void keventFlagsMapToEpollsEvents() {
        short r = Kevent.EVFILT_READ;
        short w = Kevent.EVFILT_WRITE;
        assertEquals(Events.IN, KqueuePoller.result(r, 0, 0, 5));
        assertEquals(Events.IN | Events.RDHUP, KqueuePoller.result(r, Kevent.EV_EOF, 0, 0), "peer shut down");
        assertEquals(Events.OUT, KqueuePoller.result(w, 0, 0, 4096));
        assertEquals(Events.OUT | Events.HUP, KqueuePoller.result(w, Kevent.EV_EOF, 0, 0), "nothing more can be sent");
        assertEquals(Events.IN | Events.RDHUP | Events.ERR, KqueuePoller.result(r, Kevent.EV_EOF, 104, 0),
                "a socket error comes in fflags with EV_EOF");
        assertEquals(-Errno.EBADF, KqueuePoller.result(r, Kevent.EV_ERROR, 0, Errno.EBADF));
    }

    @Test
    void aPipeReadWaitFiresOnDataAndOnTheWritersClose() throws Throwable {
        int[] p = pipe();
        poller.arm(p[0], Events.IN, 1);
        rec.assertQuietFor(poller, 20 * MS);
        writeByte(p[1]);
        assertEquals(Events.IN, rec.awaitOnly(poller, 1).result() & (Events.IN | Events.RDHUP));

        int[] q = pipe();
        poller.arm(q[0], Events.IN, 2);
        Libc.close(q[1]);
        fds.remove(Integer.valueOf(q[1]));
        int result = rec.awaitOnly(poller, 2).result();
        assertTrue(Events.readable(result));
        assertNotEquals(0, result & Events.RDHUP, "EV_EOF: 0x" + Integer.toHexString(result));
    }

    @Test
    void wakeupFromAnotherThreadEndsAnIndefinitePoll() throws Exception {
        Thread waker = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            poller.wakeup();
        });
        long t0 = System.nanoTime();
        assertEquals(0, poller.poll(-1, rec), "a wake-up is not a completion");
        assertTrue(System.nanoTime() - t0 >= 40 * MS, "returned before the wake-up");
        waker.join();
    }

    @Test
    void aBurstOfWakeupsIsOneAndIsClearedWhenReturned() throws Exception {
        for (int i = 0; i < 1000; i++) {
            poller.wakeup();
        }
        assertEquals(0, poller.poll(5_000 * MS, rec));
        // EV_CLEAR: returning the event reset it, so the next poll waits its full timeout.
        long t0 = System.nanoTime();
        assertEquals(0, poller.poll(50 * MS, rec));
        assertTrue(System.nanoTime() - t0 >= 45 * MS, "the wake-up fired again");
        // And the flag was reset: a later wake-up works.
        poller.wakeup();
        t0 = System.nanoTime();
        assertEquals(0, poller.poll(5_000 * MS, rec));
        assertTrue(System.nanoTime() - t0 < 2_000 * MS);
    }

    @Test
    void anEventOfAWaitDisarmedAndArmedAgainInTheSameBatchIsDropped() throws Throwable {
        int[] a = pipe();
        int[] b = pipe();
        writeByte(a[1]);
        writeByte(b[1]);
        poller.arm(a[0], Events.IN, 1);
        poller.arm(b[0], Events.IN, 2);
        // Whichever fires first disarms the other and arms it again under a new token: the
        // other's event, already in this batch, belongs to the old wait and must not be delivered.
        List<Long> seen = new ArrayList<>();
        poller.poll(1_000 * MS, (token, result, flags) -> {
            seen.add(token);
            if (seen.size() == 1) {
                int other = token == 1 ? b[0] : a[0];
                try {
                    assertEquals(token == 1 ? 2 : 1, poller.disarm(other, Events.IN));
                    poller.arm(other, Events.IN, 10 + (token == 1 ? 2 : 1));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        assertEquals(1, seen.size(), () -> "the stale event was delivered: " + seen);
        long renewed = 10 + (seen.get(0) == 1 ? 2 : 1);
        assertEquals(Events.IN, rec.awaitOnly(poller, renewed).result() & Events.IN);
    }

    @Test
    void closeCancelsWaitsAndFreesItsMemory() throws Throwable {
        int[] p = pipe();
        poller.arm(p[0], Events.IN, 5);
        poller.arm(p[1], Events.OUT, 6);
        assertEquals(6, rec.awaitOnly(poller, 6).token());
        poller.close(rec);
        assertEquals(-Errno.ECANCELED, rec.only(5).result());
        assertEquals(2, rec.size(), () -> rec.all().toString());
        assertEquals(allocationsBefore, NativeMemory.liveAllocations(), "native memory left after close");
    }
}
