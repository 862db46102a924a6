package io.weft.poller.internal;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * The submitter's half of io_uring's SQPOLL wake-up handshake, kept apart from {@code Ring} so
 * that the stress module can race it against a model of the kernel's half
 * ({@code io.weft.stress.poller.SqPollWakeupTest}).
 *
 * <p>The kernel's SQ thread, before it sleeps, sets {@code IORING_SQ_NEED_WAKEUP} in the SQ
 * ring's flags, issues a full barrier ({@code smp_mb__after_atomic}) and looks at the SQ tail
 * once more: entries there are consumed and it stays awake. The submitter stores the tail,
 * issues a full barrier and reads the flags. That is Dekker's pattern: with both barriers at
 * least one side sees the other's store, so entries are never left behind a sleeping thread
 * that nobody wakes. A release store alone is not enough: it lets the flags load pass the tail
 * store (store-load reordering, which x86 does), and both sides read the old values.
 */
public final class SqPollHandshake {
    private static final VarHandle INT = JAVA_INT.varHandle();

    private SqPollHandshake() {}

    /**
     * Publishes {@code tail} at {@code tailOffset} of {@code sqRing} (store-release: the SQEs
     * before it are complete), then, after a full fence, returns the flags word at
     * {@code flagsOffset}. The caller wakes the SQ thread if the flags ask for it.
     */
    public static int publishThenReadFlags(MemorySegment sqRing, long tailOffset, int tail, long flagsOffset) {
        INT.setRelease(sqRing, tailOffset, tail);
        VarHandle.fullFence();
        return (int) INT.getOpaque(sqRing, flagsOffset);
    }
}
