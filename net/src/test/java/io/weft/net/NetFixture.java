package io.weft.net;

import io.weft.poller.Backend;
import io.weft.poller.testkit.KqueueTesting;
import io.weft.scheduler.SchedulerConfig;
import io.weft.scheduler.WeftScheduler;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Where the net tests run their socket code: on a Weft virtual thread with io_uring in each
 * mode, with epoll, with kqueue, or on a platform thread.
 */
enum NetFixture {
    URING_COMPLETION(Backend.IO_URING, NetMode.COMPLETION, false, false),
    URING_COMPLETION_SEND_FIRST(Backend.IO_URING, NetMode.COMPLETION, true, false),
    /** Every socket made while it runs has write-behind on ({@link WeftSocket#setWriteBehind}). */
    URING_COMPLETION_WRITE_BEHIND(Backend.IO_URING, NetMode.COMPLETION, false, true),
    URING_READINESS(Backend.IO_URING, NetMode.READINESS, false, false),
    EPOLL(Backend.EPOLL, NetMode.READINESS, false, false),
    /** Readiness, as on epoll; skips unless kqueue runs here (on Linux: -Dweft.kqueue.library). */
    KQUEUE(Backend.KQUEUE, NetMode.READINESS, false, false),
    PLATFORM_THREAD(null, NetMode.COMPLETION, false, false);

    final Backend backend;
    final NetMode mode;
    final boolean sendFirst;
    final boolean writeBehind;

    NetFixture(Backend backend, NetMode mode, boolean sendFirst, boolean writeBehind) {
        this.backend = backend;
        this.mode = mode;
        this.sendFirst = sendFirst;
        this.writeBehind = writeBehind;
    }

    /** Puts the process-wide settings {@link #start} changes back to their defaults. */
    static void reset() {
        NetMode.set(NetMode.COMPLETION);
        NetMode.setSendFirst(false);
        NetMode.setWriteBehind(false);
    }

    static Stream<NetFixture> all() {
        return Stream.of(values());
    }

    /** A scheduler for this fixture (none for platform threads); the mode is set process-wide. */
    WeftScheduler start() throws IOException {
        NetMode.set(mode);
        NetMode.setSendFirst(sendFirst);
        NetMode.setWriteBehind(writeBehind);
        if (backend == null) {
            return null;
        }
        KqueueTesting.assumeRuns(backend);
        return WeftScheduler.start(new SchedulerConfig(2, 4096, 32, 2000, KqueueTesting.config(backend)));
    }

    /** Runs {@code body} on this fixture's kind of thread and returns its result. */
    <T> CompletableFuture<T> run(WeftScheduler weft, Callable<T> body) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Runnable r = () -> {
            try {
                f.complete(body.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        };
        if (weft == null) {
            Thread.ofPlatform().start(r);
        } else {
            weft.startVirtualThread(r);
        }
        return f;
    }

    static <T> T get(CompletableFuture<T> f) throws Exception {
        try {
            return f.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) throw ex;
            throw e;
        }
    }
}
