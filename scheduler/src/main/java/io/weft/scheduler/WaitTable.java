package io.weft.scheduler;

import java.util.Arrays;

/**
 * A carrier's completions in waiting, indexed by poller token. A token is a slot index in its
 * low 32 bits and the slot's generation in the high bits: freed slots are reused (a stack of
 * free indexes), so the table grows only with how many are pending at once, and the
 * generation makes a token that outlived its entry (a late cancel, a stale disarm) miss
 * instead of reaching the slot's next occupant.
 *
 * <p>Owner carrier only (its loop, or a virtual thread mounted on it).
 */
final class WaitTable {
    /** Never a live token: for operations whose completion nobody waits for (link timeouts). */
    static final long NO_ENTRY = Long.MAX_VALUE;

    private static final int GENERATION_MASK = 0x7fff_fffe; // 31 bits, never all ones (NO_ENTRY)

    private Completable[] entries = new Completable[256];
    private int[] generations = new int[256];
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
                generations = Arrays.copyOf(generations, used * 2);
                free = Arrays.copyOf(free, used * 2);
            }
            slot = used++;
        }
        entries[slot] = c;
        int generation = (generations[slot] + 2) & GENERATION_MASK;
        generations[slot] = generation;
        size++;
        return ((long) generation << 32) | slot;
    }

    /** The entry at {@code token}, or null if it was removed (or the token is stale). */
    Completable get(long token) {
        if (token < 0) {
            return null;
        }
        long slot = token & 0xffff_ffffL;
        if (slot >= used) {
            return null;
        }
        int s = (int) slot;
        return generations[s] == (int) (token >>> 32) ? entries[s] : null;
    }

    /** Removes and returns the entry at {@code token}, or null if it was already removed. */
    Completable remove(long token) {
        Completable c = get(token);
        if (c != null) {
            int s = (int) (token & 0xffff_ffffL);
            entries[s] = null;
            free[freeCount++] = s;
            size--;
        }
        return c;
    }

    /** How many entries are waiting. */
    int size() {
        return size;
    }
}
