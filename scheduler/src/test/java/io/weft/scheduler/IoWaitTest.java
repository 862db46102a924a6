package io.weft.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.Backend;
import io.weft.poller.Events;
import io.weft.poller.sys.Sockets;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.Loopback;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.AsynchronousCloseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** awaitReadable / awaitWritable: readiness, timeouts, interrupts, cancellation, on every kind of thread. */
@ExtendWith(LeakCheck.class)
class IoWaitTest {
    private static final long MS = 1_000_000L;

    static java.util.stream.Stream<Backend> backends() {
        return SchedulerFixture.backends();
    }

    /** Runs {@code body} in a Weft virtual thread and rethrows what it threw. */
    static void onWeft(WeftScheduler weft, ThrowingRunnable body) throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = weft.startVirtualThread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        assertTrue(t.join(java.time.Duration.ofSeconds(30)), "virtual thread did not finish");
        if (thrown.get() instanceof Exception e) throw e;
        if (thrown.get() instanceof Error e) throw e;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @ParameterizedTest
    @MethodSource("backends")
    void socketPingPongThroughAwaitReadable(Backend backend) throws Exception {
        try (WeftScheduler weft = SchedulerFixture.start(backend);
             Loopback lb = Loopback.open()) {
            int rounds = 2000;
            int client = lb.client();
            int server = lb.server();
            Thread echo = weft.startVirtualThread(() -> {
                try {
                    for (int i = 0; i < rounds; i++) {
                        assertTrue(WeftScheduler.awaitReadable(server, 0));
                        byte[] got = Sockets.read(server, 64);
                        Sockets.writeFully(server, got);
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            onWeft(weft, () -> {
                for (int i = 0; i < rounds; i++) {
                    byte[] msg = {(byte) i, (byte) (i >> 8), 7};
                    Sockets.writeFully(client, msg); // blocking socket, but a small write never blocks
                    // Never block a carrier in read(2): a wait armed on this carrier's poller
                    // (the echo thread's) would not be reaped until the read returned.
                    assertTrue(WeftScheduler.awaitReadable(client, 0));
                    byte[] back = Sockets.read(client, 64);
                    assertArrayEquals(msg, back);
                }
            });
            assertTrue(echo.join(java.time.Duration.ofSeconds(10)));
            long completions = weft.stats().stream().mapToLong(CarrierStats::completions).sum();
            assertTrue(completions >= rounds, "completions: " + completions);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void writableWaitCompletesAtOnce(Backend backend) throws Exception {
        try (WeftScheduler weft = SchedulerFixture.start(backend);
             Loopback lb = Loopback.open()) {
            onWeft(weft, () -> assertTrue(WeftScheduler.awaitWritable(lb.server(), 5_000 * MS)));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void timeoutReturnsFalseAfterTheTimeoutAndTheDescriptorCanBeWaitedOnAgain(Backend backend) throws Exception {
        try (WeftScheduler weft = SchedulerFixture.start(backend);
             Loopback lb = Loopback.open()) {
            onWeft(weft, () -> {
                long t0 = System.nanoTime();
                assertFalse(WeftScheduler.awaitReadable(lb.server(), 50 * MS));
                assertTrue(System.nanoTime() - t0 >= 50 * MS, "returned before the timeout");
                // The timed-out wait was disarmed: waiting again works and sees new data.
                Sockets.writeFully(lb.client(), new byte[] {1});
                assertTrue(WeftScheduler.awaitReadable(lb.server(), 5_000 * MS));
                assertArrayEquals(new byte[] {1}, Sockets.read(lb.server(), 8));
            });
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void interruptEndsTheWaitWithInterruptedIOExceptionAndKeepsTheStatus(Backend backend) throws Exception {
        try (WeftScheduler weft = SchedulerFixture.start(backend);
             Loopback lb = Loopback.open()) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicReference<Boolean> flag = new AtomicReference<>();
            CountDownLatch waiting = new CountDownLatch(1);
            Thread t = weft.startVirtualThread(() -> {
                try {
                    waiting.countDown();
                    WeftScheduler.awaitReadable(lb.server(), 0);
                } catch (Throwable e) {
                    thrown.set(e);
                    flag.set(Thread.interrupted());
                }
            });
            waiting.await();
            awaitWaiter(lb.server(), Events.IN);
            t.interrupt();
            assertTrue(t.join(java.time.Duration.ofSeconds(10)));
            assertInstanceOf(InterruptedIOException.class, thrown.get());
            assertTrue(flag.get(), "interrupt status must stay set");
            assertNull(FdWaiters.get(lb.server(), Events.IN), "the wait must be unregistered");
            // and it was disarmed on its carrier: a new wait on the same descriptor works
            onWeft(weft, () -> {
                Sockets.writeFully(lb.client(), new byte[] {2});
                assertTrue(WeftScheduler.awaitReadable(lb.server(), 5_000 * MS));
            });
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void cancelWaitsWakesTheWaiterWithAsynchronousCloseException(Backend backend) throws Exception {
        try (WeftScheduler weft = SchedulerFixture.start(backend);
             Loopback lb = Loopback.open()) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread t = weft.startVirtualThread(() -> {
                try {
                    WeftScheduler.awaitReadable(lb.server(), 0);
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            awaitWaiter(lb.server(), Events.IN);
            WeftScheduler.cancelWaits(lb.server());
            assertTrue(t.join(java.time.Duration.ofSeconds(10)));
            assertInstanceOf(AsynchronousCloseException.class, thrown.get());
            onWeft(weft, () -> {
                Sockets.writeFully(lb.client(), new byte[] {3});
                assertTrue(WeftScheduler.awaitReadable(lb.server(), 5_000 * MS));
            });
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aClosedAndReusedDescriptorNumberCanBeWaitedOn(Backend backend) throws Exception {
        try (WeftScheduler weft = SchedulerFixture.start(backend, 1)) {
            int reused;
            try (Loopback first = Loopback.open()) {
                reused = first.server();
                AtomicReference<Throwable> thrown = new AtomicReference<>();
                Thread t = weft.startVirtualThread(() -> {
                    try {
                        WeftScheduler.awaitReadable(first.server(), 0);
                    } catch (Throwable e) {
                        thrown.set(e);
                    }
                });
                awaitWaiter(first.server(), Events.IN);
                WeftScheduler.cancelWaits(first.server()); // as a close does, then the fd goes
                assertTrue(t.join(java.time.Duration.ofSeconds(10)));
                assertInstanceOf(AsynchronousCloseException.class, thrown.get());
            }
            try (Loopback second = Loopback.open()) {
                // Linux hands out the lowest free number, so one end of the new pair has it.
                boolean serverHasIt = second.server() == reused;
                assertTrue(serverHasIt || second.client() == reused,
                        "fd " + reused + " was not reused: " + second.client() + ", " + second.server());
                int waitOn = serverHasIt ? second.server() : second.client();
                int writeTo = serverHasIt ? second.client() : second.server();
                onWeft(weft, () -> {
                    Sockets.writeFully(writeTo, new byte[] {4});
                    assertTrue(WeftScheduler.awaitReadable(waitOn, 5_000 * MS));
                });
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void twoWaitersForTheSameDirectionAreRefused(Backend backend) throws Exception {
        try (WeftScheduler weft = SchedulerFixture.start(backend);
             Loopback lb = Loopback.open()) {
            Thread first = weft.startVirtualThread(() -> {
                try {
                    WeftScheduler.awaitReadable(lb.server(), 0);
                } catch (Exception e) {
                    // cancelled below
                }
            });
            awaitWaiter(lb.server(), Events.IN);
            AtomicReference<Throwable> second = new AtomicReference<>();
            onWeft(weft, () -> {
                try {
                    WeftScheduler.awaitReadable(lb.server(), 0);
                } catch (IllegalStateException e) {
                    second.set(e);
                }
            });
            assertInstanceOf(IllegalStateException.class, second.get());
            assertTrue(second.get().getMessage().contains("fd " + lb.server()), second.get().getMessage());
            WeftScheduler.cancelWaits(lb.server());
            assertTrue(first.join(java.time.Duration.ofSeconds(10)));
        }
    }

    @Test
    void platformThreadsWaitWithBlockingPoll() throws Exception {
        try (Loopback lb = Loopback.open()) {
            long t0 = System.nanoTime();
            assertFalse(WeftScheduler.awaitReadable(lb.server(), 30 * MS));
            assertTrue(System.nanoTime() - t0 >= 30 * MS);
            Sockets.writeFully(lb.client(), new byte[] {5});
            assertTrue(WeftScheduler.awaitReadable(lb.server(), 5_000 * MS));
            assertTrue(WeftScheduler.awaitWritable(lb.server(), 5_000 * MS));

            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread waiter = Thread.ofPlatform().start(() -> {
                try {
                    WeftScheduler.awaitWritable(lb.client(), 0); // writable: returns at once
                    WeftScheduler.awaitReadable(lb.client(), 0);
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            awaitWaiter(lb.client(), Events.IN);
            WeftScheduler.cancelWaits(lb.client());
            waiter.join(10_000);
            assertInstanceOf(AsynchronousCloseException.class, thrown.get());

            Thread interrupted = Thread.ofPlatform().start(() -> {
                try {
                    WeftScheduler.awaitReadable(lb.client(), 0);
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            awaitWaiter(lb.client(), Events.IN);
            interrupted.interrupt();
            interrupted.join(10_000);
            assertInstanceOf(InterruptedIOException.class, thrown.get());
        }
    }

    @Test
    void jdkVirtualThreadsWaitOnTheSharedCarrierToo() throws Exception {
        try (Loopback lb = Loopback.open()) {
            AtomicReference<Boolean> result = new AtomicReference<>();
            AtomicReference<String> carrier = new AtomicReference<>();
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    Sockets.writeFully(lb.client(), new byte[] {6});
                    result.set(WeftScheduler.awaitReadable(lb.server(), 5_000 * MS));
                    carrier.set(Thread.currentThread().toString());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            t.join(10_000);
            assertEquals(Boolean.TRUE, result.get());
            assertFalse(carrier.get().contains("weft"), "still a JDK virtual thread: " + carrier.get());
        }
    }

    /**
     * A JDK virtual thread waiting through Weft gives its carrier back, as it would in the
     * JDK's own poller: more waiters than the JDK has carriers do not stop other virtual
     * threads from running. (In a blocking poll(2) each waiter would hold a carrier.)
     */
    @Test
    void jdkVirtualThreadsWaitingDoNotHoldTheirCarriers() throws Exception {
        int waiters = Runtime.getRuntime().availableProcessors() * 2 + 2;
        List<Loopback> pairs = new ArrayList<>();
        try {
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < waiters; i++) {
                Loopback lb = Loopback.open();
                pairs.add(lb);
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        WeftScheduler.awaitReadable(lb.server(), 3_000 * MS); // nobody writes
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                }));
            }
            for (Loopback lb : pairs) awaitWaiter(lb.server(), Events.IN);
            long start = System.nanoTime();
            Thread other = Thread.ofVirtual().start(() -> { });
            assertTrue(other.join(java.time.Duration.ofSeconds(2)), "a JDK virtual thread could not run");
            assertTrue(System.nanoTime() - start < 1_000 * MS, "it waited for the waiters' timeouts");
            for (Loopback lb : pairs) WeftScheduler.cancelWaits(lb.server());
            for (Thread t : threads) assertTrue(t.join(java.time.Duration.ofSeconds(5)));
        } finally {
            for (Loopback lb : pairs) lb.close();
        }
    }

    /** Waits until some thread is registered as waiting for {@code fd}. */
    static void awaitWaiter(int fd, int event) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (FdWaiters.get(fd, event) == null || !FdWaiters.get(fd, event).isWaiting()) {
            if (System.nanoTime() > deadline) throw new AssertionError("nobody started waiting for fd " + fd);
            Thread.sleep(1);
        }
    }
}
