package io.weft.poller.testkit;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a piece of a test on a new platform thread and waits for it, rethrowing what it threw.
 * For timing assertions that must not be disturbed by this thread's history: closing an
 * io_uring ring makes the kernel interrupt its owner thread's next blocking system call some
 * milliseconds later, so a strict "poll waited its whole timeout" check needs a thread that
 * never owned a ring. The poller must be opened inside {@code body} (io_uring is single-issuer).
 */
public final class FreshThread {
    public interface Body {
        void run() throws Exception;
    }

    private FreshThread() {}

    public static void run(Body body) throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("weft-test-fresh").start(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.join();
        Throwable e = thrown.get();
        if (e instanceof Exception ex) throw ex;
        if (e instanceof Error err) throw err;
    }
}
