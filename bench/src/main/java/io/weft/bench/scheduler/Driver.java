package io.weft.bench.scheduler;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a benchmark's measured work inside a virtual thread of the scheduler under test, on
 * request of the JMH benchmark thread (a platform thread).
 *
 * <p>JMH times {@link #invoke()}: it publishes a request, unparks the driving virtual thread
 * and parks until that thread has run {@link Round#run} and answered. So each invocation pays
 * one hand-off in and one out between the platform thread and the scheduler (an external
 * submission to it, and an unpark of a platform thread). Benchmarks do hundreds of round trips
 * per invocation so that these two are a few percent of the score, and the same for every
 * scheduler.
 *
 * <p>A failure in the virtual thread fails the invocation that asked for it. An invocation
 * that gets no answer within {@link #STUCK_NANOS} fails too, naming the scheduler's state: a
 * lost wake-up shows as that, not as a hung benchmark. {@link #close()} ends the thread.
 */
final class Driver implements AutoCloseable {
    /** What the driving virtual thread does for one invocation. */
    @FunctionalInterface
    interface Round {
        void run() throws Exception;
    }

    static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long STOP = -1;

    private final SchedulerUnderTest scheduler;
    private final Round round;
    private final Thread thread;
    /** Written by the benchmark thread: the last request, or {@link #STOP}. */
    private volatile long requested;
    /** Written by the driving thread: the last request it finished. */
    private volatile long completed;
    /** The platform thread waiting for the answer. */
    private volatile Thread waiter;
    private volatile Throwable failure;

    Driver(SchedulerUnderTest scheduler, Round round) {
        this.scheduler = scheduler;
        this.round = round;
        this.thread = scheduler.start(this::loop);
    }

    /** Benchmark thread: has the driving thread run one round, and waits for it. */
    long invoke() {
        long r = requested + 1;
        waiter = Thread.currentThread();
        requested = r;
        LockSupport.unpark(thread);
        long deadline = 0;
        while (completed != r) {
            Throwable f = failure;
            if (f != null) {
                throw new IllegalStateException("the driving virtual thread failed: " + f, f);
            }
            long now = System.nanoTime();
            if (deadline == 0) {
                deadline = now + STUCK_NANOS;
            } else if (now - deadline > 0) {
                throw new IllegalStateException("no answer from the driving virtual thread within "
                        + TimeUnit.NANOSECONDS.toSeconds(STUCK_NANOS) + " s (a lost wake-up?) on "
                        + scheduler.describe() + "; driver " + thread + " state " + thread.getState());
            }
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
        }
        return r;
    }

    /** The driving virtual thread. */
    private void loop() {
        long done = 0;
        try {
            for (;;) {
                long r;
                while ((r = requested) == done) {
                    LockSupport.park(this);
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptedException("driver interrupted while idle");
                    }
                }
                if (r == STOP) {
                    return;
                }
                round.run();
                done = r;
                completed = r;
                LockSupport.unpark(waiter);
            }
        } catch (Throwable t) {
            failure = t;
            Thread w = waiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }
    }

    /** Tells the driving thread to end (the scheduler's close joins it). */
    @Override
    public void close() {
        requested = STOP;
        LockSupport.unpark(thread);
    }

    /** The failure of the driving thread, if it had one. */
    Throwable failure() {
        return failure;
    }
}
