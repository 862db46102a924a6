package io.weft.scheduler;

import io.weft.poller.BufferRing;
import io.weft.poller.CompletionPoller;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What {@link RingOperation} and {@link RingStream} share: work submitted to the io_uring ring
 * of the carrier the submitting virtual thread is mounted on, and cancellation from any thread.
 *
 * <h2>Cancelling from any thread</h2>
 * The ring belongs to its carrier, so a cancel from elsewhere travels through the carrier's
 * inbox. Two flags settle the race between a cancel and the submission: the submitter sets
 * {@code submitted} after queuing and then reads {@code cancelRequested}; {@link #cancel} sets
 * {@code cancelRequested} and then reads {@code submitted}. Both are volatile, so at least one
 * side sees the other and asks the carrier to cancel; the carrier's
 * {@link Carrier#cancelOnRing} does it once, and only while the work is still in its wait
 * table (a token never reaches a later occupant of the slot: tokens carry a generation).
 * jcstress: RingCancelVsSubmitTest.
 */
abstract class RingWork implements Completable {
    private static final VarHandle CANCEL_REQUESTED;

    static {
        try {
            CANCEL_REQUESTED = MethodHandles.lookup().findVarHandle(RingWork.class, "cancelRequested", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The carrier whose ring holds the work; set before {@code submitted}. */
    Carrier carrier;
    long token = -1;
    /** Set by the carrier when it queued the cancel, so that it queues only one. Carrier only. */
    boolean cancelQueued;
    private volatile boolean submitted;
    private volatile boolean cancelRequested;

    /** Whether the calling thread can submit ring work: a Weft virtual thread (or carrier) on io_uring. */
    public static boolean available() {
        Carrier c = Carrier.current();
        return c != null && c.poller() instanceof CompletionPoller;
    }

    /**
     * Whether the calling thread can submit ring work ({@link #available()}) and its carrier's
     * kernel supports io_uring opcode {@code opcode} ({@link CompletionPoller#supports}, from
     * {@code IORING_REGISTER_PROBE}).
     */
    public static boolean supports(int opcode) {
        Carrier c = Carrier.current();
        return c != null && c.poller() instanceof CompletionPoller ring && ring.supports(opcode);
    }

    /**
     * Queues the work's submission(s) on {@code ring} under {@code token}. Called on the
     * carrier, by the submitting thread, once.
     */
    protected abstract void submit(CompletionPoller ring, long token) throws IOException;

    /**
     * The carrier's shared receive buffers, for a receive that lets the kernel pick the buffer
     * (so a waiting receive pins no memory). Only from {@link #submit} and completion callbacks:
     * the ring belongs to the carrier.
     */
    protected final BufferRing recvBuffers() throws IOException {
        return carrier.recvBuffers();
    }

    /** Registers the work with the current carrier and queues it; false if not on io_uring. */
    final Carrier enqueue() throws IOException {
        Carrier c = Carrier.current();
        if (c == null || !(c.poller() instanceof CompletionPoller ring)) {
            throw new IllegalStateException("ring work needs a Weft virtual thread on an io_uring carrier");
        }
        carrier = c;
        token = c.register(this);
        try {
            submit(ring, token);
        } catch (IOException | RuntimeException e) {
            c.unregister(token);
            throw e;
        }
        return c;
    }

    /** After {@link #enqueue} (and any linked submissions): publishes, then honours an early cancel. */
    final void published() {
        submitted = true;
        if (cancelRequested || abandoned()) {
            routeCancel();
        }
    }

    /**
     * Checked once the work is queued: true to cancel it at once. A socket answers whether it
     * was closed meanwhile; a close that came earlier could not see the work to cancel it.
     */
    protected boolean abandoned() {
        return false;
    }

    /**
     * Asks the kernel to cancel the work. Any thread; idempotent. The final completion still
     * arrives (with {@code -ECANCELED}, or the result if the work won the race).
     */
    public final void cancel() {
        if (!CANCEL_REQUESTED.compareAndSet(this, false, true)) {
            return;
        }
        if (!submitted) {
            return; // published() will see cancelRequested
        }
        routeCancel();
    }

    /**
     * Has the carrier queue the cancel: at once on the carrier, else through its inbox.
     * Package-private and overridable only so that the jcstress test can count the requests.
     */
    void routeCancel() {
        Carrier c = carrier;
        if (Carrier.current() == c) {
            c.cancelOnRing(this);
        } else {
            c.post(() -> c.cancelOnRing(this));
        }
    }

    /** For the jcstress test: {@link #published()} without a carrier. */
    final void publishedForTest() {
        published();
    }

    /** Whether {@link #cancel} was called. */
    public final boolean cancelRequested() {
        return cancelRequested;
    }
}
