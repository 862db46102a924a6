package io.weft.stress.selfcheck;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A copy of {@code io.weft.scheduler.Timer}'s fire/cancel protocol (same code, without the
 * carrier and heap fields, which the tests leave null) with one deliberate {@link Flaw}, for the
 * self-check tests. Never use outside {@code io.weft.stress.selfcheck}.
 */
public final class BrokenTimer {
    /** The bug this copy has. */
    public enum Flaw {
        /** None: the real code, for self-checks whose bug is elsewhere. */
        NONE,
        /** {@link #fire} and {@link #cancel} read PENDING, then write their state: no CAS. */
        CHECK_THEN_SET,
        /** {@code get}'s latch: the state is read before the latch is published, not after. */
        CHECK_BEFORE_LATCH,
    }

    public static final int PENDING = 0;
    public static final int FIRED = 1;
    public static final int CANCELLED = 2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(BrokenTimer.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Flaw flaw;
    private volatile int state;
    private volatile CountDownLatch done;

    public BrokenTimer(Flaw flaw) {
        this.flaw = flaw;
    }

    public boolean fire() {
        if (move(FIRED)) {
            signalDone();
            return true;
        }
        return false;
    }

    public int timerState() {
        return state;
    }

    public boolean cancel(boolean mayInterruptIfRunning) {
        if (!move(CANCELLED)) {
            return false;
        }
        signalDone();
        return true;
    }

    private boolean move(int to) {
        if (flaw == Flaw.CHECK_THEN_SET) {
            if (state != PENDING) {
                return false;
            }
            state = to; // BUG: the other side may have read PENDING too
            return true;
        }
        return STATE.compareAndSet(this, PENDING, to);
    }

    private void signalDone() {
        CountDownLatch l = done;
        if (l != null) l.countDown();
    }

    public boolean isCancelled() {
        return state == CANCELLED;
    }

    public boolean isDone() {
        return state != PENDING;
    }

    public Object get(long timeout, TimeUnit unit) throws InterruptedException, TimeoutException {
        if (!awaitDone().await(timeout, unit)) {
            throw new TimeoutException();
        }
        if (state == CANCELLED) {
            throw new CancellationException();
        }
        return null;
    }

    private CountDownLatch awaitDone() {
        CountDownLatch l = done;
        if (l == null && flaw == Flaw.CHECK_BEFORE_LATCH) {
            boolean finished = state != PENDING; // BUG: a finisher between this and the publication finds no latch
            synchronized (this) {
                l = done;
                if (l == null) {
                    done = l = new CountDownLatch(1);
                }
            }
            if (finished) {
                l.countDown();
            }
            return l;
        }
        if (l == null) {
            synchronized (this) {
                l = done;
                if (l == null) {
                    done = l = new CountDownLatch(1);
                }
            }
            if (state != PENDING) {
                l.countDown();
            }
        }
        return l;
    }
}
