package io.weft.files;

import io.weft.poller.Backend;
import io.weft.poller.PollerConfig;
import io.weft.scheduler.SchedulerConfig;
import io.weft.scheduler.WeftScheduler;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The four kinds of thread a file call can come from, each taking a different {@link Route}:
 * a Weft virtual thread on io_uring (the ring), one on epoll (the pool), a JDK virtual thread
 * (the pool) and a platform thread (direct). Schedulers are started on first use and shared by
 * the tests of a class, which close them in {@code @AfterAll} ({@link #closeSchedulers}).
 */
enum Where {
    IO_URING,
    EPOLL,
    JDK_VIRTUAL,
    PLATFORM;

    private static WeftScheduler uring;
    private static WeftScheduler epoll;

    /** The route a read takes from this kind of thread. */
    Route route() {
        return switch (this) {
            case IO_URING -> Route.RING;
            case EPOLL, JDK_VIRTUAL -> Route.POOL;
            case PLATFORM -> Route.DIRECT;
        };
    }

    static synchronized WeftScheduler scheduler(Backend backend) throws IOException {
        if (backend == Backend.IO_URING) {
            if (uring == null) uring = start(Backend.IO_URING, 2);
            return uring;
        }
        if (epoll == null) epoll = start(Backend.EPOLL, 2);
        return epoll;
    }

    /** A scheduler of its own, for tests that need a given number of carriers; the caller closes it. */
    static WeftScheduler start(Backend backend, int carriers) throws IOException {
        PollerConfig poller = PollerConfig.defaults().withBackend(backend);
        return WeftScheduler.start(new SchedulerConfig(carriers, 4096, 32, 2000, poller));
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
            case IO_URING -> scheduler(Backend.IO_URING).startVirtualThread(task);
            case EPOLL -> scheduler(Backend.EPOLL).startVirtualThread(task);
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
        if (uring != null) uring.close();
        if (epoll != null) epoll.close();
        uring = null;
        epoll = null;
    }
}
