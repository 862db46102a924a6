package io.weft.scheduler;

import java.util.Arrays;

/**
 * A carrier's timers: a binary min-heap by deadline, with each timer's index stored in it so
 * a cancel on the owner removes it in O(log n) at once. Timers cancelled from other threads
 * stay until they reach the top or until they are half the heap, when they are purged, so
 * a stream of cancelled long timeouts cannot grow the heap without bound.
 *
 * <p>Owner carrier only. Deadlines are {@link System#nanoTime()} values, compared by
 * difference so that wrap-around is harmless.
 */
final class TimerHeap {
    private Timer[] heap = new Timer[64];
    private int size;
    private int cancelledInHeap;

    int size() {
        return size;
    }

    void add(Timer t) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = t;
        t.heapIndex = size;
        siftUp(size++);
    }

    /** Removes {@code t} if it is in the heap. */
    void remove(Timer t) {
        int i = t.heapIndex;
        if (i < 0 || i >= size || heap[i] != t) {
            return;
        }
        removeAt(i);
    }

    /** A timer was cancelled by another thread; purge when they pile up. */
    void noteForeignCancel() {
        if (++cancelledInHeap > 64 && cancelledInHeap > size / 2) {
            purgeCancelled();
        }
    }

    /** Nanoseconds until the earliest live deadline: -1 if none, 0 if one is due. */
    long nanosUntilNext(long now) {
        dropCancelledTop();
        if (size == 0) {
            return -1;
        }
        return Math.max(0, heap[0].deadline - now);
    }

    /** Removes and returns the earliest timer whose deadline is at or before {@code now}. */
    Timer pollDue(long now) {
        dropCancelledTop();
        if (size == 0 || heap[0].deadline - now > 0) {
            return null;
        }
        Timer t = heap[0];
        removeAt(0);
        return t;
    }

    /** Removes every timer (shutdown); returns them. */
    Timer[] drain() {
        Timer[] all = Arrays.copyOf(heap, size);
        for (Timer t : all) t.heapIndex = -1;
        Arrays.fill(heap, 0, size, null);
        size = 0;
        cancelledInHeap = 0;
        return all;
    }

    private void dropCancelledTop() {
        while (size > 0 && heap[0].timerState() == Timer.CANCELLED) {
            removeAt(0);
            if (cancelledInHeap > 0) cancelledInHeap--;
        }
    }

    private void purgeCancelled() {
        int j = 0;
        for (int i = 0; i < size; i++) {
            Timer t = heap[i];
            if (t.timerState() == Timer.CANCELLED) {
                t.heapIndex = -1;
            } else {
                heap[j++] = t;
            }
        }
        Arrays.fill(heap, j, size, null);
        size = j;
        cancelledInHeap = 0;
        for (int i = (size >>> 1) - 1; i >= 0; i--) {
            siftDown(i);
        }
        for (int i = 0; i < size; i++) heap[i].heapIndex = i;
    }

    private void removeAt(int i) {
        Timer removed = heap[i];
        removed.heapIndex = -1;
        size--;
        if (i == size) {
            heap[size] = null;
            return;
        }
        Timer last = heap[size];
        heap[size] = null;
        heap[i] = last;
        last.heapIndex = i;
        siftDown(i);
        if (heap[i] == last) {
            siftUp(i);
        }
    }

    private void siftUp(int i) {
        Timer t = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Timer p = heap[parent];
            if (p.deadline - t.deadline <= 0) break;
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = t;
        t.heapIndex = i;
    }

    private void siftDown(int i) {
        Timer t = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            Timer c = heap[child];
            int right = child + 1;
            if (right < size && heap[right].deadline - c.deadline < 0) {
                child = right;
                c = heap[child];
            }
            if (t.deadline - c.deadline <= 0) break;
            heap[i] = c;
            c.heapIndex = i;
            i = child;
        }
        heap[i] = t;
        t.heapIndex = i;
    }
}
