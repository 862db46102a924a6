package io.weft.agent;

import io.weft.scheduler.CarrierStats;
import io.weft.scheduler.WeftScheduler;

final class AgentMXBeanImpl implements AgentMXBean {
    private final WeftScheduler scheduler;
    private final String options;

    AgentMXBeanImpl(WeftScheduler scheduler, String options) {
        this.scheduler = scheduler;
        this.options = options;
    }

    @Override
    public long getWeftWaits() {
        return AgentCounters.WAITS.sum();
    }

    @Override
    public long getWeftSelectorWaits() {
        return AgentCounters.SELECTOR_WAITS.sum();
    }

    @Override
    public long getJdkFallbacks() {
        return AgentCounters.FALLBACKS.sum();
    }

    @Override
    public long getStopPolls() {
        return AgentCounters.STOPS.sum();
    }

    @Override
    public long getThreadsRouted() {
        return AgentCounters.THREADS_ROUTED.sum();
    }

    @Override
    public long getFileRingReads() {
        return AgentCounters.FILE_READS.sum();
    }

    @Override
    public long getFileRingWrites() {
        return AgentCounters.FILE_WRITES.sum();
    }

    @Override
    public long getFileCachedReads() {
        return AgentCounters.FILE_CACHED_READS.sum();
    }

    @Override
    public String getOptions() {
        return options;
    }

    @Override
    public int[] getCarrierQueueDepths() {
        return scheduler.stats().stream().mapToInt(CarrierStats::queueDepth).toArray();
    }
}
