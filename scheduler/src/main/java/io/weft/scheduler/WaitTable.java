package io.weft.scheduler;

import java.util.Arrays;

/**
 * A carrier's completions in waiting, indexed by poller token: token {@code i} is slot
 * {@code i}. Freed slots are reused (a stack of free indexes), so tokens stay small and the
 * table does not grow with the number of waits over time, only with how many are pending at
 * once.
 *
 * <p>Owner carrier only (its loop, or a virtual thread mounted on it).
 */
final class WaitTable {
    private Completable[] entries = new Completable[256];
    private int[] free = new int[256];
    private int freeCount;
    private int used; // slots [0, used) have been handed out at least once
    private int size;

    /** Stores {@code c} and returns its token. */
    long add(Completable c) {
        int slot;
        if (freeCount > 0) {
            slot = free[--freeCount];
        } else {
            if (used == entries.length) {
                entries = Arrays.copyOf(entries, used * 2);
                free = Arrays.copyOf(free, used * 2);
            }
            slot = used++;
        }
        entries[slot] = c;
        size++;
        return slot;
    }

    /** The entry at {@code token}, or null. */
    Completable get(long token) {
        return token >= 0 && token < used ? entries[(int) token] : null;
    }

    /** Removes and returns the entry at {@code token}, or null if the slot is free. */
    Completable remove(long token) {
        Completable c = get(token);
        if (c != null) {
            entries[(int) token] = null;
            free[freeCount++] = (int) token;
            size--;
        }
        return c;
    }

    /** How many entries are waiting. */
    int size() {
        return size;
    }
}
