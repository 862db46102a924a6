package io.weft.stress.selfcheck;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A copy of {@code io.weft.scheduler.RunQueue} (same API, same code) with one deliberate
 * {@link Flaw}, for the self-check tests: jcstress must flag each flaw with a forbidden outcome
 * of the same test body that passes on the real class. Never use outside
 * {@code io.weft.stress.selfcheck}.
 *
 * <p>One more difference: the retry loops give up after {@link #MAX_TURNS} turns ({@code offer}
 * says full, {@code poll} empty). The PLAIN flaws can move a position backwards, after which the
 * real loops would spin forever on a cell of a later lap; bounded, the test sees a lost or
 * doubled task instead of hanging its fork.
 */
public final class BrokenRunQueue {
    /** The bug this copy has. */
    public enum Flaw {
        /** None: the real code, for self-checks whose bug is elsewhere. */
        NONE,
        /** {@link #offer} claims its position with a read and a separate write of enqueuePos, not a CAS. */
        PLAIN_CLAIM,
        /** {@link #poll} claims its position with a read and a separate write of dequeuePos, not a CAS. */
        PLAIN_TAKE,
        /** {@link #offer} returns false ("full") when its CAS loses to another producer, instead of retrying. */
        GIVE_UP_ON_CONTENTION,
    }

    /** Turns of a retry loop before it gives up (the real queue retries until it succeeds). */
    static final int MAX_TURNS = 10_000;

    private static final VarHandle SEQUENCE = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle TASK = MethodHandles.arrayElementVarHandle(Runnable[].class);
    private static final VarHandle ENQUEUE;
    private static final VarHandle DEQUEUE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            ENQUEUE = l.findVarHandle(BrokenRunQueue.class, "enqueuePos", long.class);
            DEQUEUE = l.findVarHandle(BrokenRunQueue.class, "dequeuePos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Flaw flaw;
    private final int mask;
    private final long[] sequences;
    private final Runnable[] tasks;

    @SuppressWarnings("unused") private long p01, p02, p03, p04, p05, p06, p07;
    private volatile long enqueuePos;
    @SuppressWarnings("unused") private long p11, p12, p13, p14, p15, p16, p17;
    private volatile long dequeuePos;
    @SuppressWarnings("unused") private long p21, p22, p23, p24, p25, p26, p27;

    public BrokenRunQueue(Flaw flaw, int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two, at least 2: " + capacity);
        }
        this.flaw = flaw;
        mask = capacity - 1;
        sequences = new long[capacity];
        tasks = new Runnable[capacity];
        for (int i = 0; i < capacity; i++) {
            sequences[i] = i;
        }
    }

    public boolean offer(Runnable task) {
        long pos = (long) ENQUEUE.getOpaque(this);
        for (int turn = 0; turn < MAX_TURNS; turn++) {
            int cell = (int) pos & mask;
            long seq = (long) SEQUENCE.getAcquire(sequences, cell);
            long dif = seq - pos;
            if (dif == 0) {
                if (flaw == Flaw.PLAIN_CLAIM) {
                    enqueuePos = pos + 1; // BUG: another producer may have read the same pos
                    TASK.setOpaque(tasks, cell, task);
                    SEQUENCE.setRelease(sequences, cell, pos + 1);
                    return true;
                }
                if (ENQUEUE.compareAndSet(this, pos, pos + 1)) {
                    TASK.setOpaque(tasks, cell, task);
                    SEQUENCE.setRelease(sequences, cell, pos + 1);
                    return true;
                }
                if (flaw == Flaw.GIVE_UP_ON_CONTENTION) {
                    return false; // BUG: the next position may well be free
                }
                pos = (long) ENQUEUE.getOpaque(this);
            } else if (dif < 0) {
                return false;
            } else {
                pos = (long) ENQUEUE.getOpaque(this);
            }
        }
        return false; // the flaw has corrupted the positions
    }

    public Runnable poll() {
        long pos = (long) DEQUEUE.getOpaque(this);
        for (int turn = 0; turn < MAX_TURNS; turn++) {
            int cell = (int) pos & mask;
            long seq = (long) SEQUENCE.getAcquire(sequences, cell);
            long dif = seq - (pos + 1);
            if (dif == 0) {
                if (flaw == Flaw.PLAIN_TAKE) {
                    dequeuePos = pos + 1; // BUG: another consumer may have read the same pos
                    Runnable task = (Runnable) TASK.getOpaque(tasks, cell);
                    TASK.setOpaque(tasks, cell, null);
                    SEQUENCE.setRelease(sequences, cell, pos + mask + 1);
                    return task;
                }
                if (DEQUEUE.compareAndSet(this, pos, pos + 1)) {
                    Runnable task = (Runnable) TASK.getOpaque(tasks, cell);
                    TASK.setOpaque(tasks, cell, null);
                    SEQUENCE.setRelease(sequences, cell, pos + mask + 1);
                    return task;
                }
                pos = (long) DEQUEUE.getOpaque(this);
            } else if (dif < 0) {
                return null;
            } else {
                pos = (long) DEQUEUE.getOpaque(this);
            }
        }
        return null; // the flaw has corrupted the positions
    }

    public boolean isEmpty() {
        return enqueuePos == dequeuePos;
    }
}
