package io.weft.pooler.stats;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The counters of one pool (database, user) and its live clients.
 *
 * <p>Per-message counts live in each client's {@link ClientStats} while it is connected and are
 * folded in here when it leaves; {@link #totals} adds the live clients' counts to the folded
 * ones under {@link #lock}, which is taken only when a client comes or goes and when someone
 * reads the statistics, never per message. Totals are therefore exact and never go down. Counts
 * made once per server connection handed out (waits) or per failure are {@link LongAdder}s.
 */
public final class PoolCounters {
    public final String database;
    public final String user;

    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock: the clients connected now, and what the ones gone had counted.
    private final Set<ClientStats> clients = new HashSet<>();
    private long transactions;
    private long queries;
    private long received;
    private long sent;
    private long serverErrors;

    private final LongAdder waits = new LongAdder();
    private final LongAdder waitNanos = new LongAdder();
    private final LongAccumulator maxWaitNanos = new LongAccumulator(Math::max, 0);
    private final LongAdder connectFailures = new LongAdder();
    private final LongAdder protocolViolations = new LongAdder();

    // The sampler's: the totals at the start of the current period.
    private PoolTotals periodStart = PoolTotals.ZERO;
    private long periodStartNanos = System.nanoTime();
    private volatile Rates rates = Rates.NONE;

    public PoolCounters(String database, String user) {
        this.database = database;
        this.user = user;
    }

    void register(ClientStats c) {
        lock.lock();
        try {
            clients.add(c);
        } finally {
            lock.unlock();
        }
    }

    /** The client left: its counts join the pool's. Idempotent. */
    void unregister(ClientStats c) {
        lock.lock();
        try {
            if (!clients.remove(c)) return;
            transactions += c.transactions();
            queries += c.queries();
            received += c.bytesIn();
            sent += c.bytesOut();
            serverErrors += c.errors();
        } finally {
            lock.unlock();
        }
    }

    void waited(long nanos) {
        waits.increment();
        waitNanos.add(nanos);
        maxWaitNanos.accumulate(nanos);
    }

    /** A server connection for this pool could not be opened. */
    public void connectFailed() {
        connectFailures.increment();
    }

    void protocolViolation() {
        protocolViolations.increment();
    }

    /** Everything counted so far, the connected clients' counts included. */
    public PoolTotals totals() {
        long tx;
        long q;
        long in;
        long out;
        long err;
        lock.lock();
        try {
            tx = transactions;
            q = queries;
            in = received;
            out = sent;
            err = serverErrors;
            for (ClientStats c : clients) {
                tx += c.transactions();
                q += c.queries();
                in += c.bytesIn();
                out += c.bytesOut();
                err += c.errors();
            }
        } finally {
            lock.unlock();
        }
        return new PoolTotals(tx, q, in, out, err, waits.sum(), waitNanos.sum(), maxWaitNanos.get(),
                connectFailures.sum(), protocolViolations.sum());
    }

    /** How many clients are connected now. */
    public int clientCount() {
        lock.lock();
        try {
            return clients.size();
        } finally {
            lock.unlock();
        }
    }

    /** The clients connected now. */
    public List<ClientStats> clients() {
        lock.lock();
        try {
            return new ArrayList<>(clients);
        } finally {
            lock.unlock();
        }
    }

    /** The per-second averages over the last complete period. */
    public Rates rates() {
        return rates;
    }

    /** Ends a period (the sampler's thread): the rates become those of the period just ended. */
    void endPeriod(long nowNanos) {
        PoolTotals now = totals();
        rates = Rates.between(periodStart, now, nowNanos - periodStartNanos);
        periodStart = now;
        periodStartNanos = nowNanos;
    }
}
