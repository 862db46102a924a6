package io.weft.scheduler;

import io.weft.poller.CompletionPoller;
import io.weft.poller.sys.Errno;
import java.io.IOException;
import java.util.concurrent.locks.LockSupport;

/**
 * One io_uring operation run by a Weft virtual thread: queued on the ring of the carrier the
 * thread is mounted on, where it goes to the kernel with the carrier's next
 * {@code io_uring_enter} together with everything else queued there, while the thread parks.
 * The carrier resumes the thread when the operation's final completion arrives.
 *
 * <p>The thread always waits for the final completion, even after a timeout, an interrupt or
 * a {@link #cancel}: until then the kernel may still write into the operation's memory, and a
 * receive that won the race against its cancel has taken data that must not be lost.
 *
 * <p>One run per object: make a new one for each operation.
 */
public abstract class RingOperation extends RingWork {
    private volatile boolean done;
    private Thread thread;
    private int result;
    private int flags;
    private boolean interrupted;
    private boolean timeoutSet;
    /** {@link System#nanoTime()} at which the linked timeout expires, when {@code timeoutSet}. */
    private long deadline;

    /**
     * Runs the operation and returns its result ({@code -errno} on failure; {@code -ECANCELED}
     * when cancelled, timed out or interrupted: see {@link #timedOut()} and
     * {@link #interrupted()}). An interrupt cancels the operation and stays set on the thread.
     *
     * @param timeoutNanos 0 or negative for none; else the kernel cancels the operation after
     *                     this long (a linked timeout)
     * @throws IllegalStateException if the caller is not a Weft virtual thread on io_uring
     *                               ({@link #available()})
     * @throws IOException           if the ring refused the submission
     */
    public final int run(long timeoutNanos) throws IOException {
        if (thread != null) {
            throw new IllegalStateException("a RingOperation runs once");
        }
        thread = Thread.currentThread();
        Carrier c = enqueue();
        if (timeoutNanos > 0) {
            // Before the submission, so the kernel's timer (armed later, on the same monotonic
            // clock) cannot expire before it.
            deadline = System.nanoTime() + timeoutNanos;
            ((CompletionPoller) c.poller()).linkTimeout(timeoutNanos, WaitTable.NO_ENTRY);
            timeoutSet = true;
        }
        published();
        boolean wasInterrupted = false;
        while (!done) {
            PinnedWaits.park(c, this); // a pinned thread drives c itself
            if (Thread.interrupted()) {
                // Clear it while waiting, or park would return at once; put it back below.
                wasInterrupted = true;
                if (!done) {
                    interrupted = true;
                    cancel();
                }
            }
        }
        if (wasInterrupted) {
            thread.interrupt();
        }
        return result;
    }

    @Override
    public final void complete(Carrier c, int result, int flags) {
        this.result = result;
        this.flags = flags;
        try {
            onComplete(result, flags);
        } finally {
            done = true;
            LockSupport.unpark(thread);
        }
    }

    /**
     * The final completion, on the carrier, before the thread resumes: where a receive copies
     * its data out of a carrier buffer and gives the buffer back. Must be quick.
     */
    protected void onComplete(int result, int flags) {}

    /** Whether the final completion has been handed over (what {@link #run} waits for). For jcstress. */
    final boolean isDone() {
        return done;
    }

    /** The completion's {@link io.weft.poller.Completion} flags. */
    public final int flags() {
        return flags;
    }

    /**
     * Whether the operation ended because its timeout expired: cancelled, not by us, and the
     * time is up. The last condition tells a timeout from an {@code -ECANCELED} nobody asked
     * for (the kernel may cancel an operation on its own, e.g. when the task that queued it
     * exits; weft.faults injects them), which the caller should just run again.
     */
    public final boolean timedOut() {
        return timeoutSet && result == -Errno.ECANCELED && !cancelRequested() && !interrupted
                && System.nanoTime() - deadline >= 0;
    }

    /**
     * Whether the operation was cancelled though nobody asked: not by {@link #cancel}, an
     * interrupt or its timeout. The operation did nothing; running it again is correct.
     */
    public final boolean cancelledSpuriously() {
        return result == -Errno.ECANCELED && !cancelRequested() && !interrupted && !timedOut();
    }

    /** Whether an interrupt of the running thread cancelled the operation. */
    public final boolean interrupted() {
        return interrupted && result == -Errno.ECANCELED;
    }
}
