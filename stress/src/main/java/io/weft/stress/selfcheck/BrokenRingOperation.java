package io.weft.stress.selfcheck;

import java.util.concurrent.locks.LockSupport;

/**
 * A copy of {@code io.weft.scheduler.RingOperation}'s hand-over of the final completion
 * ({@code complete}, {@code flags}, the done flag; no ring, no run loop: the self-check needs
 * neither) with one deliberate {@link Flaw}, for the self-check tests. Never use outside
 * {@code io.weft.stress.selfcheck}.
 */
public abstract class BrokenRingOperation {
    /** The bug this copy has. */
    public enum Flaw {
        /** {@link #complete} sets done (and unparks) before it stores the result and runs onComplete. */
        DONE_FIRST,
    }

    private final Flaw flaw;
    private volatile boolean done;
    private Thread thread;
    private int result;
    private int flags;

    protected BrokenRingOperation(Flaw flaw) {
        this.flaw = flaw;
    }

    public final void complete(int result, int flags) {
        if (flaw == Flaw.DONE_FIRST) {
            done = true; // BUG: the thread may now read a result not yet stored
            LockSupport.unpark(thread);
        }
        this.result = result;
        this.flags = flags;
        try {
            onComplete(result, flags);
        } finally {
            done = true;
            LockSupport.unpark(thread);
        }
    }

    protected void onComplete(int result, int flags) {}

    public final boolean isDone() {
        return done;
    }

    public final int flags() {
        return flags;
    }
}
