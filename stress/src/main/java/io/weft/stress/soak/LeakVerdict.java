package io.weft.stress.soak;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether a backend's run left something behind in the server, comparing its snapshot before
 * the first client connected with the one after the last connection ended and a full GC ran.
 * By then every connection the server served (tens of thousands in a full run: the clients
 * reconnect) is gone, so a leak of one descriptor, thread or buffer per connection would show
 * as thousands; the tolerances below only cover what the server keeps on purpose.
 */
final class LeakVerdict {
    /**
     * Heap growth allowed between start and end, after a full GC each time. What legitimately
     * stays: hash tables grown to the peak connection count and never shrunk (the scheduler's
     * live-thread set, the server's connection set), JIT-era class data, pools. A leak of one
     * small object graph per connection (a socket with its streams is a few hundred bytes)
     * is caught precisely by {@link Snapshot#reachableSockets()} instead.
     */
    static final long HEAP_TOLERANCE = 64L << 20;
    /**
     * Native memory growth allowed besides {@link Snapshot#lazyNativeAllowance()}: none. Weft
     * counts every byte it allocates ({@code NativeMemory}), and buffers idle in the pool are
     * already subtracted, so after the last connection the count is back to the start's, plus
     * the receive buffer rings a carrier registers on its first completion-mode read.
     */
    static final long NATIVE_TOLERANCE = 0;

    private LeakVerdict() {}

    /** The leaks, in words naming what leaked; empty if none. */
    static List<String> problems(Snapshot start, Snapshot end) {
        List<String> p = new ArrayList<>();
        if (end.connections() != 0) {
            p.add("stuck server threads: " + end.connections() + " connections still being served after every client left");
        }
        if (end.watchedFds() != start.watchedFds()) {
            p.add("descriptor leak: " + start.watchedFds() + " sockets/pipes/anonymous inodes at start, "
                    + end.watchedFds() + " at the end (" + signed(end.watchedFds() - start.watchedFds()) + ")");
        }
        if (end.virtualThreads() != start.virtualThreads()) {
            p.add("virtual thread leak: " + start.virtualThreads() + " live at start (the acceptors), "
                    + end.virtualThreads() + " at the end");
        }
        if (end.reachableSockets() != 0) {
            p.add("heap leak: " + end.reachableSockets() + " accepted sockets still reachable after a full GC");
        }
        long nativeGrowth = end.nativeBytes() - start.nativeBytes();
        long nativeAllowed = start.lazyNativeAllowance() + NATIVE_TOLERANCE;
        if (nativeGrowth > nativeAllowed) {
            p.add("native memory leak: " + Snapshot.mib(start.nativeBytes()) + " at start, " + Snapshot.mib(end.nativeBytes())
                    + " at the end (" + signed(nativeGrowth) + " bytes; allowed " + nativeAllowed
                    + " for receive buffer rings registered lazily), not counting buffers idle in the pool");
        }
        if (end.heapBytes() - start.heapBytes() > HEAP_TOLERANCE) {
            p.add("heap growth: " + Snapshot.mib(start.heapBytes()) + " after GC at start, " + Snapshot.mib(end.heapBytes())
                    + " at the end (more than " + Snapshot.mib(HEAP_TOLERANCE) + " allowed)");
        }
        return p;
    }

    private static String signed(long v) {
        return v >= 0 ? "+" + v : Long.toString(v);
    }
}
