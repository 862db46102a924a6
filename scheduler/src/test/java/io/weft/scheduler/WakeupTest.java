package io.weft.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.Backend;
import io.weft.poller.testkit.LeakCheck;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Wake-ups are exact: a sleeping carrier is woken by a submission; a busy one is not sent a wake-up per submission. */
@ExtendWith(LeakCheck.class)
class WakeupTest {

    static java.util.stream.Stream<Backend> backends() {
        return SchedulerFixture.backends();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aSubmissionWakesASleepingCarrier(Backend backend) throws Exception {
        try (WeftScheduler weft = SchedulerFixture.start(backend, 1)) {
            awaitSleeping(weft);
            long before = weft.stats().get(0).wakeupsSent();
            CountDownLatch ran = new CountDownLatch(1);
            weft.startVirtualThread(ran::countDown);
            assertTrue(ran.await(10, TimeUnit.SECONDS), "a sleeping carrier was not woken");
            assertTrue(weft.stats().get(0).wakeupsSent() > before);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aBusyCarrierIsNotWokenForEverySubmission(Backend backend) throws Exception {
        try (WeftScheduler weft = SchedulerFixture.start(backend, 1)) {
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch busy = new CountDownLatch(1);
            Thread spinner = weft.startVirtualThread(() -> {
                busy.countDown();
                while (!stop.get()) Thread.onSpinWait(); // holds the carrier without yielding
            });
            busy.await();
            long before = weft.stats().get(0).wakeupsSent();
            int n = 1000;
            AtomicInteger ran = new AtomicInteger();
            Thread[] threads = new Thread[n];
            for (int i = 0; i < n; i++) {
                threads[i] = weft.startVirtualThread(ran::incrementAndGet);
            }
            long sentWhileBusy = weft.stats().get(0).wakeupsSent() - before;
            stop.set(true);
            spinner.join();
            for (Thread t : threads) assertTrue(t.join(Duration.ofSeconds(10)));
            assertEquals(n, ran.get());
            assertEquals(0, sentWhileBusy, "wake-ups sent to a carrier that was running a thread");
        }
    }

    static void awaitSleeping(WeftScheduler weft) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!weft.carrier(0).isSleeping()) {
            if (System.nanoTime() > deadline) throw new AssertionError("carrier never went to sleep");
            Thread.sleep(1);
        }
    }
}
