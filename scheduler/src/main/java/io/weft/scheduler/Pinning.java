package io.weft.scheduler;

import java.util.Set;

/**
 * Whether the calling virtual thread is <em>pinned</em>: it could not unmount if it parked now,
 * because a class initializer ({@code <clinit>}) or a native method lies between it and the
 * start of the thread.
 *
 * <h2>Why Weft must ask</h2>
 * A pinned virtual thread that parks does not unmount: the JDK parks its carrier's OS thread
 * instead ({@code VirtualThread.parkOnCarrierThread}). On a Weft carrier that thread is the only
 * one that may reap the carrier's io_uring ring or poll its poller (single issuer), so a
 * completion or readiness event that would wake the parked thread is never reaped: the carrier
 * and every virtual thread on it hang for ever. So every Weft wait asks this first, and a pinned
 * thread blocks the carrier directly instead, as a platform thread does: {@code poll(2)} on the
 * descriptor ({@link BlockingWait}), a non-blocking socket call in place of a ring operation
 * ({@link RingOperation#available()} answers false), a direct file system call.
 * ({@code synchronized} no longer pins since JDK 24, JEP 491.)
 *
 * <h2>How, and why not the JDK's own check</h2>
 * A walk of the thread's frames for a {@code <clinit>} or a native method. The JDK's
 * {@code jdk.internal.vm.Continuation.isPinned(scope)}, even with the virtual threads' own
 * scope ({@code VirtualThread.continuationScope()}), answers true on JDK 25 for every virtual
 * thread, in plain code too: its native walk checks the frames up to the continuation's entry
 * and counts the entry's own native frame ({@code Continuation.enterSpecial}); its cost grows
 * with the depth of the stack, as a walk to the bottom does (measured: docs/architecture.md,
 * "Pinned virtual threads"). The JDK never calls it itself.
 *
 * <p>The walk costs microseconds (about 1.7 µs with a shallow stack, a third of a microsecond
 * more per frame), paid before each Weft wait of a virtual thread; {@code
 * -Dweft.scheduler.pinnedCheck=false} turns it off, for code that never does Weft I/O in a class
 * initializer or under a native method. It does not see an FFM upcall (the native caller is a
 * stub, not a Java frame) nor the JDK's internal critical sections.
 */
public final class Pinning {
    /** System property: {@code false} skips the check (every thread counts as not pinned). */
    public static final String PROPERTY = "weft.scheduler.pinnedCheck";

    private static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").trim());

    private static final StackWalker WALKER = StackWalker.getInstance(Set.of());

    private Pinning() {}

    /**
     * Whether the calling thread is a virtual thread with a class initializer or a native
     * method on its stack (false on a platform thread, and when the check is turned off).
     */
    public static boolean isCurrentThreadPinned() {
        return ENABLED && Thread.currentThread().isVirtual()
                && WALKER.walk(frames -> frames.anyMatch(Pinning::pins));
    }

    /** Whether the check is on ({@link #PROPERTY}). */
    public static boolean enabled() {
        return ENABLED;
    }

    private static boolean pins(StackWalker.StackFrame f) {
        return f.isNativeMethod() || f.getMethodName().equals("<clinit>");
    }
}
