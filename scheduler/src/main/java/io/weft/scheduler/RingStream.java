package io.weft.scheduler;

import java.io.IOException;

/**
 * A multishot io_uring operation (multishot accept or receive): started by a Weft virtual
 * thread on its carrier's ring, it then posts completions to {@link #onCompletion} on that
 * carrier, its home, until one arrives without {@link io.weft.poller.Completion#MORE}: the
 * stream has ended (failed, cancelled, or stopped by the kernel) and may be started again.
 *
 * <p>One start per object: make a new one to start again.
 */
public abstract class RingStream extends RingWork {
    private volatile boolean ended;

    /**
     * Starts the stream on the calling thread's carrier.
     *
     * @throws IllegalStateException if the caller is not a Weft virtual thread on io_uring
     */
    public final void start() throws IOException {
        enqueue();
        published();
    }

    @Override
    public final void complete(Carrier c, int result, int flags) {
        boolean more = io.weft.poller.Completion.hasMore(flags);
        if (!more) {
            ended = true;
        }
        onCompletion(result, flags, more);
    }

    /**
     * One completion, on the home carrier. {@code more} false: the last one; the stream has
     * ended and this result says why (e.g. {@code -ECANCELED}).
     */
    protected abstract void onCompletion(int result, int flags, boolean more);

    /** Whether the last completion has arrived. */
    public final boolean ended() {
        return ended;
    }
}
