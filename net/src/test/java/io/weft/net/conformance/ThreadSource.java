package io.weft.net.conformance;

import io.weft.net.NetMode;
import io.weft.poller.BackendUnavailableException;
import io.weft.poller.Backend;
import io.weft.poller.testkit.KqueueTesting;
import io.weft.scheduler.SchedulerConfig;
import io.weft.scheduler.WeftScheduler;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.opentest4j.TestAbortedException;

/**
 * Makes the threads of one {@link ThreadKind} for one row of one test, and owns what that
 * needs: a Weft scheduler of its own (so one row's threads cannot disturb another's) and the
 * net mode ({@link NetMode}). Closing it checks that every thread it made has ended.
 */
final class ThreadSource implements AutoCloseable {
    /** Every thread a conformance test starts has a name with this prefix ({@link NoThreadsLeft}). */
    static final String PREFIX = "conformance-";

    private final ThreadKind kind;
    private final WeftScheduler weft;
    private final NetMode previousMode;
    private final List<Thread> started = new ArrayList<>();

    private ThreadSource(ThreadKind kind, WeftScheduler weft, NetMode previousMode) {
        this.kind = kind;
        this.weft = weft;
        this.previousMode = previousMode;
    }

    static ThreadSource open(ThreadKind kind) throws IOException {
        // weft.net.mode is read once per process; NetMode.set changes it process-wide. Rows run
        // one after another (the suite is not run in parallel), so that is per row.
        NetMode previous = NetMode.current();
        NetMode.set(kind.netMode());
        NetMode.setWriteBehind(kind.writeBehind()); // back to false in close (or a failed open)
        NetMode.setMultishotRecv(kind.multishotRecv()); // back to false likewise
        if (kind.weftBackend() == null) {
            return new ThreadSource(kind, null, previous);
        }
        if (!KqueueTesting.runs(kind.weftBackend())) {
            restore(previous);
            throw new TestAbortedException(kind.weftBackend() == Backend.KQUEUE
                    ? KqueueTesting.HOW_TO_ENABLE : kind.weftBackend() + " runs on Linux only");
        }
        SchedulerConfig config = new SchedulerConfig(2, 4096, 32, 1000, KqueueTesting.config(kind.weftBackend()));
        try {
            return new ThreadSource(kind, WeftScheduler.start(config), previous);
        } catch (BackendUnavailableException e) {
            restore(previous);
            throw new TestAbortedException(kind.weftBackend() + " is not available here: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            restore(previous);
            throw e;
        }
    }

    private static void restore(NetMode previous) {
        NetMode.set(previous);
        NetMode.setWriteBehind(false);
        NetMode.setMultishotRecv(false);
    }

    ThreadKind kind() {
        return kind;
    }

    /** Starts {@code task} on a new thread of this kind named {@code conformance-<name>}. */
    Thread start(String name, Runnable task) {
        Thread t = switch (kind) {
            case PLATFORM -> Thread.ofPlatform().name(PREFIX + name).daemon(true).unstarted(task);
            case JDK_VIRTUAL -> Thread.ofVirtual().name(PREFIX + name).unstarted(task);
            default -> {
                Thread v = weft.threadFactory().newThread(task);
                v.setName(PREFIX + name);
                yield v;
            }
        };
        synchronized (started) {
            started.add(t);
        }
        t.start();
        return t;
    }

    /** Each thread made here that is still alive, with its state and stack, or "" if none. */
    String describeAlive() {
        List<Thread> threads;
        synchronized (started) {
            threads = List.copyOf(started);
        }
        StringBuilder alive = new StringBuilder();
        for (Thread t : threads) {
            if (t.isAlive()) {
                alive.append("\n  ").append(t).append(" ").append(t.getState());
                for (StackTraceElement e : t.getStackTrace()) {
                    alive.append("\n      at ").append(e);
                }
            }
        }
        return alive.toString();
    }

    /** Fails, naming each thread and where it is stuck, if any thread made here is still alive after {@code patience}. */
    void awaitAllEnded(Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        List<Thread> threads;
        synchronized (started) {
            threads = List.copyOf(started);
        }
        for (Thread t : threads) {
            t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        }
        String alive = describeAlive();
        if (!alive.isEmpty()) {
            throw new AssertionError("threads left behind by the test (blocked or parked):" + alive);
        }
        if (weft != null) {
            // The tracked count drops just after each task returns: allow it a moment.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (weft.liveThreads() != 0 && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            if (weft.liveThreads() != 0) {
                throw new AssertionError(weft + " still has " + weft.liveThreads() + " live virtual threads");
            }
        }
    }

    @Override
    public void close() {
        try {
            if (weft != null) {
                weft.close();
            }
        } finally {
            restore(previousMode);
        }
    }
}
