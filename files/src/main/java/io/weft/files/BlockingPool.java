package io.weft.files;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The platform threads that make blocking file system calls for virtual threads that cannot use
 * a ring ({@link Route#POOL}). Bounded ({@value #PROPERTY}, default
 * {@value #DEFAULT_THREADS}): calls beyond it queue, in order. Daemon threads named
 * {@code weft-files-N}, started on demand and ended after {@value #IDLE_SECONDS} s idle.
 *
 * <p>A call that never returns (a read of a FIFO nobody writes) holds its thread until it does;
 * enough of them fill the pool and the others queue behind them. See docs/files.md.
 */
final class BlockingPool {
    static final String PROPERTY = "weft.files.blockingThreads";
    static final int DEFAULT_THREADS = 16;
    private static final int IDLE_SECONDS = 30;

    private static final java.util.concurrent.atomic.LongAdder CALLS = new java.util.concurrent.atomic.LongAdder();
    private static final ThreadPoolExecutor POOL = create(threads(System.getProperty(PROPERTY)));

    private BlockingPool() {}

    static int threads(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_THREADS;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1 && n <= 1024) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new IllegalArgumentException(PROPERTY + " must be an integer from 1 to 1024, not '" + value + "'");
    }

    private static ThreadPoolExecutor create(int threads) {
        AtomicInteger ids = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, IDLE_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    Thread t = new Thread(task, "weft-files-" + ids.getAndIncrement());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    static void execute(Runnable call) {
        CALLS.increment();
        POOL.execute(call);
    }

    /** Calls handed to the pool since the JVM started: tests use it to tell the ring path from the pool's. */
    static long callsMade() {
        return CALLS.sum();
    }

    /** The pool's size, for tests and docs. */
    static int size() {
        return POOL.getMaximumPoolSize();
    }

    /** Threads alive in the pool now. */
    static int liveThreads() {
        return POOL.getPoolSize();
    }
}
