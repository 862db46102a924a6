package io.weft.poller.kqueue;

import static io.weft.poller.kqueue.Kevent.EVFILT_READ;
import static io.weft.poller.kqueue.Kevent.EVFILT_WRITE;
import static io.weft.poller.kqueue.Kevent.EV_ADD;
import static io.weft.poller.kqueue.Kevent.EV_DELETE;
import static io.weft.poller.kqueue.Kevent.EV_EOF;
import static io.weft.poller.kqueue.Kevent.EV_ERROR;
import static io.weft.poller.kqueue.Kevent.EV_ONESHOT;

import io.weft.poller.Backend;
import io.weft.poller.CompletionHandler;
import io.weft.poller.Events;
import io.weft.poller.PollerConfig;
import io.weft.poller.internal.ReadinessPoller;
import io.weft.poller.internal.ReadinessTable;
import io.weft.poller.sys.Errno;
import io.weft.poller.sys.ErrnoException;
import io.weft.poller.sys.Libc;
import io.weft.poller.sys.NativeMemory;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * The kqueue backend (macOS, FreeBSD; libkqueue on Linux for testing): readiness only. kqueue
 * keeps a separate filter per (descriptor, direction), so a read wait is an
 * {@code EVFILT_READ} and a write wait an {@code EVFILT_WRITE} registration, each
 * {@code EV_ONESHOT}: no union of interests to re-arm as epoll needs. A wait is registered with
 * its own {@code kevent} call when it is armed, so that a descriptor the kernel refuses fails
 * {@link #arm} at once, as with epoll.
 *
 * <p>Each registration carries its slot's generation in {@code udata}: an event that
 * {@code kevent} returned in the same batch as one whose handler disarmed (and maybe re-armed)
 * that wait is recognised as stale and dropped.
 *
 * <p>Owner thread only, except {@link #wakeup()} and {@link #isOpen()}.
 */
public final class KqueuePoller extends ReadinessPoller {
    private final KqueueLibrary lib;
    private final int kq;
    private final int maxEvents;
    private final long keventSize;
    private final KqueueWakeup wakeup;
    /** kevent's output array, then one entry for registrations, then a timespec. */
    private final MemorySegment memory;
    private final MemorySegment events;
    private final MemorySegment change;
    private final MemorySegment timeout;

    private KqueuePoller(KqueueLibrary lib, int kq, int maxEvents, KqueueWakeup wakeup, MemorySegment memory) {
        this.lib = lib;
        this.kq = kq;
        this.maxEvents = maxEvents;
        this.keventSize = lib.platform.keventSize;
        this.wakeup = wakeup;
        this.memory = memory;
        this.events = memory.asSlice(0, maxEvents * keventSize);
        this.change = memory.asSlice(maxEvents * keventSize, keventSize);
        this.timeout = memory.asSlice((maxEvents + 1) * keventSize, Kevent.TIMESPEC_SIZE);
    }

    /**
     * Opens a kqueue with its wake-up event; the calling thread becomes the owner. Takes
     * {@code config.maxEvents()} events per {@code kevent} call.
     *
     * @throws io.weft.poller.BackendUnavailableException when there is no kqueue here (on Linux:
     *         {@code weft.kqueue.library} is not set) or the named library cannot be loaded
     */
    public static KqueuePoller open(PollerConfig config) throws IOException {
        KqueueLibrary lib = KqueueLibrary.load(config.kqueueLibrary());
        // No close-on-exec flag to ask for: a kqueue is not inherited by fork on macOS and
        // FreeBSD, and the JDK's process launcher closes every other descriptor in the child.
        int kq = ErrnoException.check("kqueue", lib.kqueue());
        KqueueWakeup wakeup = null;
        MemorySegment memory = null;
        try {
            memory = NativeMemory.allocate((config.maxEvents() + 1) * lib.platform.keventSize + Kevent.TIMESPEC_SIZE);
            wakeup = new KqueueWakeup(lib, kq);
            return new KqueuePoller(lib, kq, config.maxEvents(), wakeup, memory);
        } catch (IOException | RuntimeException e) {
            if (wakeup != null) wakeup.close();
            if (memory != null) NativeMemory.free(memory);
            Libc.close(kq);
            lib.afterClose();
            throw e;
        }
    }

    @Override
    public Backend backend() {
        return Backend.KQUEUE;
    }

    @Override
    public void arm(int fd, int event, long token) throws IOException {
        ensureOpen();
        int slot = ReadinessTable.slot(fd, event);
        waits.put(slot, token);
        int r = register(fd, filterOf(slot), (short) (EV_ADD | EV_ONESHOT), waits.generation(slot));
        if (r < 0) {
            waits.remove(slot);
            throw new ErrnoException("kevent(EV_ADD fd " + fd + ")", -r); // the message only on failure: arm is hot
        }
    }

    @Override
    public long disarm(int fd, int event) throws IOException {
        ensureOpen();
        int slot = ReadinessTable.slot(fd, event);
        long token = waits.remove(slot);
        if (token != NO_TOKEN) {
            int r = register(fd, filterOf(slot), EV_DELETE, 0);
            // ENOENT: it fired and the one-shot registration is gone (the event, if not yet
            // collected, no longer matches the slot's generation). EBADF: the descriptor was
            // closed, which removed the registration.
            if (r < 0 && r != -Errno.ENOENT && r != -Errno.EBADF) {
                throw new ErrnoException("kevent(EV_DELETE fd " + fd + ")", -r);
            }
        }
        return token;
    }

    private int register(int fd, short filter, short flags, int generation) {
        Kevent.set(change, 0, fd, filter, flags, 0, generation);
        Kevent.setTimespec(timeout, 0); // apply the change, collect nothing, never wait
        return lib.kevent(kq, change, 1, MemorySegment.NULL, 0, timeout);
    }

    private static short filterOf(int slot) {
        return (slot & 1) == 0 ? EVFILT_READ : EVFILT_WRITE;
    }

    @Override
    protected int waitForEvents(long waitNanos) {
        // kevent takes a timespec: nanoseconds, so no rounding to milliseconds as epoll needs.
        MemorySegment ts = MemorySegment.NULL;
        if (waitNanos >= 0) {
            Kevent.setTimespec(timeout, waitNanos);
            ts = timeout;
        }
        return lib.kevent(kq, MemorySegment.NULL, 0, events, maxEvents, ts);
    }

    @Override
    protected String waitCall() {
        return "kevent";
    }

    @Override
    protected int deliver(int i, CompletionHandler handler) {
        long off = i * keventSize;
        long ident = Kevent.ident(events, off);
        short filter = Kevent.filter(events, off);
        if (wakeup.is(ident, filter)) {
            wakeup.consumed(); // EV_CLEAR: the kernel reset it as it returned it
            return WOKEN_UP;
        }
        return dispatch(ident, filter, off, handler);
    }

    private int dispatch(long ident, short filter, long off, CompletionHandler handler) {
        if (filter != EVFILT_READ && filter != EVFILT_WRITE) {
            return 0; // nothing else is registered
        }
        int slot = ((int) ident << 1) | (filter == EVFILT_WRITE ? 1 : 0);
        if (waits.token(slot) == NO_TOKEN || waits.generation(slot) != (int) Kevent.udata(events, off)) {
            return 0; // disarmed (and maybe armed again) after the kernel queued this event
        }
        // Taken out first so the handler may arm this wait again.
        long token = waits.remove(slot);
        handler.onCompletion(token, result(filter, Kevent.flags(events, off), Kevent.fflags(events, off),
                Kevent.data(events, off)), 0);
        return 1;
    }

    /**
     * The {@link Events} a kevent stands for, in epoll's terms so that callers need not care:
     * EV_EOF on a read is the peer's shutdown ({@code RDHUP}), on a write that nothing more can
     * be sent ({@code HUP}); with EV_EOF a socket error arrives in fflags ({@code ERR}).
     */
    static int result(short filter, int flags, int fflags, long data) {
        if ((flags & EV_ERROR) != 0) {
            return data > 0 ? (int) -data : -Errno.EIO;
        }
        boolean eof = (flags & EV_EOF) != 0;
        int r = filter == EVFILT_READ ? Events.IN | (eof ? Events.RDHUP : 0) : Events.OUT | (eof ? Events.HUP : 0);
        if (eof && fflags != 0) {
            r |= Events.ERR;
        }
        return r;
    }

    @Override
    public void wakeup() {
        wakeup.signal();
    }

    @Override
    protected void release() {
        wakeup.close(); // no signaller may call kevent on the number once it is closed
        Libc.close(kq); // drops every registration with it
        lib.afterClose();
        NativeMemory.free(memory);
    }

    @Override
    public String toString() {
        return "KqueuePoller[kq=" + kq + ", " + lib.platform + ", armed=" + waits.armed() + "]";
    }
}
