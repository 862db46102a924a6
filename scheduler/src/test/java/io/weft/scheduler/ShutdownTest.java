package io.weft.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.Backend;
import io.weft.poller.Events;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.Loopback;
import java.lang.management.ManagementFactory;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.ObjectName;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** close(): lets threads finish, then cancels waits and interrupts, then releases every poller. */
@ExtendWith(LeakCheck.class)
class ShutdownTest {

    static java.util.stream.Stream<Backend> backends() {
        return SchedulerFixture.backends();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void closeLetsRunningThreadsFinish(Backend backend) throws Exception {
        WeftScheduler weft = SchedulerFixture.start(backend);
        AtomicReference<Boolean> finished = new AtomicReference<>(false);
        weft.startVirtualThread(() -> {
            try {
                Thread.sleep(50);
                finished.set(true);
            } catch (InterruptedException e) {
                throw new AssertionError("interrupted inside the grace period", e);
            }
        });
        weft.close();
        assertTrue(finished.get(), "close did not wait for a thread that ends within the grace period");
        assertEquals(0, weft.liveThreads());
    }

    /**
     * A thread started just before close: its carrier may already have taken it from the run
     * queue and not yet run a line of it, so it is neither queued nor live yet. close must
     * still wait for it (it once saw the scheduler quiet in that window and returned at once).
     */
    @ParameterizedTest
    @MethodSource("backends")
    void closeWaitsForAThreadItsCarrierIsStillMounting(Backend backend) throws Exception {
        for (int round = 0; round < 200; round++) {
            WeftScheduler weft = SchedulerFixture.start(backend, 1);
            AtomicReference<Boolean> finished = new AtomicReference<>(false);
            weft.startVirtualThread(() -> {
                LockSupport.parkNanos(2_000_000);
                finished.set(true);
            });
            weft.close();
            int r = round;
            assertTrue(finished.get(), () -> "round " + r + ": close did not wait for a thread started before it");
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void closeWakesWaitingThreadsWithAnExceptionAfterTheGracePeriod(Backend backend) throws Exception {
        WeftScheduler weft = WeftScheduler.start(new SchedulerConfig(2, 1024, 32, 100,
                SchedulerFixture.pollerConfig(backend)));
        try (Loopback lb = Loopback.open()) {
            AtomicReference<Throwable> ioWaiter = new AtomicReference<>();
            AtomicReference<Boolean> parkerInterrupted = new AtomicReference<>();
            Thread waiter = weft.startVirtualThread(() -> {
                try {
                    WeftScheduler.awaitReadable(lb.server(), 0);
                } catch (Throwable e) {
                    ioWaiter.set(e);
                }
            });
            Thread parker = weft.startVirtualThread(() -> {
                while (!Thread.currentThread().isInterrupted()) LockSupport.park();
                parkerInterrupted.set(true);
            });
            IoWaitTest.awaitWaiter(lb.server(), Events.IN);
            long t0 = System.nanoTime();
            weft.close();
            long took = System.nanoTime() - t0;
            assertTrue(waiter.join(Duration.ofSeconds(1)));
            assertTrue(parker.join(Duration.ofSeconds(1)));
            assertInstanceOf(AsynchronousCloseException.class, ioWaiter.get());
            assertEquals(Boolean.TRUE, parkerInterrupted.get());
            assertTrue(took >= 100_000_000L, "close did not give the grace period");
            assertEquals(0, weft.liveThreads());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void theMXBeanIsRegisteredWhileOpenAndRemovedAtClose(Backend backend) throws Exception {
        WeftScheduler weft = SchedulerFixture.start(backend);
        ObjectName name = new ObjectName("io.weft:type=Scheduler,name=" + weft.name());
        var server = ManagementFactory.getPlatformMBeanServer();
        try {
            weft.startVirtualThread(() -> {}).join();
            assertEquals(backend.configName(), server.getAttribute(name, "Backend"));
            assertEquals(2, server.getAttribute(name, "CarrierCount"));
            // The carrier counts a task after it returns, which may be after join() returned.
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
            long[] tasks;
            do {
                tasks = (long[]) server.getAttribute(name, "TasksRun");
                assertEquals(2, tasks.length);
            } while (tasks[0] + tasks[1] < 1 && System.nanoTime() < deadline);
            assertTrue(tasks[0] + tasks[1] >= 1, "TasksRun stayed 0");
            assertEquals(2, ((long[]) server.getAttribute(name, "Polls")).length);
            assertEquals(2, ((int[]) server.getAttribute(name, "QueueDepths")).length);
        } finally {
            weft.close();
        }
        assertTrue(!server.isRegistered(name), "MXBean still registered after close");
    }
}
