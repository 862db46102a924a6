package io.weft.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.Backend;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.Loopback;
import io.weft.poller.testkit.Pinned;
import io.weft.poller.sys.Sockets;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A Weft virtual thread pinned to its carrier (inside a class initializer, under an FFM upcall)
 * that waits for a descriptor or sleeps, with one carrier: the wait must end, and the carrier
 * must run other virtual threads afterwards. Without {@link PinnedWatch} the wait is armed on
 * the carrier's own poller, the pinned thread's park parks the carrier, and nothing ever polls
 * again: the initializer, the carrier and every thread on it hang for ever (with
 * {@code pinnedWatchMillis = 0} these tests time out: checked by hand).
 */
@ExtendWith(LeakCheck.class)
class PinnedThreadsTest {
    /** The peer's pause before it writes: the pinned thread really has to wait. */
    private static final long PEER_DELAY_MS = 200;

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void aReadinessWaitInAClassInitializerEnds(Backend backend) throws Exception {
        try (WeftScheduler weft = SchedulerFixture.start(backend, 1); Loopback pair = Loopback.open()) {
            writeLater(pair.client(), "hello");
            byte[] got = onWeft(weft, "awaitReadable in a class initializer",
                    () -> Pinned.inClassInitializer(() -> readWhenReady(pair.server())));
            assertArrayEquals("hello".getBytes(), got);
            assertDroveItself(weft);
            assertCarrierRunsOthers(weft);
        }
    }

    /** The same under a native frame: a look at the stack would not see this pinning. */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void aReadinessWaitUnderAnFfmUpcallEnds(Backend backend) throws Exception {
        try (WeftScheduler weft = SchedulerFixture.start(backend, 1); Loopback pair = Loopback.open()) {
            writeLater(pair.client(), "hello");
            byte[] got = onWeft(weft, "awaitReadable under an FFM upcall",
                    () -> Pinned.underNativeFrame(() -> readWhenReady(pair.server())));
            assertArrayEquals("hello".getBytes(), got);
            assertDroveItself(weft);
            assertCarrierRunsOthers(weft);
        }
    }

    /** Several waits in one initializer: after the first kick the thread drives at once. */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void manyWaitsInOneClassInitializer(Backend backend) throws Exception {
        try (WeftScheduler weft = SchedulerFixture.start(backend, 1); Loopback pair = Loopback.open()) {
            int rounds = 20;
            Thread peer = Thread.ofPlatform().daemon().start(() -> {
                try {
                    for (int i = 0; i < rounds; i++) {
                        Thread.sleep(5);
                        Sockets.writeFully(pair.client(), new byte[] {(byte) i});
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            int sum = onWeft(weft, rounds + " waits in a class initializer", () -> Pinned.inClassInitializer(() -> {
                int total = 0;
                for (int got = 0; got < rounds; ) {
                    assertTrue(WeftScheduler.awaitReadable(pair.server(), TimeUnit.SECONDS.toNanos(5)), "timed out");
                    byte[] b = Sockets.read(pair.server(), 100);
                    for (byte x : b) total += x;
                    got += b.length;
                }
                return total;
            }));
            peer.join();
            assertEquals(rounds * (rounds - 1) / 2, sum);
            Carrier c = weft.carrier(0);
            assertTrue(c.counters.pinnedWaits >= 1 && c.counters.pinnedWaits < rounds,
                    "kicked " + c.counters.pinnedWaits + " times: the thread, once found pinned, should drive at once");
            assertCarrierRunsOthers(weft);
        }
    }

    /** A timed-out pinned wait: the timeout is a timer on the parked carrier's own heap. */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void aPinnedWaitTimesOut(Backend backend) throws Exception {
        try (WeftScheduler weft = SchedulerFixture.start(backend, 1); Loopback pair = Loopback.open()) {
            long t0 = System.nanoTime();
            WaitResult r = onWeft(weft, "a timed wait in a class initializer", () -> Pinned.inClassInitializer(
                    () -> WeftScheduler.await(pair.server(), io.weft.poller.Events.IN, TimeUnit.MILLISECONDS.toNanos(300))));
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals(WaitResult.TIMED_OUT, r);
            assertTrue(took >= 300, "timed out after " + took + " ms");
            assertCarrierRunsOthers(weft);
        }
    }

    /** The pinned wait was served by the thread driving its carrier (so it really was pinned). */
    static void assertDroveItself(WeftScheduler weft) {
        Carrier c = weft.carrier(0);
        assertTrue(c.counters.pinnedWaits >= 1 && c.counters.pinnedSlices >= 1,
                "pinned waits " + c.counters.pinnedWaits + ", slices " + c.counters.pinnedSlices);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void aSleepInAClassInitializerEnds(Backend backend) throws Exception {
        try (WeftScheduler weft = SchedulerFixture.start(backend, 1)) {
            long slept = onWeft(weft, "Thread.sleep in a class initializer", () -> Pinned.inClassInitializer(() -> {
                long t0 = System.nanoTime();
                Thread.sleep(PEER_DELAY_MS);
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            }));
            assertTrue(slept >= PEER_DELAY_MS, "slept " + slept + " ms");
            assertCarrierRunsOthers(weft);
        }
    }

    /** The pinned wait is cancelled like any other: cancelWaits from another thread ends it. */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void aPinnedWaitIsCancelled(Backend backend) throws Exception {
        try (WeftScheduler weft = SchedulerFixture.start(backend, 1); Loopback pair = Loopback.open()) {
            Thread.ofPlatform().daemon().start(() -> {
                sleepQuietly(PEER_DELAY_MS);
                WeftScheduler.cancelWaits(pair.server());
            });
            WaitResult r = onWeft(weft, "a cancelled wait in a class initializer",
                    () -> Pinned.inClassInitializer(() -> WeftScheduler.await(pair.server(), io.weft.poller.Events.IN, 0)));
            assertEquals(WaitResult.CANCELLED, r);
            assertCarrierRunsOthers(weft);
        }
    }

    static byte[] readWhenReady(int fd) throws Exception {
        assertTrue(WeftScheduler.awaitReadable(fd, TimeUnit.SECONDS.toNanos(30)), "timed out");
        return Sockets.read(fd, 100);
    }

    /** Writes {@code text} to {@code fd} from a platform thread after {@link #PEER_DELAY_MS}. */
    static void writeLater(int fd, String text) {
        Thread.ofPlatform().daemon().start(() -> {
            sleepQuietly(PEER_DELAY_MS);
            try {
                Sockets.writeFully(fd, text.getBytes());
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs {@code body} on a Weft virtual thread; fails, rather than hanging the build, after 10 s. */
    static <T> T onWeft(WeftScheduler weft, String what, Callable<T> body) throws Exception {
        return Pinned.runOn(weft::startVirtualThread, what, body, weft::stats);
    }

    /** Another virtual thread on the (one) carrier runs, sleeps and waits for a descriptor. */
    static void assertCarrierRunsOthers(WeftScheduler weft) throws Exception {
        try (Loopback pair = Loopback.open()) {
            Sockets.writeFully(pair.client(), "x".getBytes());
            boolean ran = onWeft(weft, "an ordinary thread after the pinned one", () -> {
                Thread.sleep(1);
                return WeftScheduler.awaitReadable(pair.server(), TimeUnit.SECONDS.toNanos(5));
            });
            assertTrue(ran, "the later thread's wait timed out");
        }
    }
}
