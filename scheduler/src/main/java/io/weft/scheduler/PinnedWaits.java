package io.weft.scheduler;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How a Weft wait parks when the waiting virtual thread may be pinned to its carrier.
 *
 * <p>A pinned thread (inside a class initializer, below a native frame, in one of the JDK's
 * critical sections) cannot unmount: its park parks the carrier's OS thread, the only thread
 * that may reap the carrier's ring or poll its poller, so the completion that would wake it
 * never comes. Asking "am I pinned?" before every park costs too much (the JDK 25 answer,
 * {@code Continuation.isPinned}, says yes for every virtual thread; a stack walk took the echo
 * benchmark from 4.8 to 14.8 us of CPU per request), so the question is asked only after the
 * fact:
 * <ol>
 *   <li>the thread parks as usual; unpinned, it unmounts and nothing else happens;</li>
 *   <li>pinned, its carrier's OS thread parks, which {@link PinnedWatch} notices within a
 *       period and <em>kicks</em> (flag, then unpark);</li>
 *   <li>back from the park, still on that carrier, with the flag set: the thread confirms it is
 *       pinned ({@link #stillPinned}) and then drives its carrier itself
 *       ({@link Carrier#driveWhilePinned}): inbox, timers, one poll of at most a slice, which
 *       delivers its own completion among others;</li>
 *   <li>while it stays on that carrier without unmounting, its next waits skip the park and
 *       drive at once, after the same confirmation.</li>
 * </ol>
 *
 * <p>Callers loop: {@code while (!done) PinnedWaits.park(carrier, blocker);}, as around
 * {@link LockSupport#park}, and may return for no reason.
 */
final class PinnedWaits {
    /**
     * How long a pinned thread's poll lasts at most before it looks at its wait again: bounds
     * how late it sees what other threads post to the carrier's inbox (a cancel's disarm, a
     * timer added from elsewhere), which sends it no wake-up.
     */
    static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private PinnedWaits() {}

    /**
     * Parks the calling virtual thread, whose wait is armed on carrier {@code c} (the one it
     * runs on); if it is pinned there, drives {@code c} for a slice instead.
     */
    static void park(Carrier c, Object blocker) {
        parkNanos(c, blocker, 0);
    }

    /**
     * {@link #park} for at most {@code nanos} (0: no limit), as {@link LockSupport#parkNanos}:
     * the caller measures the time itself.
     */
    static void parkNanos(Carrier c, Object blocker, long nanos) {
        Thread self = Thread.currentThread();
        long slice = nanos > 0 ? Math.min(nanos, SLICE_NANOS) : SLICE_NANOS;
        if (c.pinnedThread == self && Carrier.current() == c) {
            if (stillPinned(c)) {
                c.driveWhilePinned(slice);
            }
            return; // drove a slice, or yielded (no longer pinned): the caller looks at its wait again
        }
        c.kick.clear();
        if (nanos > 0) {
            LockSupport.parkNanos(blocker, nanos);
        } else {
            LockSupport.park(blocker);
        }
        if (c.kick.isSet() && Carrier.current() == c) {
            c.kick.clear();
            if (stillPinned(c)) {
                c.pinnedThread = self;
                c.counters.pinnedWaits++;
                c.driveWhilePinned(slice);
            }
        }
    }

    /**
     * Whether the calling thread, on carrier {@code c}, is pinned there. {@link Thread#yield}
     * cannot unmount a pinned thread: it returns at once, on the same carrier, within the same
     * task. An unpinned thread does unmount: its task ends (the carrier counts it) and it runs
     * again later, as a new task, here or elsewhere; then it simply goes back to its wait.
     * Exact for every kind of pinning, unlike a look at the stack (blind to FFM upcalls and the
     * JDK's critical sections); it costs a yield, paid only after a kick.
     */
    static boolean stillPinned(Carrier c) {
        long tasksBefore = c.counters.tasksRun;
        Thread.yield();
        return Carrier.current() == c && c.counters.tasksRun == tasksBefore;
    }
}
