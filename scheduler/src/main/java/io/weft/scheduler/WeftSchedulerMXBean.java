package io.weft.scheduler;

/**
 * A {@link WeftScheduler}'s counters over JMX, registered as
 * {@code io.weft:type=Scheduler,name=<name>}. Arrays hold one entry per carrier.
 */
public interface WeftSchedulerMXBean {
    String getBackend();

    int getCarrierCount();

    long getLiveThreads();

    long[] getTasksRun();

    long[] getSteals();

    long[] getPolls();

    long[] getCompletions();

    long[] getWakeupsSent();

    long[] getTimersFired();

    int[] getQueueDepths();
}
