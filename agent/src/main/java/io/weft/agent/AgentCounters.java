package io.weft.agent;

import java.util.concurrent.atomic.LongAdder;

/** What the agent routed, counted process-wide (read through {@link AgentMXBean}). */
final class AgentCounters {
    /** Socket and channel waits of Weft virtual threads, taken by Weft. */
    static final LongAdder WAITS = new LongAdder();
    /** Selector waits of Weft virtual threads, taken by Weft. */
    static final LongAdder SELECTOR_WAITS = new LongAdder();
    /** Waits left to the JDK's pollers: threads Weft does not run. */
    static final LongAdder FALLBACKS = new LongAdder();
    /** Closes and shutdowns that woke a thread waiting in Weft. */
    static final LongAdder STOPS = new LongAdder();
    /** Virtual threads made through the public APIs that were put on Weft's carriers. */
    static final LongAdder THREADS_ROUTED = new LongAdder();

    /** FileChannel reads of Weft virtual threads made as io_uring operations (files=weft). */
    static final LongAdder FILE_READS = new LongAdder();
    /** FileChannel writes of Weft virtual threads made as io_uring operations (files=weft). */
    static final LongAdder FILE_WRITES = new LongAdder();
    /** FileChannel reads of Weft virtual threads answered from the page cache without the ring (files=weft). */
    static final LongAdder FILE_CACHED_READS = new LongAdder();


    private AgentCounters() {}
}
