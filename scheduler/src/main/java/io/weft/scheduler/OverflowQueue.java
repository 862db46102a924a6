package io.weft.scheduler;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The scheduler's shared queue for tasks that did not fit in a full run queue, with a count
 * that makes "is anything waiting here?" one volatile read for the carriers' fairness check.
 * Any thread.
 *
 * <p>The count may lag the queue by a moment (incremented after the add, decremented after a
 * successful poll); it is only a hint of when to look, never the reason a task is lost: a
 * carrier with nothing local to do polls the queue itself.
 */
final class OverflowQueue {
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger count = new AtomicInteger();

    void add(Runnable task) {
        tasks.add(task);
        count.incrementAndGet();
    }

    Runnable poll() {
        Runnable t = tasks.poll();
        if (t != null) {
            count.decrementAndGet();
        }
        return t;
    }

    /** Whether tasks are (about to be) waiting here. */
    boolean hasTasks() {
        return count.get() > 0;
    }

    boolean isEmpty() {
        return tasks.isEmpty();
    }

    int size() {
        return Math.max(0, count.get());
    }
}
