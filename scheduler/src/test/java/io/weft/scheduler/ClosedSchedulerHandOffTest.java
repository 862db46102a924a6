package io.weft.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.Backend;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A scheduler closed while one of its threads waits for a monitor. When the monitor is then
 * released, the JVM hands it to that abandoned thread through the JDK's
 * {@code VirtualThread-unblocker}, which calls {@link WeftScheduler#execute}. That used to
 * throw {@code RejectedExecutionException}, which ended the unblocker's loop: from then on no
 * virtual thread in the JVM, the JDK's own included, was ever handed a monitor again. With
 * that bug back this test fails, and the tests after it in the same JVM that hand monitors to
 * virtual threads may hang: look here first.
 */
class ClosedSchedulerHandOffTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    static java.util.stream.Stream<Backend> backends() {
        return SchedulerFixture.backends();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void anAbandonedThreadHandedAMonitorLeavesTheJdksHandOffsWorking(Backend backend) throws Exception {
        Object first = new Object();
        WeftScheduler weft = WeftScheduler.start(SchedulerFixture.config(backend, 1).withShutdownGraceMillis(100));
        synchronized (first) {
            CountDownLatch started = new CountDownLatch(1);
            Thread abandoned = weft.startVirtualThread(() -> {
                started.countDown();
                synchronized (first) {
                    // never reached: the scheduler is closed before the monitor is free
                }
            });
            started.await();
            awaitState(abandoned, Thread.State.BLOCKED);
            weft.close();
        }
        // Leaving the block handed the monitor to the abandoned thread: execute was called.
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (weft.droppedAfterClose() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(1, weft.droppedAfterClose(), "the monitor's hand-off to the abandoned thread never reached execute");

        Object second = new Object();
        Thread jdkThread;
        synchronized (second) {
            jdkThread = Thread.ofVirtual().start(() -> {
                synchronized (second) {
                    // handed over when the test thread leaves its block
                }
            });
            awaitState(jdkThread, Thread.State.BLOCKED);
        }
        assertTrue(jdkThread.join(PATIENCE), "a JDK virtual thread was never handed a free monitor: "
                + jdkThread.getState() + " (is the JDK's VirtualThread-unblocker dead?)");
    }

    private static void awaitState(Thread t, Thread.State state) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (t.getState() != state) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(t + " never reached " + state + ": " + t.getState());
            }
            Thread.sleep(5);
        }
    }
}
