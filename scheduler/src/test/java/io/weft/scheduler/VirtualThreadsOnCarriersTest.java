package io.weft.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.Backend;
import io.weft.poller.testkit.LeakCheck;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Virtual threads started through each public path run on the scheduler's carriers. */
@ExtendWith(LeakCheck.class)
class VirtualThreadsOnCarriersTest {

    static java.util.stream.Stream<Backend> backends() {
        return SchedulerFixture.backends();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void everyCreationPathRunsOnAWeftCarrier(Backend backend) throws Exception {
        try (WeftScheduler weft = SchedulerFixture.start(backend)) {
            assertEquals(backend, weft.pollerBackend());
            Set<String> carriers = ConcurrentHashMap.newKeySet();
            Runnable probe = () -> {
                assertTrue(Thread.currentThread().isVirtual());
                Carrier c = Carrier.current();
                assertNotNull(c, "not mounted on a weft carrier");
                assertSame(weft, c.scheduler);
                carriers.add(c.getName());
            };
            weft.startVirtualThread(probe).join();
            Thread t = weft.threadBuilder().name("built").start(probe);
            t.join();
            assertEquals("built", t.getName());
            weft.threadFactory().newThread(probe).start();
            try (ExecutorService perTask = weft.newThreadPerTaskExecutor()) {
                Future<?> f = perTask.submit(probe);
                f.get(10, TimeUnit.SECONDS);
            }
            assertFalse(carriers.isEmpty());
            for (String name : carriers) {
                assertTrue(name.startsWith("weft-carrier-"), name);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void tenThousandThreadsSleepParkAndUnpark(Backend backend) throws Exception {
        try (WeftScheduler weft = SchedulerFixture.start(backend)) {
            int n = 10_000;
            AtomicInteger slept = new AtomicInteger();
            AtomicInteger unparked = new AtomicInteger();
            Thread[] parked = new Thread[n];
            CountDownLatch allParked = new CountDownLatch(n);
            try (ExecutorService perTask = weft.newThreadPerTaskExecutor()) {
                for (int i = 0; i < n; i++) {
                    perTask.submit(() -> {
                        try {
                            Thread.sleep(5);
                            slept.incrementAndGet();
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                    });
                }
                for (int i = 0; i < n; i++) {
                    AtomicReference<Boolean> go = new AtomicReference<>(false);
                    parked[i] = weft.threadFactory().newThread(() -> {
                        allParked.countDown();
                        while (!go.get()) LockSupport.park(go);
                        unparked.incrementAndGet();
                    });
                    parked[i].start();
                    final Thread t = parked[i];
                    perTask.submit(() -> {
                        go.set(true);
                        LockSupport.unpark(t);
                    });
                }
            }
            for (Thread t : parked) t.join(TimeUnit.SECONDS.toMillis(30));
            assertEquals(n, slept.get());
            assertEquals(n, unparked.get());
            long tasks = weft.stats().stream().mapToLong(CarrierStats::tasksRun).sum();
            assertTrue(tasks >= 3L * n, "tasks run: " + tasks);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void pingPongBetweenVirtualThreads(Backend backend) throws Exception {
        try (WeftScheduler weft = SchedulerFixture.start(backend)) {
            int rounds = 20_000;
            AtomicInteger ball = new AtomicInteger();
            Thread[] players = new Thread[2];
            for (int p = 0; p < 2; p++) {
                int me = p;
                players[p] = weft.threadFactory().newThread(() -> {
                    for (int i = 0; i < rounds; i++) {
                        while (ball.get() % 2 != me) LockSupport.park();
                        ball.incrementAndGet();
                        LockSupport.unpark(players[1 - me]);
                    }
                });
            }
            players[0].start();
            players[1].start();
            players[0].join(30_000);
            players[1].join(30_000);
            assertEquals(2 * rounds, ball.get());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void anExceptionInAThreadLeavesTheCarriersRunning(Backend backend) throws Exception {
        try (WeftScheduler weft = SchedulerFixture.start(backend)) {
            AtomicReference<Throwable> seen = new AtomicReference<>();
            Thread t = weft.threadBuilder()
                    .uncaughtExceptionHandler((th, e) -> seen.set(e))
                    .start(() -> { throw new IllegalStateException("boom"); });
            t.join();
            assertInstanceOf(IllegalStateException.class, seen.get());
            assertEquals("boom", seen.get().getMessage());
            AtomicInteger after = new AtomicInteger();
            weft.startVirtualThread(after::incrementAndGet).join();
            assertEquals(1, after.get());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void closedSchedulerRejectsNewThreads(Backend backend) throws Exception {
        WeftScheduler weft = SchedulerFixture.start(backend);
        weft.close();
        assertThrows(RejectedExecutionException.class, () -> weft.startVirtualThread(() -> {}));
        assertThrows(RejectedExecutionException.class, () -> weft.threadFactory());
        weft.close(); // idempotent
    }

    @ParameterizedTest
    @MethodSource("backends")
    void closingFromOwnThreadIsRefused(Backend backend) throws Exception {
        try (WeftScheduler weft = SchedulerFixture.start(backend)) {
            AtomicReference<Throwable> seen = new AtomicReference<>();
            weft.startVirtualThread(() -> {
                try {
                    weft.close();
                } catch (Throwable e) {
                    seen.set(e);
                }
            }).join();
            assertInstanceOf(IllegalStateException.class, seen.get());
        }
    }
}
