package io.weft.scheduler;

import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * What {@link WeftScheduler#close} waits for before it cancels and interrupts: no tracked
 * thread alive, none queued, and none in between.
 *
 * <p>A tracked thread counts as alive from its first line ({@code WeftScheduler.track}). Before
 * that, its carrier has taken it from the run queue and is mounting it: it is neither queued nor
 * alive, but that carrier is not asleep. Hence the order of the looks: alive, queued, every
 * carrier asleep, then alive again, for a thread that became alive after the first look and
 * parked (its carrier asleep again) before the third. jcstress {@code CloseQuietVsMountTest}.
 */
final class Quiescence {
    private Quiescence() {}

    static boolean quiet(Set<?> alive, BooleanSupplier queued, BooleanSupplier carriersAsleep) {
        if (!alive.isEmpty() || queued.getAsBoolean()) return false;
        if (!carriersAsleep.getAsBoolean()) return false;
        return alive.isEmpty();
    }
}
