package io.weft.pooler.admin;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Who ends an admin console session when a graceful shutdown begins: the shutdown itself if the
 * console is idle (blocked reading the next command), else the console's own thread once it has
 * answered the command it is on. Exactly one of them ends it, and never in the middle of a reply:
 * the operator who typed SHUTDOWN gets its CommandComplete, then FATAL 57P01.
 *
 * <p>The shutdown sets its flag ({@code stopping}) before it calls {@link #endIfIdle}; the
 * console sets IDLE before it reads the flag. So either the console sees the flag, or the
 * shutdown sees IDLE, or both: then the compare-and-set on ENDED picks one.
 */
public final class ConsoleEnd {
    private static final int IDLE = 0;
    private static final int BUSY = 1;
    private static final int ENDED = 2;

    private final AtomicInteger state = new AtomicInteger(IDLE);
    private final BooleanSupplier stopping;

    /** @param stopping whether a graceful shutdown has begun (set before it calls {@link #endIfIdle}) */
    public ConsoleEnd(BooleanSupplier stopping) {
        this.stopping = stopping;
    }

    /** The console has a message to answer: false if the session was ended meanwhile (answer nothing). */
    public boolean startCommand() {
        return state.compareAndSet(IDLE, BUSY);
    }

    /** The console has answered: true if it must now end the session itself (a shutdown began). */
    public boolean finishCommand() {
        state.set(IDLE);
        return stopping.getAsBoolean() && state.compareAndSet(IDLE, ENDED);
    }

    /** The shutdown: true if the console is idle and the caller must end the session now. */
    public boolean endIfIdle() {
        return state.compareAndSet(IDLE, ENDED);
    }
}
