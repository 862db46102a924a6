package io.weft.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.Backend;
import io.weft.poller.sys.Sockets;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.Loopback;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A run queue that never drains must not starve threads waiting for I/O or timers: the
 * carrier reaps completions and fires timers every few tasks. One carrier, kept busy by
 * threads that yield forever.
 */
@ExtendWith(LeakCheck.class)
class FairnessTest {

    static java.util.stream.Stream<Backend> backends() {
        return SchedulerFixture.backends();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void yieldingThreadsDoNotStarveIoOrTimers(Backend backend) throws Exception {
        try (WeftScheduler weft = SchedulerFixture.start(backend, 1);
             Loopback lb = Loopback.open()) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread[] spinners = new Thread[4];
            for (int i = 0; i < spinners.length; i++) {
                spinners[i] = weft.startVirtualThread(() -> {
                    while (!stop.get()) Thread.yield();
                });
            }
            AtomicReference<byte[]> got = new AtomicReference<>();
            Thread reader = weft.startVirtualThread(() -> {
                try {
                    if (WeftScheduler.awaitReadable(lb.server(), 0)) got.set(Sockets.read(lb.server(), 16));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            AtomicBoolean slept = new AtomicBoolean();
            Thread sleeper = weft.startVirtualThread(() -> {
                try {
                    Thread.sleep(20);
                    slept.set(true);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            Thread.sleep(50); // the spinners own the carrier by now
            Sockets.writeFully(lb.client(), new byte[] {9, 9});
            try {
                assertTrue(reader.join(Duration.ofSeconds(10)), "the reader starved behind yielding threads");
                assertTrue(sleeper.join(Duration.ofSeconds(10)), "the sleeper starved behind yielding threads");
            } finally {
                stop.set(true);
                for (Thread s : spinners) s.join();
            }
            assertArrayEquals(new byte[] {9, 9}, got.get());
            assertTrue(slept.get());
        }
    }

    /**
     * More runnable threads than the run queue holds: the rest wait in the shared overflow
     * queue. A thread that yields finds the slot it just left free and goes back into the run
     * queue, which therefore never empties; unless the carrier also serves the overflow, the
     * threads there never run again.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void threadsThatOverflowedTheRunQueueStillRun(Backend backend) throws Exception {
        SchedulerConfig tiny = new SchedulerConfig(1, 2, 32, 2000,
                SchedulerFixture.pollerConfig(backend));
        try (WeftScheduler weft = WeftScheduler.start(tiny)) {
            AtomicBoolean stop = new AtomicBoolean();
            java.util.concurrent.atomic.AtomicLongArray turns = new java.util.concurrent.atomic.AtomicLongArray(20);
            Thread[] threads = new Thread[turns.length()];
            for (int i = 0; i < threads.length; i++) {
                int me = i;
                threads[i] = weft.startVirtualThread(() -> {
                    while (!stop.get()) {
                        turns.incrementAndGet(me);
                        Thread.yield();
                    }
                });
            }
            Thread.sleep(300);
            stop.set(true);
            for (Thread t : threads) assertTrue(t.join(Duration.ofSeconds(10)), "a thread never ran again");
            for (int i = 0; i < turns.length(); i++) {
                assertTrue(turns.get(i) > 10, "thread " + i + " ran only " + turns.get(i) + " times in 300 ms: " + turns);
            }
        }
    }

    /**
     * {@link WeftScheduler#yieldNowAndThen}: a thread whose calls never park lets a waiting
     * thread run on its 8th call, and not before; off a Weft carrier it does nothing.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void everyEighthCallWithoutParkingYieldsToAWaitingThread(Backend backend) throws Exception {
        WeftScheduler.yieldNowAndThen(8); // a platform thread: returns at once
        assertFalse(WeftScheduler.othersWaiting());
        try (WeftScheduler weft = SchedulerFixture.start(backend, 1)) {
            AtomicBoolean waiterRan = new AtomicBoolean();
            AtomicReference<String> result = new AtomicReference<>();
            Thread busy = weft.startVirtualThread(() -> {
                // Started from here, on the only carrier, the waiter queues behind this thread.
                weft.startVirtualThread(() -> waiterRan.set(true));
                if (!WeftScheduler.othersWaiting()) {
                    result.set("the waiter was not queued");
                    return;
                }
                for (int call = 1; call < 8; call++) {
                    WeftScheduler.yieldNowAndThen(call);
                    if (waiterRan.get()) {
                        result.set("yielded on call " + call);
                        return;
                    }
                }
                WeftScheduler.yieldNowAndThen(8);
                result.set(waiterRan.get() ? "yielded on call 8" : "did not yield on call 8");
            });
            assertTrue(busy.join(Duration.ofSeconds(10)));
            assertEquals("yielded on call 8", result.get());
        }
    }
}
