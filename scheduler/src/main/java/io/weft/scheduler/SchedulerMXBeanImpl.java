package io.weft.scheduler;

import java.util.List;
import java.util.function.ToLongFunction;

/** The JMX view of one scheduler: each attribute reads a fresh {@link WeftScheduler#stats()}. */
final class SchedulerMXBeanImpl implements WeftSchedulerMXBean {
    private final WeftScheduler scheduler;

    SchedulerMXBeanImpl(WeftScheduler scheduler) {
        this.scheduler = scheduler;
    }

    private long[] each(ToLongFunction<CarrierStats> f) {
        List<CarrierStats> stats = scheduler.stats();
        long[] values = new long[stats.size()];
        for (int i = 0; i < values.length; i++) values[i] = f.applyAsLong(stats.get(i));
        return values;
    }

    @Override public String getBackend() { return scheduler.pollerBackend().configName(); }
    @Override public int getCarrierCount() { return scheduler.config().carriers(); }
    @Override public long getLiveThreads() { return scheduler.liveThreads(); }
    @Override public long[] getTasksRun() { return each(CarrierStats::tasksRun); }
    @Override public long[] getSteals() { return each(CarrierStats::steals); }
    @Override public long[] getPolls() { return each(CarrierStats::polls); }
    @Override public long[] getCompletions() { return each(CarrierStats::completions); }
    @Override public long[] getWakeupsSent() { return each(CarrierStats::wakeupsSent); }
    @Override public long[] getTimersFired() { return each(CarrierStats::timersFired); }

    @Override
    public int[] getQueueDepths() {
        List<CarrierStats> stats = scheduler.stats();
        int[] values = new int[stats.size()];
        for (int i = 0; i < values.length; i++) values[i] = stats.get(i).queueDepth();
        return values;
    }
}
