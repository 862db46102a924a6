package io.weft.poller.uring;

import static io.weft.poller.uring.Uring.*;

/**
 * The io_uring_setup flags each kind of ring asks for, best first; {@link Ring#setup} takes
 * the first the kernel accepts (EINVAL means "not these flags": an older kernel, or a
 * combination it refuses).
 *
 * <p>Every ring: {@code CQSIZE} (the CQ is {@code weft.uring.cqRatio} times the SQ, since
 * multishot operations post many completions per submission), {@code CLAMP} (sizes above the
 * kernel's limits are lowered, not refused), {@code SUBMIT_ALL} (one bad SQE does not stop the
 * rest of the batch; it gets its own error completion).
 */
final class RingFlags {
    private RingFlags() {}

    private static final int BASE = SETUP_CQSIZE | SETUP_CLAMP | SETUP_SUBMIT_ALL;

    /**
     * The carriers' socket ring without SQPOLL (the default): {@code SINGLE_ISSUER} (one
     * carrier submits; the kernel skips its locking for it) with {@code DEFER_TASKRUN}
     * (completion work runs only inside the owner's {@code io_uring_enter(GETEVENTS)}: no
     * interrupts of the carrier, and completions are batched at its poll) and
     * {@code COOP_TASKRUN} (6.1+); else {@code COOP_TASKRUN} alone (5.19+); else none.
     */
    static int[] socketRing() {
        return new int[] {
            BASE | SETUP_SINGLE_ISSUER | SETUP_DEFER_TASKRUN | SETUP_COOP_TASKRUN,
            BASE | SETUP_COOP_TASKRUN,
            BASE,
        };
    }

    /**
     * The socket ring with SQPOLL ({@code weft.uring.sqpoll}): {@code SQPOLL} with
     * {@code SINGLE_ISSUER}, else {@code SQPOLL} alone.
     *
     * <p>Not {@code DEFER_TASKRUN} or {@code COOP_TASKRUN}: the kernel refuses both with SQPOLL
     * (EINVAL; {@code UringSqPollSetupTest} asks this kernel). Both are about when task work
     * interrupts the submitting task, and with SQPOLL the submitting task is the kernel's SQ
     * thread, which runs its own task work in its loop: there is no user task to defer to or
     * to spare an interrupt. {@code SINGLE_ISSUER} is allowed (the SQ thread is then the one
     * issuer) and saves the kernel its submission lock.
     */
    static int[] sqPollRing() {
        return new int[] {
            BASE | SETUP_SQPOLL | SETUP_SINGLE_ISSUER,
            BASE | SETUP_SQPOLL,
        };
    }

    /**
     * A polled-completion ring ({@link IoPollRing}): {@code IOPOLL} with {@code SINGLE_ISSUER},
     * else {@code IOPOLL} alone. No {@code CQSIZE} ratio: one completion per read.
     * {@code DEFER_TASKRUN} would not help: IOPOLL completions are found by the owner's own
     * polling inside {@code io_uring_enter}, not by task work.
     */
    static int[] ioPollRing() {
        return new int[] {
            SETUP_CLAMP | SETUP_SUBMIT_ALL | SETUP_IOPOLL | SETUP_SINGLE_ISSUER,
            SETUP_CLAMP | SETUP_SUBMIT_ALL | SETUP_IOPOLL,
        };
    }
}
