package io.weft.agent;

import io.weft.poller.Events;
import io.weft.scheduler.WaitResult;
import io.weft.scheduler.WeftScheduler;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * What the hooks in the JDK call (through {@code sun.nio.ch.WeftHook}'s method handles). Each
 * answers whether Weft handled the call; anything it does not handle goes on down the JDK's own
 * path, unchanged.
 */
public final class Bridge {
    /** {@code Net.POLLIN} / {@code Net.POLLOUT} on Linux: the events the JDK passes. */
    private static final int POLLIN = 0x001;
    private static final int POLLOUT = 0x004;

    private static volatile WeftScheduler scheduler;
    private static volatile boolean routeNewThreads;

    private Bridge() {}

    static void install(WeftScheduler weft, boolean newThreadsOnWeft) {
        scheduler = weft;
        routeNewThreads = newThreadsOnWeft;
    }

    static void uninstall() {
        routeNewThreads = false;
        scheduler = null;
    }

    /**
     * {@code Poller.poll}: parks a virtual thread until {@code fd} is ready. Weft takes it when
     * the caller is a Weft virtual thread (mounted on a carrier); the JDK returns after one
     * park whatever woke it, and its callers retry the I/O and check interrupts and close
     * themselves, so the wait's result needs no translation.
     */
    public static boolean poll(int fd, int event, long nanos, BooleanSupplier isOpen) throws IOException {
        if (!WeftScheduler.isWeftThread()) {
            AgentCounters.FALLBACKS.increment();
            return false;
        }
        int weftEvent = weftEvent(event);
        if (weftEvent == 0) {
            AgentCounters.FALLBACKS.increment();
            return false;
        }
        AgentCounters.WAITS.increment();
        WaitEvent jfr = WaitEvent.start();
        WaitResult r = WeftScheduler.await(fd, weftEvent, nanos, isOpen);
        WaitEvent.finish(jfr, fd, weftEvent, r);
        return true;
    }

    /** {@code Poller.pollSelector}: a virtual thread in {@code Selector.select}. */
    public static boolean pollSelector(int fd, long nanos) throws IOException {
        if (!WeftScheduler.isWeftThread()) {
            AgentCounters.FALLBACKS.increment();
            return false;
        }
        AgentCounters.SELECTOR_WAITS.increment();
        WaitEvent jfr = WaitEvent.start();
        WaitResult r = WeftScheduler.await(fd, Events.IN, nanos, null);
        WaitEvent.finish(jfr, fd, Events.IN, r);
        return true;
    }

    /** {@code Poller.stopPoll}: a close or shutdown wakes the threads waiting on {@code fd}. */
    public static void stopPoll(int fd, int event) {
        int weftEvent = weftEvent(event);
        if (weftEvent != 0 && WeftScheduler.cancelWait(fd, weftEvent)) {
            AgentCounters.STOPS.increment();
            WakeupEvent.offer(fd, weftEvent);
        }
    }

    /** The JDK's poll event as Weft's, or 0 for one Weft does not wait for. */
    private static int weftEvent(int jdkEvent) {
        return jdkEvent == POLLIN ? Events.IN : jdkEvent == POLLOUT ? Events.OUT : 0;
    }

    /** {@code ThreadBuilders.newVirtualThread} with no scheduler given: Weft's, if so configured. */
    public static Executor defaultScheduler() {
        WeftScheduler s = scheduler;
        if (s == null || !routeNewThreads) {
            return null;
        }
        AgentCounters.THREADS_ROUTED.increment();
        return s;
    }

    /** {@code VirtualThread.schedule}: a Weft virtual thread's timed park, on its carrier's timers. */
    public static Future<?> schedule(Executor threadScheduler, Runnable task, long delay, TimeUnit unit) {
        if (threadScheduler instanceof WeftScheduler weft) {
            try {
                return weft.schedule(task, delay, unit);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                return null; // the scheduler is closing: the JDK's delayed-task threads take it
            }
        }
        return null;
    }
}
