package io.weft.pooler.stats;

/**
 * Per-second averages over the last complete {@code stats_period} (PgBouncer's avg_* columns).
 *
 * @param periodMillis      the length of the period they are over (0: no period has ended yet)
 * @param transactions      transactions per second
 * @param queries           queries per second
 * @param received          bytes per second received from clients
 * @param sent              bytes per second sent to clients
 * @param errors            errors per second
 * @param waitMicros        average wait for a server connection in the period, microseconds
 */
public record Rates(long periodMillis, double transactions, double queries, double received, double sent,
                   double errors, double waitMicros) {
    public static final Rates NONE = new Rates(0, 0, 0, 0, 0, 0, 0);

    /** The rates between two samples {@code nanos} apart. */
    static Rates between(PoolTotals before, PoolTotals after, long nanos) {
        if (nanos <= 0) return NONE;
        double seconds = nanos / 1e9;
        long waits = after.waits() - before.waits();
        return new Rates(nanos / 1_000_000,
                (after.transactions() - before.transactions()) / seconds,
                (after.queries() - before.queries()) / seconds,
                (after.received() - before.received()) / seconds,
                (after.sent() - before.sent()) / seconds,
                (after.errors() - before.errors()) / seconds,
                waits == 0 ? 0 : (after.waitNanos() - before.waitNanos()) / 1e3 / waits);
    }
}
