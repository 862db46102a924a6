package io.weft.stress.soak;

import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The load client's counters (cumulative) and the problems it found. */
final class ClientStats {
    final LongAdder opened = new LongAdder();
    final LongAdder ipv6 = new LongAdder();
    final LongAdder closed = new LongAdder();
    final LongAdder halfClosed = new LongAdder();
    final LongAdder resets = new LongAdder();
    final LongAdder stalls = new LongAdder();
    /** Stalls during which the client's own writer was blocked: the pipe, server included, was full. */
    final LongAdder stallsBlocked = new LongAdder();
    final LongAdder bytesSent = new LongAdder();
    final LongAdder bytesVerified = new LongAdder();
    final AtomicLong problemCount = new AtomicLong();
    /**
     * How late the client's heartbeat (a virtual thread sleeping 100 ms at a time) woke up, in
     * all: time the client JVM was not running its own virtual threads (CPU starvation on a
     * loaded machine, GC). The stuck check does not count it against the server.
     */
    final AtomicLong lagNanos = new AtomicLong();
    final AtomicLong maxLagNanos = new AtomicLong();
    private final Queue<String> problems = new ConcurrentLinkedQueue<>();
    static final int KEEP = 20;

    /** A failure of the soak: kept (the first {@link #KEEP}) and counted. */
    void problem(String what) {
        if (problemCount.incrementAndGet() <= KEEP) problems.add(what.replace('\n', ' '));
    }

    Iterable<String> problems() {
        return problems;
    }

    /** {@code key=value ...}, cumulative; {@link Soak} turns two of them into rates. */
    String line(int active) {
        return String.format(Locale.ROOT,
                "active=%d opened=%d ipv6=%d closed=%d halfClosed=%d resets=%d stalls=%d stallsBlocked=%d"
                        + " sent=%d verified=%d problems=%d lagMillis=%d maxLagMillis=%d",
                active, opened.sum(), ipv6.sum(), closed.sum(), halfClosed.sum(), resets.sum(), stalls.sum(),
                stallsBlocked.sum(), bytesSent.sum(), bytesVerified.sum(), problemCount.get(), lagNanos.get() / 1_000_000,
                maxLagNanos.get() / 1_000_000);
    }
}
