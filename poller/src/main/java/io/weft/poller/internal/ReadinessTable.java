package io.weft.poller.internal;

import io.weft.poller.Events;
import io.weft.poller.Poller;
import java.util.Arrays;

/**
 * The armed readiness waits of one poller: per (descriptor, direction) the caller's token and
 * a generation. Indexed by descriptor, so the hot path is two array accesses and allocates
 * nothing; descriptors are small dense integers, so the arrays stay small.
 *
 * <p>The generation changes every time a wait is removed, so a backend that learns about a
 * wait asynchronously (io_uring) can tell a completion of the current wait from a stale one of
 * a wait that was disarmed meanwhile.
 *
 * <p>Owner thread only.
 */
public final class ReadinessTable {
    /** Generations wrap within this mask, so they fit the bits a backend packs them into. */
    public static final int GENERATION_MASK = (1 << 29) - 1;

    private long[] tokens = new long[256];
    private int[] generations = new int[256];
    private int armed;

    public ReadinessTable() {
        Arrays.fill(tokens, Poller.NO_TOKEN);
    }

    /** The table index of ({@code fd}, {@code event}): read waits even, write waits odd. */
    public static int slot(int fd, int event) {
        if (fd < 0) {
            throw new IllegalArgumentException("bad file descriptor: " + fd);
        }
        if (event == Events.IN) {
            return fd << 1;
        }
        if (event == Events.OUT) {
            return (fd << 1) | 1;
        }
        throw new IllegalArgumentException(
                "a readiness wait is for Events.IN or Events.OUT, not 0x" + Integer.toHexString(event));
    }

    public static int fdOf(int slot) {
        return slot >>> 1;
    }

    public static int eventOf(int slot) {
        return (slot & 1) == 0 ? Events.IN : Events.OUT;
    }

    /** Records {@code token} at {@code slot}; fails if a wait is already armed there. */
    public void put(int slot, long token) {
        if (token < 0) {
            throw new IllegalArgumentException("tokens must not be negative: " + token);
        }
        if (slot >= tokens.length) {
            grow(slot);
        }
        if (tokens[slot] != Poller.NO_TOKEN) {
            throw new IllegalStateException("a " + (eventOf(slot) == Events.IN ? "read" : "write")
                    + " wait is already armed on fd " + fdOf(slot));
        }
        tokens[slot] = token;
        armed++;
    }

    /** The token armed at {@code slot}, or {@link Poller#NO_TOKEN}. */
    public long token(int slot) {
        return slot < tokens.length ? tokens[slot] : Poller.NO_TOKEN;
    }

    /** The current generation of {@code slot}. */
    public int generation(int slot) {
        return slot < generations.length ? generations[slot] : 0;
    }

    /** Removes the wait at {@code slot}; returns its token or {@link Poller#NO_TOKEN}. */
    public long remove(int slot) {
        if (slot >= tokens.length) {
            return Poller.NO_TOKEN;
        }
        long token = tokens[slot];
        if (token != Poller.NO_TOKEN) {
            tokens[slot] = Poller.NO_TOKEN;
            generations[slot] = (generations[slot] + 1) & GENERATION_MASK;
            armed--;
        }
        return token;
    }

    /** How many waits are armed. */
    public int armed() {
        return armed;
    }

    /** Calls {@code action} with the slot of every armed wait (it may remove that slot). */
    public void forEachArmed(SlotAction action) {
        for (int slot = 0; slot < tokens.length && armed > 0; slot++) {
            if (tokens[slot] != Poller.NO_TOKEN) {
                action.apply(slot);
            }
        }
    }

    @FunctionalInterface
    public interface SlotAction {
        void apply(int slot);
    }

    private void grow(int slot) {
        int size = Math.max(slot + 1, tokens.length * 2);
        int old = tokens.length;
        tokens = Arrays.copyOf(tokens, size);
        Arrays.fill(tokens, old, size, Poller.NO_TOKEN);
        generations = Arrays.copyOf(generations, size);
    }
}
