package io.weft.scheduler;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Lets the {@link PinnedWatch} stop waking up while the scheduler is idle, and brings it back
 * before a carrier can run a task. On its own so that jcstress can race the real code
 * ({@code WatchDormancyTest}).
 *
 * <pre>
 * watch:   dormant = true (volatile); if every carrier still sleeps in its poller: park until
 *          roused; else take dormant back (CAS true to false) and go on ticking
 * carrier: leaves its sleep (its SleepGate state RUNNING, volatile); then if dormant and
 *          CAS(dormant, true, false): unpark the watch
 * </pre>
 * Two volatile write-then-read pairs on different variables: either the watch sees the
 * carrier awake and does not park, or the carrier sees the watch dormant and wakes it. A
 * carrier can only be parked by a pinned thread while it runs a task, so a watch parked while
 * every carrier sleeps misses nothing. The CAS makes one waking carrier pay for the unpark; the
 * others, and every carrier while the watch ticks, pay one volatile read per poll.
 */
final class WatchDormancy {
    private final AtomicBoolean dormant = new AtomicBoolean();
    /** The watch's thread, set before it starts; null while there is no watch. */
    private volatile Thread watch;

    void watchThread(Thread t) {
        watch = t;
    }

    /**
     * The watch: announces it is dormant, then checks the carriers again. True if it may park
     * (until {@link #isDormant} turns false); false, and not dormant, if a carrier is awake.
     */
    boolean enter(BooleanSupplier allAsleep) {
        dormant.set(true);
        if (allAsleep.getAsBoolean()) {
            return true;
        }
        dormant.compareAndSet(true, false); // a carrier may have taken it already (and unparked: harmless)
        return false;
    }

    boolean isDormant() {
        return dormant.get();
    }

    /** A carrier that has just left its sleep: true if the watch was dormant and this call must wake it. */
    boolean rouse() {
        return dormant.get() && dormant.compareAndSet(true, false);
    }

    /** {@link #rouse}, then the unpark. Any carrier. */
    void carrierAwake() {
        if (rouse()) {
            LockSupport.unpark(watch);
        }
    }

    /** The watch is stopping: it must not stay parked. */
    void release() {
        dormant.set(false);
    }
}
