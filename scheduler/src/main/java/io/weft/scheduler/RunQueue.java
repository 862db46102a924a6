package io.weft.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded lock-free multi-producer multi-consumer queue of tasks (Dmitry Vyukov's array
 * queue): each cell carries a sequence number that says whether it is ready to be written
 * (sequence == position) or read (sequence == position + 1). Producers and consumers claim
 * positions with a CAS and then publish the cell with a store-release of its sequence.
 *
 * <p>A carrier's run queue: the owner and any thread submitting to it offer; the owner polls,
 * and idle carriers poll too (that is stealing). No allocation per operation.
 *
 * <p>Any thread may call any method. {@link #size()} is a racy estimate.
 */
final class RunQueue {
    private static final VarHandle SEQUENCE = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle TASK = MethodHandles.arrayElementVarHandle(Runnable[].class);
    private static final VarHandle ENQUEUE;
    private static final VarHandle DEQUEUE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            ENQUEUE = l.findVarHandle(RunQueue.class, "enqueuePos", long.class);
            DEQUEUE = l.findVarHandle(RunQueue.class, "dequeuePos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int mask;
    private final long[] sequences;
    private final Runnable[] tasks;

    // Producers and consumers hammer different counters: keep them on different cache lines.
    @SuppressWarnings("unused") private long p01, p02, p03, p04, p05, p06, p07;
    private volatile long enqueuePos;
    @SuppressWarnings("unused") private long p11, p12, p13, p14, p15, p16, p17;
    private volatile long dequeuePos;
    @SuppressWarnings("unused") private long p21, p22, p23, p24, p25, p26, p27;

    RunQueue(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two, at least 2: " + capacity);
        }
        mask = capacity - 1;
        sequences = new long[capacity];
        tasks = new Runnable[capacity];
        for (int i = 0; i < capacity; i++) {
            sequences[i] = i;
        }
    }

    /** Adds {@code task}; false if the queue is full. */
    boolean offer(Runnable task) {
        long pos = (long) ENQUEUE.getOpaque(this);
        for (;;) {
            int cell = (int) pos & mask;
            long seq = (long) SEQUENCE.getAcquire(sequences, cell);
            long dif = seq - pos;
            if (dif == 0) {
                if (ENQUEUE.compareAndSet(this, pos, pos + 1)) {
                    TASK.setOpaque(tasks, cell, task);
                    SEQUENCE.setRelease(sequences, cell, pos + 1); // publishes the task
                    return true;
                }
                pos = (long) ENQUEUE.getOpaque(this);
            } else if (dif < 0) {
                return false; // the cell still holds a task a full lap behind: full
            } else {
                pos = (long) ENQUEUE.getOpaque(this); // another producer took this position
            }
        }
    }

    /**
     * Removes the oldest task, or returns null if none can be taken now: the queue is empty,
     * or the oldest slot is claimed by a producer that has not written it yet (then
     * {@link #isEmpty()} still says false, so a carrier retries instead of sleeping).
     */
    Runnable poll() {
        long pos = (long) DEQUEUE.getOpaque(this);
        for (;;) {
            int cell = (int) pos & mask;
            long seq = (long) SEQUENCE.getAcquire(sequences, cell);
            long dif = seq - (pos + 1);
            if (dif == 0) {
                if (DEQUEUE.compareAndSet(this, pos, pos + 1)) {
                    Runnable task = (Runnable) TASK.getOpaque(tasks, cell);
                    TASK.setOpaque(tasks, cell, null);
                    SEQUENCE.setRelease(sequences, cell, pos + mask + 1); // free for the next lap
                    return task;
                }
                pos = (long) DEQUEUE.getOpaque(this);
            } else if (dif < 0) {
                return null; // not yet written: empty
            } else {
                pos = (long) DEQUEUE.getOpaque(this);
            }
        }
    }

    /**
     * Whether the queue looked empty. A volatile read of both positions, so a carrier that
     * announced it is going to sleep (a volatile write) and then sees "empty" here cannot miss
     * a task whose producer then saw it awake.
     */
    boolean isEmpty() {
        return enqueuePos == dequeuePos;
    }

    /** An estimate of how many tasks are queued. */
    int size() {
        long d = dequeuePos;
        long e = enqueuePos;
        return (int) Math.max(0, Math.min(e - d, mask + 1));
    }

    int capacity() {
        return mask + 1;
    }
}
