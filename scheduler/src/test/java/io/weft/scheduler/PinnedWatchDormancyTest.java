package io.weft.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.Backend;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.Loopback;
import io.weft.poller.testkit.Pinned;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The pinned watch stops waking up while the scheduler is idle ({@link WatchDormancy}) and is
 * back before a carrier runs a task: a pinned thread's wait after an idle spell is still
 * kicked. The handshake itself is jcstress {@code WatchDormancyTest}.
 */
@ExtendWith(LeakCheck.class)
class PinnedWatchDormancyTest {

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void anIdleSchedulersWatchSleepsUntilACarrierWakes(Backend backend) throws Exception {
        try (WeftScheduler weft = SchedulerFixture.start(backend, 2)) {
            PinnedWatch watch = weft.pinnedWatch();
            long first = awaitDormant(watch, n -> n >= 1);
            Thread.sleep(100); // ten periods: a ticking watch would have looked ten times
            assertTrue(watch.isDormant(), "the idle scheduler's watch woke up");
            assertEquals(first, watch.dormancies(), "the watch ticked while nothing ran");

            weft.startVirtualThread(() -> { }).join();
            // Roused by the carrier that ran the thread, it ticks again, then goes dormant anew.
            awaitDormant(watch, n -> n > first);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void aPinnedWaitAfterAnIdleSpellIsKicked(Backend backend) throws Exception {
        try (WeftScheduler weft = SchedulerFixture.start(backend, 1); Loopback pair = Loopback.open()) {
            awaitDormant(weft.pinnedWatch(), n -> n >= 1);
            PinnedThreadsTest.writeLater(pair.client(), "hello");
            byte[] got = PinnedThreadsTest.onWeft(weft, "awaitReadable under an FFM upcall after an idle spell",
                    () -> Pinned.underNativeFrame(() -> PinnedThreadsTest.readWhenReady(pair.server())));
            assertArrayEquals("hello".getBytes(), got);
            PinnedThreadsTest.assertDroveItself(weft);
        }
    }

    /** Waits until the watch is dormant with a dormancy count that {@code count} accepts; returns the count. */
    private static long awaitDormant(PinnedWatch watch, LongPredicate count) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!(watch.isDormant() && count.test(watch.dormancies()))) {
            assertTrue(System.nanoTime() < deadline, "the watch did not go dormant within 5 s (dormancies: "
                    + watch.dormancies() + ")");
            Thread.sleep(5);
        }
        return watch.dormancies();
    }
}
