package io.weft.files;

import io.weft.poller.Backend;
import io.weft.poller.testkit.KqueueTesting;
import io.weft.scheduler.SchedulerConfig;
import io.weft.scheduler.WeftScheduler;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The kinds of thread a file call can come from, each taking a {@link Route}: a Weft virtual
 * thread on io_uring (the ring), one on epoll or on kqueue (the pool), a JDK virtual thread (the
 * pool) and a platform thread (direct). A Weft backend that cannot run here skips the test,
 * saying why ({@link KqueueTesting}): io_uring and epoll off Linux, kqueue on Linux without
 * {@code -Dweft.kqueue.library} (libkqueue). Schedulers are started on first use and shared by
 * the tests of a class, which close them in {@code @AfterAll} ({@link #closeSchedulers}).
 */
enum Where {
    IO_URING,
    EPOLL,
    KQUEUE,
    JDK_VIRTUAL,
    PLATFORM;

    private static final java.util.Map<Backend, WeftScheduler> SCHEDULERS = new java.util.EnumMap<>(Backend.class);

    /** The route a read takes from this kind of thread. */
    Route route() {
        return switch (this) {
            case IO_URING -> Route.RING;
            case EPOLL, KQUEUE, JDK_VIRTUAL -> Route.POOL;
            case PLATFORM -> Route.DIRECT;
        };
    }

    /** The Weft backend of this kind of thread, or null (a JDK virtual thread, a platform thread). */
    Backend backend() {
        return switch (this) {
            case IO_URING -> Backend.IO_URING;
            case EPOLL -> Backend.EPOLL;
            case KQUEUE -> Backend.KQUEUE;
            case JDK_VIRTUAL, PLATFORM -> null;
        };
    }

    /** Skips the calling test when this kind of thread cannot run here. */
    void assumeRuns() {
        if (backend() != null) KqueueTesting.assumeRuns(backend());
    }

    static synchronized WeftScheduler scheduler(Backend backend) throws IOException {
        WeftScheduler s = SCHEDULERS.get(backend);
        if (s == null) {
            s = start(backend, 2);
            SCHEDULERS.put(backend, s);
        }
        return s;
    }

    /**
     * A scheduler of its own, for tests that need a given number of carriers; the caller closes
     * it. Skips the test when {@code backend} cannot run here.
     */
    static WeftScheduler start(Backend backend, int carriers) throws IOException {
        KqueueTesting.assumeRuns(backend);
        return WeftScheduler.start(new SchedulerConfig(carriers, 4096, 32, 2000, KqueueTesting.config(backend)));
    }

    /** Starts a thread of this kind running {@code body}. */
    <T> CompletableFuture<T> start(Callable<T> body) throws IOException {
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable task = () -> {
            try {
                result.complete(body.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        };
        switch (this) {
            case IO_URING, EPOLL, KQUEUE -> scheduler(backend()).startVirtualThread(task);
            case JDK_VIRTUAL -> Thread.ofVirtual().start(task);
            case PLATFORM -> Thread.ofPlatform().daemon().start(task);
        }
        return result;
    }

    /** Runs {@code body} on a thread of this kind and returns what it returned or throws what it threw. */
    <T> T call(Callable<T> body) throws Exception {
        try {
            return start(body).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) throw x;
            if (e.getCause() instanceof Error x) throw x;
            throw e;
        }
    }

    interface Body {
        void run() throws Exception;
    }

    void run(Body body) throws Exception {
        call(() -> {
            body.run();
            return null;
        });
    }

    /** Closes the shared schedulers: a test class's {@code @AfterAll}, before the leak check looks. */
    static synchronized void closeSchedulers() {
        SCHEDULERS.values().forEach(WeftScheduler::close);
        SCHEDULERS.clear();
    }
}
