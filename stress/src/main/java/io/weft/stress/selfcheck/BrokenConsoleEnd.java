package io.weft.stress.selfcheck;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A copy of {@code io.weft.pooler.admin.ConsoleEnd} with one {@link Flaw}, for the
 * self-checks; {@link Flaw#NONE} is the real code.
 */
final class BrokenConsoleEnd {
    enum Flaw {
        NONE,
        /** {@code finishCommand} publishes IDLE with a release store ({@code lazySet}) before it reads the flag. */
        RELEASE_IDLE,
        /** {@code endIfIdle} ends the session whatever state it is in, a console writing a reply too. */
        END_WHILE_BUSY
    }

    private static final int IDLE = 0;
    private static final int BUSY = 1;
    private static final int ENDED = 2;

    private final Flaw flaw;
    private final AtomicInteger state = new AtomicInteger(IDLE);
    private final BooleanSupplier stopping;

    BrokenConsoleEnd(Flaw flaw, BooleanSupplier stopping) {
        this.flaw = flaw;
        this.stopping = stopping;
    }

    boolean startCommand() {
        return state.compareAndSet(IDLE, BUSY);
    }

    boolean finishCommand() {
        if (flaw == Flaw.RELEASE_IDLE) {
            state.lazySet(IDLE);
        } else {
            state.set(IDLE);
        }
        return stopping.getAsBoolean() && state.compareAndSet(IDLE, ENDED);
    }

    boolean endIfIdle() {
        if (flaw == Flaw.END_WHILE_BUSY) {
            return state.getAndSet(ENDED) != ENDED;
        }
        return state.compareAndSet(IDLE, ENDED);
    }
}
