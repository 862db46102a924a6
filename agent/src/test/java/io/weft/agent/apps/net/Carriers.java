package io.weft.agent.apps.net;

import java.util.Set;
import java.util.TreeSet;

/**
 * The carriers the current scenario's threads were seen on: the part of
 * {@code Thread.currentThread().toString()} after '@' ({@code VirtualThread[#31]/runnable@weft-carrier-1}).
 */
final class Carriers {
    private static final Set<String> SEEN = new TreeSet<>();

    private Carriers() {}

    /** Notes the carrier of the calling virtual thread. */
    static void record() {
        String s = Thread.currentThread().toString();
        int at = s.lastIndexOf('@');
        String carrier = at < 0 ? "no carrier: " + s : s.substring(at + 1);
        synchronized (SEEN) {
            SEEN.add(carrier);
        }
    }

    /** The carriers seen since the last call, sorted, and forgets them. */
    static String drain() {
        synchronized (SEEN) {
            String out = String.join(" ", SEEN);
            SEEN.clear();
            return out;
        }
    }
}
