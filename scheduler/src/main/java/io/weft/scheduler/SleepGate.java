package io.weft.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.BooleanSupplier;

/**
 * The carrier's sleep/wake-up handshake, on its own so that jcstress can race the real code.
 *
 * <pre>
 * carrier:   state = SLEEPING (volatile); if (hasWork()) { state = RUNNING; don't sleep }
 *            else sleep in poll; state = RUNNING
 * submitter: add work (a CAS in the queue); if (state == SLEEPING && CAS(SLEEPING, WOKEN)) wake the poller
 * </pre>
 * Two volatile write-then-read pairs on different variables: at least one side sees the
 * other's write, so either the carrier sees the work or the submitter sees SLEEPING. The CAS
 * to WOKEN makes only one of many submitters pay for the wake-up system call, and a RUNNING
 * carrier is never sent one.
 */
final class SleepGate {
    static final int RUNNING = 0;
    static final int SLEEPING = 1;
    static final int WOKEN = 2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(SleepGate.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile int state;

    /**
     * The carrier, before it sleeps: announces SLEEPING, then checks for work. Returns true if
     * it may sleep; false (and RUNNING again) if work arrived.
     */
    boolean enterSleep(BooleanSupplier hasWork) {
        STATE.setVolatile(this, SLEEPING);
        if (hasWork.getAsBoolean()) {
            STATE.setVolatile(this, RUNNING);
            return false;
        }
        return true;
    }

    /** The carrier, after its poll returned. */
    void leaveSleep() {
        STATE.setVolatile(this, RUNNING);
    }

    /** A submitter, after it added work: true if the carrier slept and this call must wake it. */
    boolean claimWakeup() {
        return state == SLEEPING && STATE.compareAndSet(this, SLEEPING, WOKEN);
    }

    boolean isSleeping() {
        return state == SLEEPING;
    }

    int state() {
        return state;
    }
}
