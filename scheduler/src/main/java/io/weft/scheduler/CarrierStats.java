package io.weft.scheduler;

/**
 * A snapshot of one carrier's counters.
 *
 * @param index       the carrier's number, from 0
 * @param name        its thread name
 * @param backend     its poller's backend, e.g. {@code io_uring}
 * @param tasksRun    tasks run (virtual thread continuations and timer tasks)
 * @param steals      tasks it took from other carriers' queues
 * @param polls       calls to its poller's poll
 * @param completions completions its poller handed out
 * @param wakeupsSent wake-ups other threads sent it while it slept (each one system call)
 * @param timersFired timers that fired on it
 * @param queueDepth  tasks in its run queue now
 * @param timers      timers pending on it now
 */
public record CarrierStats(int index, String name, String backend, long tasksRun, long steals, long polls,
                           long completions, long wakeupsSent, long timersFired, int queueDepth, int timers) {}
