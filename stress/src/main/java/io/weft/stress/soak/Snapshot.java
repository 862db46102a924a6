package io.weft.stress.soak;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the soak server measures about itself at one moment ({@link ServerProbe}), sent to the
 * parent as one {@code key=value} line. The parent compares the start and end snapshots of a
 * backend's run in {@link LeakVerdict}.
 *
 * @param fds                 entries of /proc/self/fd
 * @param watchedFds          of which sockets, pipes and anonymous inodes (io_uring, eventfd,
 *                            epoll): what Weft opens; jars and the like the JVM opens by itself
 * @param nativeBytes         Weft's {@code NativeMemory.liveBytes()} minus the buffers idle in
 *                            {@code IoBuffers}' pool (kept on purpose for reuse)
 * @param nativeAllocations   the same for the number of allocations
 * @param pooledBytes         bytes idle in {@code IoBuffers}' pool (bounded by the pool: 12 MiB)
 * @param lazyNativeAllowance native memory the carriers may register on first use after the
 *                            start snapshot (the io_uring receive buffer rings), see LeakVerdict
 * @param rssKib              resident set size (informative: malloc keeps freed memory)
 * @param virtualThreads      live virtual threads of the server's Weft scheduler
 * @param platformThreads     live platform threads of the JVM (informative: the JIT and GC add
 *                            and remove their own)
 * @param heapBytes           heap used after a full GC
 * @param connections         connections whose echo thread is running
 * @param reachableSockets    accepted sockets not yet garbage-collected (after the GC)
 */
record Snapshot(long fds, long watchedFds, long nativeBytes, long nativeAllocations, long pooledBytes,
                long lazyNativeAllowance, long rssKib, long virtualThreads, long platformThreads, long heapBytes,
                long connections, long reachableSockets) {

    /** The line's form: {@code fds=... watchedFds=... ...}. */
    String line() {
        return String.format(Locale.ROOT,
                "fds=%d watchedFds=%d nativeBytes=%d nativeAllocations=%d pooledBytes=%d lazyNativeAllowance=%d"
                        + " rssKib=%d virtualThreads=%d platformThreads=%d heapBytes=%d connections=%d reachableSockets=%d",
                fds, watchedFds, nativeBytes, nativeAllocations, pooledBytes, lazyNativeAllowance, rssKib,
                virtualThreads, platformThreads, heapBytes, connections, reachableSockets);
    }

    static Snapshot parse(String line) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String kv : line.trim().split("\\s+")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                try {
                    m.put(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)));
                } catch (NumberFormatException e) {
                    // another field of the same line (a label): not ours
                }
            }
        }
        return new Snapshot(get(m, "fds"), get(m, "watchedFds"), get(m, "nativeBytes"), get(m, "nativeAllocations"),
                get(m, "pooledBytes"), get(m, "lazyNativeAllowance"), get(m, "rssKib"), get(m, "virtualThreads"),
                get(m, "platformThreads"), get(m, "heapBytes"), get(m, "connections"), get(m, "reachableSockets"));
    }

    /** For the report: the figures a reader compares between start and end ({@code afterGc}: heap label). */
    String summary(boolean afterGc) {
        return String.format(Locale.ROOT,
                "fds %d (sockets/pipes/anon %d), Weft native %s in %d allocations (+%s pooled idle), RSS %s,"
                        + " virtual threads %d, platform threads %d, heap %s %s",
                fds, watchedFds, mib(nativeBytes), nativeAllocations, mib(pooledBytes), mib(rssKib * 1024),
                virtualThreads, platformThreads, afterGc ? "after GC" : "used (no GC)", mib(heapBytes));
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private static long get(Map<String, Long> m, String key) {
        Long v = m.get(key);
        if (v == null) throw new IllegalArgumentException("snapshot without " + key);
        return v;
    }
}
