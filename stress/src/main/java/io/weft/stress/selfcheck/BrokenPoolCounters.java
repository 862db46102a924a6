package io.weft.stress.selfcheck;

import io.weft.pooler.stats.ClientStats;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A copy of {@code io.weft.pooler.stats.PoolCounters}' {@code register}, {@code unregister} and
 * {@code totals()} (the query count only), with one {@link Flaw}; {@link Flaw#NONE} is the real
 * code. Its clients are real {@link ClientStats}, made with no pool (see {@link #newClient}).
 */
final class BrokenPoolCounters {
    enum Flaw {
        NONE,
        /** {@code unregister} folds the client's counts in under the lock, then removes it under a second hold. */
        FOLD_THEN_REMOVE
    }

    private final Flaw flaw;
    private final ReentrantLock lock = new ReentrantLock();
    private final Set<ClientStats> clients = new HashSet<>();
    private long queries;

    BrokenPoolCounters(Flaw flaw) {
        this.flaw = flaw;
    }

    /** A client's counters: {@code PoolerStats.register} with no pool (its constructor is package-private). */
    static ClientStats newClient() {
        return new io.weft.pooler.stats.PoolerStats().register(null, "alice", "db", null, null, null);
    }

    void register(ClientStats c) {
        lock.lock();
        try {
            clients.add(c);
        } finally {
            lock.unlock();
        }
    }

    void unregister(ClientStats c) {
        lock.lock();
        try {
            if (flaw == Flaw.FOLD_THEN_REMOVE) {
                if (!clients.contains(c)) return;
                queries += c.queries();
            } else {
                if (!clients.remove(c)) return;
                queries += c.queries();
                return;
            }
        } finally {
            lock.unlock();
        }
        lock.lock();
        try {
            clients.remove(c);
        } finally {
            lock.unlock();
        }
    }

    long totalQueries() {
        lock.lock();
        try {
            long q = queries;
            for (ClientStats c : clients) q += c.queries();
            return q;
        } finally {
            lock.unlock();
        }
    }
}
