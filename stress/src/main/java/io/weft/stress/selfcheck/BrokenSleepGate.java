package io.weft.stress.selfcheck;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.BooleanSupplier;

/**
 * A copy of {@code io.weft.scheduler.SleepGate} (same API, same code) with one deliberate
 * {@link Flaw}, for the self-check tests. Never use outside {@code io.weft.stress.selfcheck}.
 */
public final class BrokenSleepGate {
    /** The bug this copy has. */
    public enum Flaw {
        /** None: the real code, for self-checks whose bug is elsewhere. */
        NONE,
        /** {@link #enterSleep} announces SLEEPING with a release store, not a volatile one. */
        RELEASE_ANNOUNCE,
        /** {@link #claimWakeup} reads SLEEPING, then writes WOKEN: no CAS. */
        CHECK_THEN_SET,
    }

    public static final int RUNNING = 0;
    public static final int SLEEPING = 1;
    public static final int WOKEN = 2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(BrokenSleepGate.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Flaw flaw;
    private volatile int state;

    public BrokenSleepGate(Flaw flaw) {
        this.flaw = flaw;
    }

    public boolean enterSleep(BooleanSupplier hasWork) {
        if (flaw == Flaw.RELEASE_ANNOUNCE) {
            STATE.setRelease(this, SLEEPING); // BUG: may pass the re-check's loads (StoreLoad)
        } else {
            STATE.setVolatile(this, SLEEPING);
        }
        if (hasWork.getAsBoolean()) {
            STATE.setVolatile(this, RUNNING);
            return false;
        }
        return true;
    }

    public void leaveSleep() {
        STATE.setVolatile(this, RUNNING);
    }

    public boolean claimWakeup() {
        if (flaw == Flaw.CHECK_THEN_SET) {
            if (state == SLEEPING) {
                state = WOKEN; // BUG: another submitter may have read SLEEPING too
                return true;
            }
            return false;
        }
        return state == SLEEPING && STATE.compareAndSet(this, SLEEPING, WOKEN);
    }

    public int state() {
        return state;
    }
}
