package io.weft.agent;

/**
 * The agent's counters, as MBean {@code io.weft:type=Agent}. The scheduler's per-carrier
 * numbers (queue depth, polls, completions) are on {@code io.weft:type=Scheduler,name=...}.
 */
public interface AgentMXBean {
    /** Socket and channel waits of Weft virtual threads that went through Weft's carriers. */
    long getWeftWaits();

    /** {@code Selector.select} waits of Weft virtual threads that went through Weft. */
    long getWeftSelectorWaits();

    /** Waits left to the JDK's own pollers (threads that Weft does not run). */
    long getJdkFallbacks();

    /** Closes and shutdowns that woke a thread waiting in Weft. */
    long getStopPolls();

    /** Virtual threads created through the public APIs and placed on Weft (scheduler=weft). */
    long getThreadsRouted();

    /** FileChannel reads of Weft virtual threads made on the carriers' rings (files=weft). */
    long getFileRingReads();

    /** FileChannel writes of Weft virtual threads made on the carriers' rings (files=weft). */
    long getFileRingWrites();

    /**
     * FileChannel reads of Weft virtual threads answered from the page cache by
     * {@code preadv2(RWF_NOWAIT)} on the carrier, without the ring (files=weft).
     */
    long getFileCachedReads();

    /** The options in force, as given. */
    String getOptions();

    /** Each carrier's run queue depth now, in carrier order. */
    int[] getCarrierQueueDepths();
}
