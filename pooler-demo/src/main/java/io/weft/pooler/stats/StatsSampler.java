package io.weft.pooler.stats;

import java.util.Collection;
import java.util.function.Supplier;

/**
 * Ends a statistics period every {@code stats_period}: each pool's rates become the averages
 * of the period just ended (what SHOW STATS' avg_* columns show). One daemon platform thread
 * that sleeps; not one of the pooler's counted threads, and stopped by {@link #close}.
 */
public final class StatsSampler implements AutoCloseable {
    private final Supplier<Collection<PoolCounters>> pools;
    private final long periodMillis;
    private final Thread thread;

    public StatsSampler(Supplier<Collection<PoolCounters>> pools, long periodMillis) {
        if (periodMillis <= 0) throw new IllegalArgumentException("stats period must be positive, got " + periodMillis);
        this.pools = pools;
        this.periodMillis = periodMillis;
        this.thread = Thread.ofPlatform().daemon().name("weft-pooler-stats").unstarted(this::run);
        thread.start();
    }

    private void run() {
        long next = System.nanoTime() + periodMillis * 1_000_000;
        for (;;) {
            try {
                long left = next - System.nanoTime();
                if (left > 0) Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (PoolCounters p : pools.get()) p.endPeriod(now);
            next += periodMillis * 1_000_000;
            if (next < now) next = now + periodMillis * 1_000_000; // a long stall: no burst of catch-ups
        }
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
