package io.weft.scheduler;

import io.weft.poller.Events;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Process-wide: which thread waits for which descriptor and direction, so that closing a
 * descriptor can wake its waiters ({@link WeftScheduler#cancelWaits}, the counterpart of the
 * JDK's {@code Poller.stopPoll}), and so that two threads cannot wait for the same direction
 * of the same descriptor at once. Descriptors are process-wide, so this is too.
 *
 * <p>Two-level array: pages of slots created on first use and never moved, so lookups and
 * CASes need no lock. Slot {@code fd * 2} is the read wait, {@code fd * 2 + 1} the write wait.
 * Any thread.
 */
final class FdWaiters {
    private static final int PAGE_BITS = 10;
    private static final int PAGE_SIZE = 1 << PAGE_BITS;
    /** Room for descriptors below 2^20 (the usual hard limit is far lower). */
    private static final int PAGES = 2048;

    private static final AtomicReferenceArray<AtomicReferenceArray<IoWait>> PAGE_TABLE =
            new AtomicReferenceArray<>(PAGES);

    private FdWaiters() {}

    private static int slot(int fd, int event) {
        if (fd < 0 || fd >= (PAGES * PAGE_SIZE) / 2) {
            throw new IllegalArgumentException("descriptor out of range: " + fd);
        }
        return (fd << 1) | (event == Events.OUT ? 1 : 0);
    }

    private static AtomicReferenceArray<IoWait> page(int slot, boolean create) {
        int p = slot >>> PAGE_BITS;
        AtomicReferenceArray<IoWait> page = PAGE_TABLE.get(p);
        if (page == null && create) {
            PAGE_TABLE.compareAndSet(p, null, new AtomicReferenceArray<>(PAGE_SIZE));
            page = PAGE_TABLE.get(p);
        }
        return page;
    }

    /**
     * Records {@code w} as the waiter for its descriptor and direction.
     *
     * @throws IllegalStateException if another thread is waiting for the same thing
     */
    static void register(IoWait w) {
        int slot = slot(w.fd, w.event);
        AtomicReferenceArray<IoWait> page = page(slot, true);
        int i = slot & (PAGE_SIZE - 1);
        for (;;) {
            IoWait current = page.get(i);
            if (current != null && current.isWaiting()) {
                throw new IllegalStateException(current.thread + " is already waiting for fd " + w.fd
                        + " to become " + (w.event == Events.IN ? "readable" : "writable"));
            }
            // null, or a finished wait whose winner has not cleared it yet
            if (page.compareAndSet(i, current, w)) {
                return;
            }
        }
    }

    /** Removes {@code w} if it is still the registered waiter. */
    static void clear(IoWait w) {
        int slot = slot(w.fd, w.event);
        AtomicReferenceArray<IoWait> page = page(slot, false);
        if (page != null) {
            page.compareAndSet(slot & (PAGE_SIZE - 1), w, null);
        }
    }

    /** The waiter for {@code fd} in direction {@code event}, or null. */
    static IoWait get(int fd, int event) {
        int slot = slot(fd, event);
        AtomicReferenceArray<IoWait> page = page(slot, false);
        return page == null ? null : page.get(slot & (PAGE_SIZE - 1));
    }

    /** Calls {@code action} for every registered wait whose carrier belongs to {@code scheduler}. */
    static void forEach(WeftScheduler scheduler, java.util.function.Consumer<IoWait> action) {
        for (int p = 0; p < PAGES; p++) {
            AtomicReferenceArray<IoWait> page = PAGE_TABLE.get(p);
            if (page == null) continue;
            for (int i = 0; i < PAGE_SIZE; i++) {
                IoWait w = page.get(i);
                if (w != null && w.carrier != null && w.carrier.scheduler == scheduler) {
                    action.accept(w);
                }
            }
        }
    }
}
