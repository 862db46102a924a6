package io.weft.scheduler;

/**
 * A carrier's kick flag: how {@link PinnedWatch} tells a pinned virtual thread, parked on the
 * carrier's OS thread, that it should drive the carrier itself ({@link PinnedWaits}).
 *
 * <p>The watch sets the flag and only then wakes the thread; the waiter clears it before it
 * parks and reads it after. So a waiter woken by a kick always sees that kick's flag (unless
 * its own clear came after it, and then the flag is down and the watch kicks again). Wake
 * first and set after, and a waiter can wake, see no flag, park again, and never be kicked
 * again: the watch kicks a carrier only while its flag is down. jcstress {@code PinnedKickTest}
 * (and the broken order, {@code io.weft.stress.selfcheck.KickWakesBeforeFlagTest}).
 */
final class PinnedKick {
    private volatile boolean set;

    /**
     * The watch (its only caller): unless already kicked, sets the flag, then runs
     * {@code wake} (the unpark). True if it kicked.
     */
    boolean kick(Runnable wake) {
        if (set) {
            return false;
        }
        set = true;
        wake.run();
        return true;
    }

    boolean isSet() {
        return set;
    }

    /** The waiter, before it parks; writes only when set (the common case reads). */
    void clear() {
        if (set) {
            set = false;
        }
    }
}
