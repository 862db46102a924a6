package io.weft.scheduler;

import io.weft.poller.ConfigProperties;
import io.weft.poller.PollerConfig;
import java.util.Properties;

/**
 * How a {@link WeftScheduler} is built, from system properties (documented in
 * docs/configuration.md). A bad value fails with a message that names the property.
 *
 * @param carriers          {@code weft.carriers}: carrier threads (default: available processors)
 * @param runQueueCapacity  {@code weft.scheduler.runQueue}: each carrier's run queue slots, a
 *                          power of two; more spill to a shared overflow queue
 * @param reapInterval      {@code weft.scheduler.reapInterval}: a busy carrier reaps I/O
 *                          completions and fires timers after at most this many tasks
 * @param shutdownGraceMillis {@code weft.scheduler.graceMillis}: how long {@code close()}
 *                          lets threads finish before it cancels their I/O waits
 * @param pinnedWatchMillis {@code weft.scheduler.pinnedWatchMillis}: how often the
 *                          {@link PinnedWatch} looks for a carrier parked by a pinned virtual
 *                          thread's wait (0: never; such a wait then hangs its carrier)
 * @param poller            the poller configuration ({@code weft.backend}, ...)
 */
public record SchedulerConfig(int carriers, int runQueueCapacity, int reapInterval, long shutdownGraceMillis,
                              long pinnedWatchMillis, PollerConfig poller) {
    /** {@code weft.scheduler.pinnedWatchMillis}'s default. */
    public static final long DEFAULT_PINNED_WATCH_MILLIS = 10;

    public SchedulerConfig {
        if (carriers < 1 || carriers > 1024) {
            throw new IllegalArgumentException("weft.carriers=" + carriers + ": must be from 1 to 1024");
        }
        if (runQueueCapacity < 2 || runQueueCapacity > (1 << 20) || Integer.bitCount(runQueueCapacity) != 1) {
            throw new IllegalArgumentException("weft.scheduler.runQueue=" + runQueueCapacity
                    + ": must be a power of two from 2 to 1048576");
        }
        if (reapInterval < 1) {
            throw new IllegalArgumentException("weft.scheduler.reapInterval=" + reapInterval + ": must be at least 1");
        }
        if (shutdownGraceMillis < 0) {
            throw new IllegalArgumentException("weft.scheduler.graceMillis=" + shutdownGraceMillis + ": must not be negative");
        }
        if (pinnedWatchMillis < 0 || pinnedWatchMillis > 60_000) {
            throw new IllegalArgumentException("weft.scheduler.pinnedWatchMillis=" + pinnedWatchMillis
                    + ": must be from 0 (off) to 60000");
        }
        if (poller == null) {
            throw new IllegalArgumentException("poller configuration missing");
        }
    }

    /** With the default {@code pinnedWatchMillis}. */
    public SchedulerConfig(int carriers, int runQueueCapacity, int reapInterval, long shutdownGraceMillis,
                           PollerConfig poller) {
        this(carriers, runQueueCapacity, reapInterval, shutdownGraceMillis, DEFAULT_PINNED_WATCH_MILLIS, poller);
    }

    /** The configuration the system properties give. */
    public static SchedulerConfig fromSystemProperties() {
        return from(System.getProperties());
    }

    public static SchedulerConfig from(Properties props) {
        return new SchedulerConfig(
                ConfigProperties.intValue(props, "weft.carriers", Runtime.getRuntime().availableProcessors()),
                ConfigProperties.intValue(props, "weft.scheduler.runQueue", 65536),
                ConfigProperties.intValue(props, "weft.scheduler.reapInterval", 32),
                ConfigProperties.intValue(props, "weft.scheduler.graceMillis", 5000),
                ConfigProperties.intValue(props, "weft.scheduler.pinnedWatchMillis", (int) DEFAULT_PINNED_WATCH_MILLIS),
                PollerConfig.from(props));
    }

    public SchedulerConfig withCarriers(int n) {
        return new SchedulerConfig(n, runQueueCapacity, reapInterval, shutdownGraceMillis, pinnedWatchMillis, poller);
    }

    public SchedulerConfig withPoller(PollerConfig p) {
        return new SchedulerConfig(carriers, runQueueCapacity, reapInterval, shutdownGraceMillis, pinnedWatchMillis, p);
    }

    public SchedulerConfig withShutdownGraceMillis(long millis) {
        return new SchedulerConfig(carriers, runQueueCapacity, reapInterval, millis, pinnedWatchMillis, poller);
    }

    public SchedulerConfig withPinnedWatchMillis(long millis) {
        return new SchedulerConfig(carriers, runQueueCapacity, reapInterval, shutdownGraceMillis, millis, poller);
    }
}
