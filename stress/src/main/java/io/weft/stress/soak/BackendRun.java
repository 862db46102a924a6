package io.weft.stress.soak;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How one backend's soak went.
 *
 * @param server       what the server said it runs (backend, mode, carriers, faults)
 * @param start        the server before the first client connected
 * @param loaded       the server under load (no GC), half-way through
 * @param end          the server after every client left, after a full GC
 * @param client       the client's final counters
 * @param serverStats  the server's final counters
 * @param meanRate     verified echo bytes per second over the load
 * @param minRate      the lowest interval's rate (after the ramp), to show the load did not sag
 * @param problems     why it failed (empty: passed)
 */
record BackendRun(SoakBackend backend, boolean skipped, String server, Snapshot start, Snapshot loaded, Snapshot end,
                  Map<String, Long> client, Map<String, Long> serverStats, double meanRate, double minRate,
                  long millis, List<String> problems) {

    boolean passed() {
        return !skipped && problems.isEmpty();
    }

    String verdict() {
        return skipped ? "SKIPPED" : problems.isEmpty() ? "PASSED" : "FAILED";
    }

    long c(String key) {
        return client == null ? 0 : client.getOrDefault(key, 0L);
    }

    /** One line for the summary table. */
    String summaryLine() {
        if (skipped) return String.format(Locale.ROOT, "  %-19s SKIPPED: %s", backend.key, String.join("; ", problems));
        return String.format(Locale.ROOT,
                "  %-19s %-6s %6.1f MB/s mean (%5.1f lowest interval) %8d connections (%d resets, %d half-closes, %d stalls)"
                        + "  fds %d->%d  native %s->%s  vthreads %d->%d  heap %s->%s",
                backend.key, verdict(), meanRate / 1e6, minRate / 1e6, c("opened"), c("resets"), c("halfClosed"), c("stalls"),
                start == null ? -1 : start.fds(), end == null ? -1 : end.fds(),
                start == null ? "?" : Snapshot.mib(start.nativeBytes()), end == null ? "?" : Snapshot.mib(end.nativeBytes()),
                start == null ? -1 : start.virtualThreads(), end == null ? -1 : end.virtualThreads(),
                start == null ? "?" : Snapshot.mib(start.heapBytes()), end == null ? "?" : Snapshot.mib(end.heapBytes()));
    }
}
