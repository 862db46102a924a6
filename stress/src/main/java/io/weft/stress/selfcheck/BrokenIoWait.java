package io.weft.stress.selfcheck;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * A copy of {@code io.weft.scheduler.IoWait} (same code on the paths of a wait without a
 * carrier, the only ones the tests take; it clears itself from a {@link BrokenFdWaiters} and
 * cancels a {@link BrokenTimer}) with one deliberate {@link Flaw}, for the self-check tests.
 * Never use outside {@code io.weft.stress.selfcheck}.
 */
public final class BrokenIoWait {
    /** The bug this copy has. */
    public enum Flaw {
        /** None: the real code, for self-checks whose bug is elsewhere. */
        NONE,
        /** {@link #finish} reads WAITING, then writes the outcome: no CAS. */
        CHECK_THEN_SET,
        /** {@link #onCancel} does not cancel the wait's timer. */
        FORGETS_TIMER,
    }

    public static final int WAITING = 0;
    public static final int READY = 1;
    public static final int TIMED_OUT = 2;
    public static final int CANCELLED = 3;
    public static final int INTERRUPTED = 4;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(BrokenIoWait.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Flaw flaw;
    private final BrokenFdWaiters registry;
    final Thread thread;
    final int fd;
    final int event;
    public volatile BrokenTimer timer;
    private volatile int state;

    public BrokenIoWait(Flaw flaw, BrokenFdWaiters registry, Thread thread, int fd, int event) {
        this.flaw = flaw;
        this.registry = registry;
        this.thread = thread;
        this.fd = fd;
        this.event = event;
    }

    public int state() {
        return state;
    }

    public boolean isWaiting() {
        return state == WAITING;
    }

    boolean finish(int outcome) {
        if (flaw == Flaw.CHECK_THEN_SET) {
            if (state != WAITING) {
                return false;
            }
            state = outcome; // BUG: another party may have read WAITING too
            return true;
        }
        return STATE.compareAndSet(this, WAITING, outcome);
    }

    public boolean onReady() {
        return endDisarmed(READY);
    }

    public boolean onPollerClosed() {
        return endDisarmed(CANCELLED);
    }

    private boolean endDisarmed(int outcome) {
        if (!finish(outcome)) {
            return false;
        }
        registry.clear(this);
        cancelTimer();
        LockSupport.unpark(thread);
        return true;
    }

    public boolean onTimeout() {
        if (!finish(TIMED_OUT)) {
            return false;
        }
        registry.clear(this);
        LockSupport.unpark(thread);
        return true;
    }

    public boolean onCancel() {
        if (!finish(CANCELLED)) {
            return false;
        }
        registry.clear(this);
        if (flaw != Flaw.FORGETS_TIMER) { // BUG if FORGETS_TIMER
            cancelTimer();
        }
        LockSupport.unpark(thread);
        return true;
    }

    public boolean onInterrupt() {
        if (!finish(INTERRUPTED)) {
            return false;
        }
        registry.clear(this);
        cancelTimer();
        return true;
    }

    private void cancelTimer() {
        BrokenTimer t = timer;
        if (t != null) {
            t.cancel(false);
        }
    }
}
