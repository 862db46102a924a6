package io.weft.scheduler;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A carrier's counters. The plain fields are written only by the carrier's own thread and
 * read racily by {@link WeftScheduler#stats()}: a reading may lag, never decrease. (HotSpot
 * on 64-bit platforms writes {@code long} fields atomically.) Wake-ups are sent to a carrier
 * by other threads, so that one is atomic.
 */
final class CarrierCounters {
    long tasksRun;
    long steals;
    long polls;
    long completions;
    long timersFired;
    long pollErrors;
    /** Waits of pinned virtual threads that drove this carrier themselves ({@link PinnedWaits}). */
    long pinnedWaits;
    /** Slices of this carrier's work done by a pinned virtual thread ({@link Carrier#driveWhilePinned}). */
    long pinnedSlices;
    final AtomicLong wakeupsSent = new AtomicLong();
}
