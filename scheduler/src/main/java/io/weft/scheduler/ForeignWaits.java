package io.weft.scheduler;

import java.io.IOException;
import java.lang.System.Logger.Level;

/**
 * Descriptor waits of virtual threads that Weft does not run (the JDK's default scheduler, or
 * any other): one shared carrier, started on first use, arms them on its poller and unparks
 * the thread when the descriptor is ready, as the JDK's own poller threads do.
 *
 * <p>Blocking such a thread in {@code poll(2)} instead would hold one of its scheduler's
 * carriers for the whole wait; with two carriers, two waiting writers starve their readers
 * (the net conformance suite found that deadlock).
 *
 * <p>The waiting thread registers its {@link IoWait} and posts the arm to the shared carrier;
 * timeouts, cancels and interrupts then work as for Weft's own threads (they already reach a
 * carrier that is not the caller's through its inbox).
 */
final class ForeignWaits {
    private static final System.Logger LOG = System.getLogger("io.weft.scheduler");

    private ForeignWaits() {}

    private static final class Holder {
        static final WeftScheduler SHARED = start();

        private static WeftScheduler start() {
            try {
                return WeftScheduler.start(SchedulerConfig.fromSystemProperties().withCarriers(1), "weft-foreign");
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "no shared carrier for other schedulers' virtual threads (" + e
                        + "); they will wait in poll(2)");
                return null;
            }
        }
    }

    /** The shared carrier, or null if it could not be started. */
    static Carrier carrier() {
        WeftScheduler s = Holder.SHARED;
        return s == null ? null : s.carrier(0);
    }

    /** On the shared carrier: arms {@code w} unless it already ended. */
    static void arm(Carrier c, IoWait w) {
        if (!w.isWaiting()) {
            return; // cancelled, timed out or interrupted before it was armed
        }
        try {
            c.arm(w);
        } catch (IOException | RuntimeException e) {
            // The descriptor is unusable (closed: EBADF): end the wait as a close would.
            w.onPollerClosed();
        }
    }
}
