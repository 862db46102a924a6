package io.weft.poller.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The protocol every backend's cross-thread wake-up shares: a pending flag so that a burst of
 * wake-ups costs one system call ({@link #ring()}: an eventfd write for io_uring and epoll,
 * an {@code EVFILT_USER} trigger for kqueue) until the owner has consumed it, and a writer
 * count so that closing never lets a late signaller touch a descriptor whose number may have
 * been reused. One implementation, so that jcstress's tests of {@link WakeupSignal}
 * (SignalVsConsumeTest, PlainPublicationTest, CloseVsSignalTest) cover every backend.
 *
 * <h2>Protocol</h2>
 * <ul>
 *   <li>{@link #signal()} (any thread): if {@code pending} goes 0 to 1, ring. A signaller that
 *       finds it already 1 does nothing: the owner has not yet consumed the earlier wake-up,
 *       and it resets the flag before it looks at its queues again, so it will see whatever
 *       this signaller published before calling {@code signal()}.</li>
 *   <li>The owner, once the wake-up has been taken from the kernel (the eventfd read back to 0,
 *       the user event returned), calls {@link #consumed()} and only then re-checks whatever
 *       the wake-up was about. Resetting before would let a signal land between the reset and
 *       the take and be lost.</li>
 * </ul>
 * The owner's reset is a volatile write followed by its queue reads; a signaller's queue
 * write, however it was made, is ordered before its read of {@code pending} by a full fence
 * at the start of {@link #signal()}. So of the two at least one sees the other.
 *
 * <p>Closing races with signallers on other threads: a signaller counts itself in
 * {@code writers} before it checks {@code closed}, and {@link #stopSignallers()} sets
 * {@code closed} before it waits for {@code writers} to drain.
 */
public abstract class CoalescingWakeup {
    private static final VarHandle PENDING;
    private static final VarHandle WRITERS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PENDING = lookup.findVarHandle(CoalescingWakeup.class, "pending", int.class);
            WRITERS = lookup.findVarHandle(CoalescingWakeup.class, "writers", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile int pending;
    private volatile int writers;
    private volatile boolean closed;

    /** The system call that wakes the owner; called by at most one signaller per wake-up. */
    protected abstract void ring();

    /** Wakes the owner. Any thread; a no-op once {@link #stopSignallers()} has begun. */
    public final void signal() {
        // Orders whatever the caller published before this call (even with a plain or
        // release store) before the read of pending: without it the store can sink below
        // the read, the owner resets pending and misses the value, and no wake-up is sent
        // (jcstress PlainPublicationTest caught exactly that).
        VarHandle.fullFence();
        if ((int) PENDING.getVolatile(this) != 0 || !PENDING.compareAndSet(this, 0, 1)) {
            return;
        }
        WRITERS.getAndAdd(this, 1);
        try {
            if (!closed) {
                ring();
            }
        } finally {
            WRITERS.getAndAdd(this, -1);
        }
    }

    /** Owner: the wake-up has been taken from the kernel; signals from now on ring again. */
    public final void consumed() {
        pending = 0;
    }

    /** Whether a signal is pending that the owner has not consumed. */
    public final boolean isPending() {
        return pending != 0;
    }

    /**
     * Owner, closing: stops signallers and waits for any inside {@link #ring()} to leave.
     * Returns true the first time (the caller then releases what {@code ring} uses), false if
     * already stopped.
     */
    protected final boolean stopSignallers() {
        if (closed) {
            return false;
        }
        closed = true;
        pending = 1; // late signallers do not even try
        while (writers != 0) {
            Thread.onSpinWait(); // a signaller is inside its system call: microseconds at most
        }
        return true;
    }
}
