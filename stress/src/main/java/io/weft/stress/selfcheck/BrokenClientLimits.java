package io.weft.stress.selfcheck;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A copy of {@code io.weft.pooler.session.ClientLimits} (admit, leave, enter and the readers;
 * no user limit) with one {@link Flaw}; {@link Flaw#NONE} is the real code.
 */
final class BrokenClientLimits {
    enum Flaw {
        NONE,
        /** {@code admit} and {@code enter} check under the lock, then count under a second hold of it. */
        CHECK_THEN_COUNT
    }

    private final Flaw flaw;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Integer> perDatabase = new HashMap<>();
    private final Map<String, Integer> perUser = new HashMap<>();
    private int total;

    BrokenClientLimits(Flaw flaw) {
        this.flaw = flaw;
    }

    boolean admit(int max) {
        lock.lock();
        try {
            if (total >= max) return false;
            if (flaw == Flaw.NONE) {
                total++;
                return true;
            }
        } finally {
            lock.unlock();
        }
        lock.lock();
        try {
            total++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    void leave() {
        lock.lock();
        try {
            total--;
        } finally {
            lock.unlock();
        }
    }

    /** True if admitted (the real one returns ADMITTED or which limit refused). */
    boolean enter(String database, String user, int maxPerDatabase) {
        lock.lock();
        try {
            if (maxPerDatabase > 0 && perDatabase.getOrDefault(database, 0) >= maxPerDatabase) return false;
            if (flaw == Flaw.NONE) {
                count(database, user);
                return true;
            }
        } finally {
            lock.unlock();
        }
        lock.lock();
        try {
            count(database, user);
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void count(String database, String user) {
        perDatabase.merge(database, 1, Integer::sum);
        perUser.merge(user, 1, Integer::sum);
    }

    int total() {
        lock.lock();
        try {
            return total;
        } finally {
            lock.unlock();
        }
    }

    int database(String database) {
        lock.lock();
        try {
            return perDatabase.getOrDefault(database, 0);
        } finally {
            lock.unlock();
        }
    }

    int user(String user) {
        lock.lock();
        try {
            return perUser.getOrDefault(user, 0);
        } finally {
            lock.unlock();
        }
    }
}
