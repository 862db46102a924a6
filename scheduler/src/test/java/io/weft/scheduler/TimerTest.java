package io.weft.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.Backend;
import io.weft.poller.testkit.LeakCheck;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Timers in the carrier loop: WeftScheduler.schedule, the ScheduledExecutorService.schedule contract. */
@ExtendWith(LeakCheck.class)
class TimerTest {

    static java.util.stream.Stream<Backend> backends() {
        return SchedulerFixture.backends();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aTimerScheduledFromAPlatformThreadFiresOnceAfterItsDelay(Backend backend) throws Exception {
        try (WeftScheduler weft = SchedulerFixture.start(backend)) {
            AtomicInteger runs = new AtomicInteger();
            CountDownLatch fired = new CountDownLatch(1);
            List<String> threads = new CopyOnWriteArrayList<>();
            long t0 = System.nanoTime();
            ScheduledFuture<?> f = weft.schedule(() -> {
                runs.incrementAndGet();
                threads.add(Thread.currentThread().getName());
                fired.countDown();
            }, 30, TimeUnit.MILLISECONDS);
            assertTrue(fired.await(10, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(30), "fired early");
            f.get(1, TimeUnit.SECONDS);
            assertTrue(f.isDone());
            assertFalse(f.isCancelled());
            assertFalse(f.cancel(false), "a fired timer cannot be cancelled");
            Thread.sleep(20);
            assertEquals(1, runs.get());
            assertTrue(threads.get(0).startsWith("weft-carrier-"), threads.toString());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aCancelledTimerNeverRuns(Backend backend) throws Exception {
        try (WeftScheduler weft = SchedulerFixture.start(backend)) {
            AtomicInteger runs = new AtomicInteger();
            ScheduledFuture<?> f = weft.schedule(runs::incrementAndGet, 40, TimeUnit.MILLISECONDS);
            assertTrue(f.cancel(false));
            assertTrue(f.isCancelled());
            assertTrue(f.isDone());
            assertThrows(CancellationException.class, f::get);
            // a later timer on the same carriers fires, so the cancelled one had its chance
            CountDownLatch later = new CountDownLatch(1);
            weft.schedule(later::countDown, 80, TimeUnit.MILLISECONDS);
            assertTrue(later.await(10, TimeUnit.SECONDS));
            assertEquals(0, runs.get());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void timersFromAVirtualThreadFireInDeadlineOrder(Backend backend) throws Exception {
        try (WeftScheduler weft = SchedulerFixture.start(backend, 1)) {
            List<Integer> order = new CopyOnWriteArrayList<>();
            CountDownLatch all = new CountDownLatch(5);
            weft.startVirtualThread(() -> {
                int[] delays = {50, 10, 40, 20, 30};
                for (int d : delays) {
                    weft.schedule(() -> {
                        order.add(d);
                        all.countDown();
                    }, d, TimeUnit.MILLISECONDS);
                }
            }).join();
            assertTrue(all.await(10, TimeUnit.SECONDS));
            assertEquals(List.of(10, 20, 30, 40, 50), order);
            assertEquals(5, weft.stats().get(0).timersFired());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void manyCancelledTimersDoNotPileUp(Backend backend) throws Exception {
        try (WeftScheduler weft = SchedulerFixture.start(backend, 1)) {
            for (int i = 0; i < 10_000; i++) {
                weft.schedule(() -> {}, 1, TimeUnit.HOURS).cancel(false);
            }
            CountDownLatch ping = new CountDownLatch(1);
            weft.schedule(ping::countDown, 1, TimeUnit.MILLISECONDS);
            assertTrue(ping.await(10, TimeUnit.SECONDS));
            // Cancelled timers are purged once they are more than half the heap.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (weft.stats().get(0).timers() > 5_000 && System.nanoTime() < deadline) {
                weft.schedule(() -> {}, 0, TimeUnit.MILLISECONDS);
                Thread.sleep(1);
            }
            assertTrue(weft.stats().get(0).timers() <= 5_000, "timers pending: " + weft.stats().get(0).timers());
        }
    }
}
