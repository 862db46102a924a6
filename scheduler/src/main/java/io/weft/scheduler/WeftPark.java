package io.weft.scheduler;

import java.util.concurrent.locks.LockSupport;

/**
 * {@link LockSupport#park} for Weft code whose wake-up may have to come from the caller's own
 * carrier (a completion of its ring or poller): on a Weft virtual thread that turns out to be
 * pinned, the wait drives the carrier itself instead of parking it for ever (see
 * docs/architecture.md, "Pinned virtual threads"). Anywhere else it is {@code LockSupport}'s
 * park. As with {@code LockSupport}, a call may return for no reason: callers loop on their
 * condition.
 *
 * <p>Use it instead of a {@code Condition} or a blocking queue for such waits: those park
 * inside the JDK, where a pinned thread's wait cannot be helped.
 */
public final class WeftPark {
    private WeftPark() {}

    /** Parks until unparked (or for no reason). */
    public static void park(Object blocker) {
        parkNanos(blocker, 0);
    }

    /** Parks for at most {@code nanos} (0: until unparked), or for no reason. */
    public static void parkNanos(Object blocker, long nanos) {
        Carrier c = Thread.currentThread().isVirtual() ? Carrier.current() : null;
        if (c != null) {
            PinnedWaits.parkNanos(c, blocker, nanos);
        } else if (nanos > 0) {
            LockSupport.parkNanos(blocker, nanos);
        } else {
            LockSupport.park(blocker);
        }
    }
}
