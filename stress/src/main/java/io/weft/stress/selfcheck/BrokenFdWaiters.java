package io.weft.stress.selfcheck;

import io.weft.poller.Events;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A copy of {@code io.weft.scheduler.FdWaiters} (same code, but an instance instead of static
 * methods, so that each flaw has a table of its own) with one deliberate {@link Flaw}, for the
 * self-check tests, holding {@link BrokenIoWait}s. Never use outside
 * {@code io.weft.stress.selfcheck}.
 */
public final class BrokenFdWaiters {
    /** The bug this copy has. */
    public enum Flaw {
        /** None: the real code, for self-checks whose bug is elsewhere. */
        NONE,
        /** {@link #register} replaces whatever wait is registered, live or finished. */
        REPLACE_LIVE,
        /** {@link #clear} empties the slot whoever is in it. */
        BLIND_CLEAR,
    }

    /** The tables, one per flaw (a jcstress fork runs one test). */
    public static final BrokenFdWaiters SOUND = new BrokenFdWaiters(Flaw.NONE);
    public static final BrokenFdWaiters REPLACE_LIVE = new BrokenFdWaiters(Flaw.REPLACE_LIVE);
    public static final BrokenFdWaiters BLIND_CLEAR = new BrokenFdWaiters(Flaw.BLIND_CLEAR);

    private static final int PAGE_BITS = 10;
    private static final int PAGE_SIZE = 1 << PAGE_BITS;
    private static final int PAGES = 2048;

    private final Flaw flaw;
    private final AtomicReferenceArray<AtomicReferenceArray<BrokenIoWait>> pageTable = new AtomicReferenceArray<>(PAGES);

    private BrokenFdWaiters(Flaw flaw) {
        this.flaw = flaw;
    }

    private static int slot(int fd, int event) {
        if (fd < 0 || fd >= (PAGES * PAGE_SIZE) / 2) {
            throw new IllegalArgumentException("descriptor out of range: " + fd);
        }
        return (fd << 1) | (event == Events.OUT ? 1 : 0);
    }

    private AtomicReferenceArray<BrokenIoWait> page(int slot, boolean create) {
        int p = slot >>> PAGE_BITS;
        AtomicReferenceArray<BrokenIoWait> page = pageTable.get(p);
        if (page == null && create) {
            pageTable.compareAndSet(p, null, new AtomicReferenceArray<>(PAGE_SIZE));
            page = pageTable.get(p);
        }
        return page;
    }

    public void register(BrokenIoWait w) {
        int slot = slot(w.fd, w.event);
        AtomicReferenceArray<BrokenIoWait> page = page(slot, true);
        int i = slot & (PAGE_SIZE - 1);
        for (;;) {
            BrokenIoWait current = page.get(i);
            if (flaw != Flaw.REPLACE_LIVE && current != null && current.isWaiting()) { // BUG if REPLACE_LIVE
                throw new IllegalStateException(current.thread + " is already waiting for fd " + w.fd);
            }
            if (page.compareAndSet(i, current, w)) {
                return;
            }
        }
    }

    public void clear(BrokenIoWait w) {
        int slot = slot(w.fd, w.event);
        AtomicReferenceArray<BrokenIoWait> page = page(slot, false);
        if (page != null) {
            if (flaw == Flaw.BLIND_CLEAR) {
                page.set(slot & (PAGE_SIZE - 1), null); // BUG: may be another, live wait by now
            } else {
                page.compareAndSet(slot & (PAGE_SIZE - 1), w, null);
            }
        }
    }

    public BrokenIoWait get(int fd, int event) {
        int slot = slot(fd, event);
        AtomicReferenceArray<BrokenIoWait> page = page(slot, false);
        return page == null ? null : page.get(slot & (PAGE_SIZE - 1));
    }
}
