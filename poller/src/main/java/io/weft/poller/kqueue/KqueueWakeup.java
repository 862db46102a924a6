package io.weft.poller.kqueue;

import io.weft.poller.internal.CoalescingWakeup;
import io.weft.poller.sys.Errno;
import io.weft.poller.sys.ErrnoException;
import io.weft.poller.sys.Libc;
import io.weft.poller.sys.NativeMemory;
import java.lang.foreign.MemorySegment;

/**
 * Cross-thread wake-ups of a kqueue poller through an {@code EVFILT_USER} event: registered
 * once with {@code EV_CLEAR}, fired by any thread with {@code NOTE_TRIGGER}, reset by the
 * kernel as the owner's {@code kevent} returns it. No descriptor is needed, unlike epoll's
 * eventfd. The pending-flag and close protocol is {@link CoalescingWakeup}'s, shared with the
 * eventfd wake-up and tested by jcstress there; the owner calls {@link #consumed()} only after
 * {@code kevent} has returned the event.
 */
final class KqueueWakeup extends CoalescingWakeup {
    /** The EVFILT_USER identifier: any value works, the filter has its own namespace. */
    static final long IDENT = 0;

    private final KqueueLibrary lib;
    private final int kq;
    /** The trigger change and the zero timeout, in one allocation. */
    private final MemorySegment memory;
    /** The trigger change, written once and only read after: signallers share it. */
    private final MemorySegment trigger;
    /** A zero timeout: the trigger call must not wait for events. */
    private final MemorySegment noWait;
    /** The signallers' errno slot, as {@code WakeupSignal}'s (why: {@code Libc.write} with a slot). */
    private final MemorySegment ringCallState;

    /** Registers the user event on {@code kq}. */
    KqueueWakeup(KqueueLibrary lib, int kq) throws ErrnoException {
        this.lib = lib;
        this.kq = kq;
        long size = lib.platform.keventSize;
        MemorySegment mem = NativeMemory.allocate(size + Kevent.TIMESPEC_SIZE + Libc.CALL_STATE_SIZE);
        this.memory = mem;
        this.trigger = mem.asSlice(0, size);
        this.noWait = mem.asSlice(size, Kevent.TIMESPEC_SIZE);
        this.ringCallState = mem.asSlice(size + Kevent.TIMESPEC_SIZE, Libc.CALL_STATE_SIZE);
        try {
            Kevent.set(trigger, 0, IDENT, lib.platform.evfiltUser, (short) (Kevent.EV_ADD | Kevent.EV_CLEAR), 0, 0);
            ErrnoException.check("kevent(EV_ADD EVFILT_USER)", lib.kevent(kq, trigger, 1, MemorySegment.NULL, 0, noWait));
        } catch (ErrnoException | RuntimeException e) {
            NativeMemory.free(mem);
            throw e;
        }
        Kevent.set(trigger, 0, IDENT, lib.platform.evfiltUser, (short) 0, Kevent.NOTE_TRIGGER, 0);
    }

    @Override
    protected void ring() {
        int r = lib.kevent(kq, trigger, 1, MemorySegment.NULL, 0, noWait, ringCallState);
        if (r < 0) {
            throw new IllegalStateException("kevent(NOTE_TRIGGER): " + Errno.describe(-r));
        }
    }

    /** Whether {@code ident} and {@code filter} of a returned event are this wake-up. */
    boolean is(long ident, short filter) {
        return filter == lib.platform.evfiltUser && ident == IDENT;
    }

    /** Owner: stops signallers; afterwards the kqueue descriptor may be closed. */
    void close() {
        if (stopSignallers()) {
            NativeMemory.free(memory);
        }
    }
}
