package io.weft.poller.kqueue;

import io.weft.poller.sys.Errno;
import io.weft.poller.sys.ErrnoException;
import io.weft.poller.sys.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Cross-thread wake-ups of a kqueue poller through an {@code EVFILT_USER} event: registered
 * once with {@code EV_CLEAR}, fired by any thread with {@code NOTE_TRIGGER}, reset by the
 * kernel as the owner's {@code kevent} returns it. No descriptor is needed, unlike epoll's
 * eventfd.
 *
 * <p>The pending-flag protocol is {@code internal.WakeupSignal}'s (see there for why each
 * step is needed, and its jcstress tests): a signaller triggers only when it moves
 * {@code pending} from 0 to 1, after a full fence; the owner resets it with {@link #consumed()}
 * only after {@code kevent} has returned the event, and re-checks its queues after that.
 * Signallers count themselves in {@code writers} so that {@link #close()} can wait them out
 * before the kqueue descriptor is closed and its number reused.
 */
final class KqueueWakeup {
    /** The EVFILT_USER identifier: any value works, the filter has its own namespace. */
    static final long IDENT = 0;

    private static final VarHandle PENDING;
    private static final VarHandle WRITERS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PENDING = lookup.findVarHandle(KqueueWakeup.class, "pending", int.class);
            WRITERS = lookup.findVarHandle(KqueueWakeup.class, "writers", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final KqueueLibrary lib;
    private final int kq;
    /** The trigger change and the zero timeout, in one allocation. */
    private final MemorySegment memory;
    /** The trigger change, written once and only read after: signallers share it. */
    private final MemorySegment trigger;
    /** A zero timeout: the trigger call must not wait for events. */
    private final MemorySegment noWait;
    private volatile int pending;
    private volatile int writers;
    private volatile boolean closed;

    /** Registers the user event on {@code kq}. */
    KqueueWakeup(KqueueLibrary lib, int kq) throws ErrnoException {
        this.lib = lib;
        this.kq = kq;
        long size = lib.platform.keventSize;
        MemorySegment mem = NativeMemory.allocate(size + Kevent.TIMESPEC_SIZE);
        this.memory = mem;
        this.trigger = mem.asSlice(0, size);
        this.noWait = mem.asSlice(size, Kevent.TIMESPEC_SIZE);
        try {
            Kevent.set(trigger, 0, IDENT, lib.platform.evfiltUser, (short) (Kevent.EV_ADD | Kevent.EV_CLEAR), 0, 0);
            ErrnoException.check("kevent(EV_ADD EVFILT_USER)", lib.kevent(kq, trigger, 1, MemorySegment.NULL, 0, noWait));
        } catch (ErrnoException | RuntimeException e) {
            NativeMemory.free(mem);
            throw e;
        }
        Kevent.set(trigger, 0, IDENT, lib.platform.evfiltUser, (short) 0, Kevent.NOTE_TRIGGER, 0);
    }

    /** Wakes the owner. Any thread; a no-op after {@link #close()}. */
    void signal() {
        VarHandle.fullFence(); // as in WakeupSignal: the caller's publication before the read of pending
        if ((int) PENDING.getVolatile(this) != 0 || !PENDING.compareAndSet(this, 0, 1)) {
            return;
        }
        WRITERS.getAndAdd(this, 1);
        try {
            if (!closed) {
                int r = lib.kevent(kq, trigger, 1, MemorySegment.NULL, 0, noWait);
                if (r < 0) {
                    throw new IllegalStateException("kevent(NOTE_TRIGGER): " + Errno.describe(-r));
                }
            }
        } finally {
            WRITERS.getAndAdd(this, -1);
        }
    }

    /** Whether {@code ident} and {@code filter} of a returned event are this wake-up. */
    boolean is(long ident, short filter) {
        return filter == lib.platform.evfiltUser && ident == IDENT;
    }

    /** Owner: the event has been returned (and cleared); signals from now on trigger again. */
    void consumed() {
        pending = 0;
    }

    /** Owner: stops signallers; afterwards the kqueue descriptor may be closed. */
    void close() {
        if (!closed) {
            closed = true;
            pending = 1; // late signallers do not even try
            while (writers != 0) {
                Thread.onSpinWait(); // a signaller is inside kevent(2): microseconds at most
            }
            NativeMemory.free(memory);
        }
    }
}
