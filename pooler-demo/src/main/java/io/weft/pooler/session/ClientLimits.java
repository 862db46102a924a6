package io.weft.pooler.session;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The client counts behind max_connections, max_db_connections and max_user_connections. A
 * client is counted in the pooler when it connects ({@link #admit}) and in its database and
 * user once authenticated ({@link #enter}), as PostgreSQL counts; each successful call must be
 * matched by exactly one {@link #leave} or {@link #exit}.
 *
 * <p>One lock guards all three counts, so a check-and-count is atomic across them: two clients
 * never both take the last slot, and a refusal never leaves a count raised behind it. The lock
 * is held for a few map operations and never across I/O, so virtual threads do not pile up on it.
 * A database or user whose count falls to 0 leaves the maps, so they stay as small as the set of
 * names connected now.
 */
public final class ClientLimits {
    /** What {@link #enter} decided. */
    public enum Verdict {
        ADMITTED,
        TOO_MANY_FOR_DATABASE,
        TOO_MANY_FOR_USER
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Integer> perDatabase = new HashMap<>();
    private final Map<String, Integer> perUser = new HashMap<>();
    private int total;

    /** Counts a client in unless {@code max} are in already (max_connections). */
    public boolean admit(int max) {
        lock.lock();
        try {
            if (total >= max) return false;
            total++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Undoes one successful {@link #admit}. */
    public void leave() {
        lock.lock();
        try {
            if (total == 0) throw new IllegalStateException("leave() without admit()");
            total--;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Counts a client in its database and user unless either is at its limit (0: no limit);
     * counts nothing when it refuses. The database limit is checked first, as in PostgreSQL.
     */
    public Verdict enter(String database, String user, int maxPerDatabase, int maxPerUser) {
        lock.lock();
        try {
            if (maxPerDatabase > 0 && perDatabase.getOrDefault(database, 0) >= maxPerDatabase) {
                return Verdict.TOO_MANY_FOR_DATABASE;
            }
            if (maxPerUser > 0 && perUser.getOrDefault(user, 0) >= maxPerUser) {
                return Verdict.TOO_MANY_FOR_USER;
            }
            perDatabase.merge(database, 1, Integer::sum);
            perUser.merge(user, 1, Integer::sum);
            return Verdict.ADMITTED;
        } finally {
            lock.unlock();
        }
    }

    /** Undoes one {@link #enter} that returned {@link Verdict#ADMITTED}. */
    public void exit(String database, String user) {
        lock.lock();
        try {
            decrement(perDatabase, database);
            decrement(perUser, user);
        } finally {
            lock.unlock();
        }
    }

    /** Clients counted in the pooler now. */
    public int total() {
        lock.lock();
        try {
            return total;
        } finally {
            lock.unlock();
        }
    }

    /** Authenticated clients of {@code database} now. */
    public int database(String database) {
        lock.lock();
        try {
            return perDatabase.getOrDefault(database, 0);
        } finally {
            lock.unlock();
        }
    }

    /** Authenticated clients of {@code user} now. */
    public int user(String user) {
        lock.lock();
        try {
            return perUser.getOrDefault(user, 0);
        } finally {
            lock.unlock();
        }
    }

    private static void decrement(Map<String, Integer> counts, String key) {
        Integer n = counts.get(key);
        if (n == null) throw new IllegalStateException("exit() without enter() for " + key);
        if (n == 1) {
            counts.remove(key);
        } else {
            counts.put(key, n - 1);
        }
    }
}
