package io.weft.agent;

import java.util.Set;

/**
 * Whether the calling virtual thread could not unmount if it parked now: inside a class
 * initializer, or above a native method (JNI code that called back into Java). There the JDK
 * parks the carrier thread itself instead. A Weft carrier parked that way never reaps the
 * completion that would wake it, so a ring operation there would hang the carrier forever;
 * {@link FileDispatch} leaves such calls to the JDK's blocking system call, which is what
 * happens without the agent.
 *
 * <p>Found by walking the thread's own frames ({@code <clinit>}, native methods). The JDK's
 * {@code Continuation.isPinned} would be the direct question, but on JDK 25 it answers true
 * for every caller outside the JDK's own yield path (tried: plain code, synchronized, class
 * initializer: all true), so it cannot be used. Not seen by the walk: a Java upcall from
 * native code through the FFM API (its native caller is a stub, not a Java frame) and the
 * JDK's internal critical sections; see docs/agent.md.
 */
final class PinnedCheck {
    private static final StackWalker WALKER = StackWalker.getInstance(Set.of());

    private PinnedCheck() {}

    static boolean pinned() {
        return WALKER.walk(frames -> frames.anyMatch(f -> f.isNativeMethod() || f.getMethodName().equals("<clinit>")));
    }
}
