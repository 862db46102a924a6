package io.weft.scheduler;

import io.weft.poller.CompletionPoller;
import java.io.IOException;
import java.util.concurrent.locks.LockSupport;

/**
 * An io_uring operation that no thread waits for while it runs: queued on the ring of the
 * carrier the starting virtual thread is mounted on, it goes on by itself, and its completions
 * are handled on that carrier by {@link #onComplete}, which may queue it again (a send that
 * came back short sends the rest) until it is over. Whoever needs the outcome later waits for
 * it with {@link #await}. What it saves against a {@link RingOperation}: the park and resume of
 * the starting thread, about a microsecond each (the net module's write-behind sends).
 *
 * <h2>The hand-off to a late waiter</h2>
 * The waiter publishes itself ({@code waiter}, volatile) and then reads {@code done}; the
 * final completion sets {@code done} (volatile) and then reads {@code waiter}. At least one
 * side sees the other's write, so a waiter that found the operation running is always
 * unparked. jcstress: DetachedAwaitTest (and its self-check, which reads first and publishes
 * second, and loses the wake-up).
 *
 * <p>One run per object: make a new one for each operation.
 */
public abstract class DetachedOperation extends RingWork {
    private volatile boolean done;
    private volatile Thread waiter;
    private int result;
    /** Written and read by the awaiting thread only. */
    private boolean interruptCancelled;

    /**
     * Queues the operation on the calling thread's carrier and returns at once.
     *
     * @throws IllegalStateException if the caller is not a Weft virtual thread on io_uring
     *                               ({@link #available()})
     * @throws IOException           if the ring refused the submission
     */
    public final void start() throws IOException {
        if (carrier != null) {
            throw new IllegalStateException("a DetachedOperation runs once");
        }
        enqueue();
        published();
    }

    @Override
    public final void complete(Carrier c, int result, int flags) {
        boolean over = true;
        try {
            over = onComplete(result, flags);
        } finally {
            if (over) {
                finish(result);
            }
        }
    }

    /**
     * A completion, on the carrier. Returns true when the operation is over (its buffers given
     * back, whatever it held released); false after {@link #again} queued it once more.
     */
    protected abstract boolean onComplete(int result, int flags);

    /**
     * From {@link #onComplete}: queues the operation again on the same ring, under a new token.
     * Returns false, queuing nothing, when it must not go on: a {@link #cancel} was asked for,
     * or the carrier is shutting down (its ring is being closed); the caller then ends the
     * operation. ({@link #abandoned()} is asked only when the operation is first queued.)
     */
    protected final boolean again() {
        Carrier c = carrier;
        if (cancelRequested() || c.closing()) {
            return false;
        }
        cancelQueued = false; // a new submission: a later cancel must reach it
        token = c.register(this);
        try {
            submit((CompletionPoller) c.poller(), token);
            return true;
        } catch (IOException | RuntimeException e) {
            c.unregister(token);
            return false;
        }
    }

    /**
     * Cancels the operation if it is still running {@code nanos} from now (a timer on its
     * carrier). Any thread, after {@link #start} returned (and was seen to: e.g. through a
     * volatile field the starter wrote afterwards).
     */
    public final void cancelAfter(long nanos) {
        carrier.addTimer(System.nanoTime() + nanos, this::cancel, true);
    }

    /** Ends the operation; true if a waiter was there to unpark. */
    private boolean finish(int result) {
        this.result = result;
        done = true;
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
            return true;
        }
        return false;
    }

    /** Whether the operation is over. */
    public final boolean isDone() {
        return done;
    }

    /**
     * Waits until the operation is over and returns the result its last completion carried
     * ({@code -errno} on failure). Any thread; on a pinned Weft virtual thread the wait drives
     * the carrier ({@link WeftPark}). An interrupt cancels the operation (see
     * {@link #interruptCancelled()}), and the wait goes on until it is over, since its memory
     * is the kernel's until then; the interrupt stays set on the thread.
     */
    public final int await() {
        if (!done) {
            waiter = Thread.currentThread();
            boolean interrupted = false;
            while (!done) {
                WeftPark.park(this);
                if (Thread.interrupted()) {
                    // Clear it while waiting, or park returns at once; put it back below.
                    interrupted = true;
                    if (!done) {
                        interruptCancelled = true;
                        cancel();
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return result;
    }

    /** Whether an interrupt of the thread in {@link #await} asked for the cancel. */
    public final boolean interruptCancelled() {
        return interruptCancelled;
    }

    /** For the jcstress test: the final completion's hand-off without a carrier; true if it unparked a waiter. */
    final boolean finishForTest(int result) {
        return finish(result);
    }

    /** For the jcstress test: {@link #await}'s publication and check, without parking; true if it would park. */
    final boolean wouldParkForTest() {
        waiter = Thread.currentThread();
        return !done;
    }
}
