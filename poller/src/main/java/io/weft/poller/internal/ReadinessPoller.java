package io.weft.poller.internal;

import io.weft.poller.CompletionHandler;
import io.weft.poller.Poller;
import io.weft.poller.sys.Errno;
import io.weft.poller.sys.ErrnoException;
import java.io.IOException;

/**
 * What the readiness backends (epoll, kqueue) share: the table of armed waits, the owner's
 * poll loop and the close protocol. A backend says how to wait for a batch of events, how to
 * deliver one, and what to release when closed; the loop's rules are kept in one place:
 * <ul>
 *   <li>a signal ({@code EINTR}) means wait again for the time left;</li>
 *   <li>a batch that delivered nothing (every event was for a wait disarmed meanwhile) means
 *       wait again too, unless it held the cross-thread wake-up or the caller did not want to
 *       wait;</li>
 *   <li>{@code poll} is not reentrant and {@code close} is not allowed from a completion
 *       handler.</li>
 * </ul>
 *
 * <p>Owner thread only, except {@link #wakeup()} and {@link #isOpen()}.
 */
public abstract class ReadinessPoller implements Poller {
    /** What {@link #deliver} returns for the poller's own wake-up event (already consumed). */
    protected static final int WOKEN_UP = -1;

    protected final ReadinessTable waits = new ReadinessTable();
    private boolean polling;
    private volatile boolean open = true;

    /**
     * Waits once for events: their count, or {@code -errno}.
     *
     * @param waitNanos -1 to wait until an event, 0 not to wait, else at most this long
     */
    protected abstract int waitForEvents(long waitNanos);

    /** The system call {@link #waitForEvents} makes, for error messages. */
    protected abstract String waitCall();

    /**
     * Delivers event {@code i} of the last batch: the completions handed to {@code handler}
     * (0 for an event of a wait disarmed meanwhile), or {@link #WOKEN_UP} if it was the
     * wake-up, which this method has consumed.
     */
    protected abstract int deliver(int i, CompletionHandler handler) throws IOException;

    /** Stops the wake-up and releases the backend's descriptors and memory (waits are already cancelled). */
    protected abstract void release();

    @Override
    public final int poll(long timeoutNanos, CompletionHandler handler) throws IOException {
        ensureOpen();
        if (polling) {
            throw new IllegalStateException("poll is not reentrant: called from a completion handler");
        }
        polling = true;
        try {
            long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
            long wait = timeoutNanos;
            for (;;) {
                int n = waitForEvents(wait);
                if (n != -Errno.EINTR) {
                    ErrnoException.check(waitCall(), n);
                    int delivered = 0;
                    boolean wokenUp = false;
                    for (int i = 0; i < n; i++) {
                        int d = deliver(i, handler);
                        if (d == WOKEN_UP) {
                            wokenUp = true;
                        } else {
                            delivered += d;
                        }
                    }
                    // An event for a wait disarmed meanwhile delivers nothing: keep waiting.
                    if (delivered > 0 || wokenUp || timeoutNanos == 0) {
                        return delivered;
                    }
                }
                // EINTR (a signal, or task work the kernel queued to this thread, e.g. when a
                // ring it used is torn down): wait again for the time left.
                if (timeoutNanos > 0) {
                    wait = deadline - System.nanoTime();
                    if (wait <= 0) {
                        return 0;
                    }
                }
            }
        } finally {
            polling = false;
        }
    }

    @Override
    public final boolean isOpen() {
        return open;
    }

    /** Cancels every armed wait ({@code -ECANCELED}), then {@link #release}s. */
    @Override
    public final void close(CompletionHandler handler) {
        if (!open) {
            return;
        }
        if (polling) {
            throw new IllegalStateException("close is not allowed from a completion handler");
        }
        open = false;
        waits.forEachArmed(slot -> handler.onCompletion(waits.remove(slot), -Errno.ECANCELED, 0));
        release();
    }

    protected final void ensureOpen() {
        if (!open) {
            throw new IllegalStateException("poller is closed");
        }
    }
}
