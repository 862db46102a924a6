package io.weft.agent.apps.net;

import java.util.concurrent.TimeUnit;

/** Outcomes as text that any correct implementation prints alike (no ports, no timings beyond a bound). */
final class Outcome {
    private Outcome() {}

    /** {@code SimpleName: message} of an exception (or just the name when it has no message). */
    static String of(Throwable t) {
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    /** "after >= N ms" when at least {@code millis} passed since {@code startNanos}, else how early it was. */
    static String atLeast(long startNanos, long millis) {
        long took = System.nanoTime() - startNanos;
        return took >= TimeUnit.MILLISECONDS.toNanos(millis)
                ? "after >= " + millis + " ms"
                : "EARLY after " + TimeUnit.NANOSECONDS.toMicros(took) + " us of " + millis + " ms";
    }
}
