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
    /** Completion mode with the default one-shot receive per read. */
    URING_COMPLETION(Backend.IO_URING, NetMode.COMPLETION, false, false, false),
    /** Completion mode with a multishot receive per socket ({@code weft.net.multishotRecv}, {@link ReceiveQueue}). */
    URING_COMPLETION_MULTISHOT(Backend.IO_URING, NetMode.COMPLETION, false, false, true),
    URING_COMPLETION_SEND_FIRST(Backend.IO_URING, NetMode.COMPLETION, true, false, false),
    /** Every socket made while it runs has write-behind on ({@link WeftSocket#setWriteBehind}). */
    URING_COMPLETION_WRITE_BEHIND(Backend.IO_URING, NetMode.COMPLETION, false, true, false),
    URING_READINESS(Backend.IO_URING, NetMode.READINESS, false, false, false),
    EPOLL(Backend.EPOLL, NetMode.READINESS, false, false, false),
    /** Readiness, as on epoll; skips unless kqueue runs here (on Linux: -Dweft.kqueue.library). */
    KQUEUE(Backend.KQUEUE, NetMode.READINESS, false, false, false),
    PLATFORM_THREAD(null, NetMode.COMPLETION, false, false, false);

    final Backend backend;
    final NetMode mode;
    final boolean sendFirst;
    final boolean writeBehind;
    final boolean multishotRecv;

    NetFixture(Backend backend, NetMode mode, boolean sendFirst, boolean writeBehind, boolean multishotRecv) {
        this.backend = backend;
        this.mode = mode;
        this.sendFirst = sendFirst;
        this.writeBehind = writeBehind;
        this.multishotRecv = multishotRecv;
    }

    /** Puts the process-wide settings {@link #start} changes back to their defaults. */
    static void reset() {
        NetMode.set(NetMode.COMPLETION);
        NetMode.setSendFirst(false);
        NetMode.setWriteBehind(false);
        NetMode.setMultishotRecv(false);
    }

    static Stream<NetFixture> all() {
        return Stream.of(values());
    }

    /** A scheduler for this fixture (none for platform threads); the mode is set process-wide. */
    WeftScheduler start() throws IOException {
        NetMode.set(mode);
        NetMode.setSendFirst(sendFirst);
        NetMode.setWriteBehind(writeBehind);
        NetMode.setMultishotRecv(multishotRecv);
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
