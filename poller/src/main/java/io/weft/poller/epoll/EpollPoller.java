package io.weft.poller.epoll;

import static io.weft.poller.epoll.EpollEvent.EPOLLERR;
import static io.weft.poller.epoll.EpollEvent.EPOLLHUP;
import static io.weft.poller.epoll.EpollEvent.EPOLLIN;
import static io.weft.poller.epoll.EpollEvent.EPOLLONESHOT;
import static io.weft.poller.epoll.EpollEvent.EPOLLOUT;
import static io.weft.poller.epoll.EpollEvent.EPOLLPRI;
import static io.weft.poller.epoll.EpollEvent.EPOLLRDHUP;
import static io.weft.poller.epoll.EpollEvent.EPOLL_CTL_ADD;
import static io.weft.poller.epoll.EpollEvent.EPOLL_CTL_MOD;

import io.weft.poller.Backend;
import io.weft.poller.CompletionHandler;
import io.weft.poller.Events;
import io.weft.poller.PollerConfig;
import io.weft.poller.faults.FaultOp;
import io.weft.poller.faults.FaultOp.Fault;
import io.weft.poller.faults.Faults;
import io.weft.poller.internal.ReadinessPoller;
import io.weft.poller.internal.ReadinessTable;
import io.weft.poller.internal.WakeupSignal;
import io.weft.poller.sys.Errno;
import io.weft.poller.sys.ErrnoException;
import io.weft.poller.sys.Libc;
import io.weft.poller.sys.NativeMemory;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * The epoll backend: readiness only. Each descriptor is registered once and re-armed with
 * {@code EPOLLONESHOT}, so a wait fires once and a descriptor with a read and a write waiter
 * is armed for the union of both; when one fires the other is re-armed.
 *
 * <p>Owner thread only, except {@link #wakeup()} and {@link #isOpen()}.
 */
public final class EpollPoller extends ReadinessPoller {
    private static final int READ_EVENTS = EPOLLIN | EPOLLPRI | EPOLLERR | EPOLLHUP | EPOLLRDHUP;
    private static final int WRITE_EVENTS = EPOLLOUT | EPOLLERR | EPOLLHUP;

    private final int epfd;
    private final int maxEvents;
    private final WakeupSignal wakeup;
    /** epoll_wait's output array, then one more event for epoll_ctl's input. */
    private final MemorySegment events;
    private final MemorySegment ctlEvent;

    private EpollPoller(int epfd, int maxEvents, WakeupSignal wakeup, MemorySegment events) {
        this.epfd = epfd;
        this.maxEvents = maxEvents;
        this.wakeup = wakeup;
        this.events = events;
        this.ctlEvent = events.asSlice(maxEvents * EpollEvent.SIZE, EpollEvent.SIZE);
    }

    /** Opens an epoll instance with its wake-up eventfd; the calling thread becomes the owner. */
    public static EpollPoller open(PollerConfig config) throws IOException {
        int epfd = ErrnoException.check("epoll_create1", Libc.epollCreate1(EpollEvent.EPOLL_CLOEXEC));
        WakeupSignal wakeup = null;
        MemorySegment events = null;
        try {
            wakeup = new WakeupSignal(true);
            events = NativeMemory.allocate((config.maxEvents() + 1) * EpollEvent.SIZE);
            EpollPoller p = new EpollPoller(epfd, config.maxEvents(), wakeup, events);
            // Level-triggered and never one-shot: the owner drains it each time it fires.
            EpollEvent.set(p.ctlEvent, EPOLLIN, wakeup.fd());
            ErrnoException.check("epoll_ctl(ADD eventfd)", Libc.epollCtl(epfd, EPOLL_CTL_ADD, wakeup.fd(), p.ctlEvent));
            return p;
        } catch (IOException | RuntimeException e) {
            if (events != null) NativeMemory.free(events);
            if (wakeup != null) wakeup.close();
            Libc.close(epfd);
            throw e;
        }
    }

    @Override
    public Backend backend() {
        return Backend.EPOLL;
    }

    @Override
    public void arm(int fd, int event, long token) throws IOException {
        ensureOpen();
        int slot = ReadinessTable.slot(fd, event);
        waits.put(slot, token);
        try {
            rearm(fd);
        } catch (ErrnoException e) {
            waits.remove(slot);
            throw e;
        }
    }

    @Override
    public long disarm(int fd, int event) throws IOException {
        ensureOpen();
        long token = waits.remove(ReadinessTable.slot(fd, event));
        if (token != NO_TOKEN) {
            try {
                if (hasWait(fd)) {
                    rearm(fd); // the other direction's wait
                } else {
                    // Not MOD to an empty mask: epoll always adds EPOLLERR | EPOLLHUP, so a
                    // disarmed socket that hangs up would still wake epoll_wait.
                    int r = Libc.epollCtl(epfd, EpollEvent.EPOLL_CTL_DEL, fd, MemorySegment.NULL);
                    if (r < 0) {
                        throw new ErrnoException("epoll_ctl(DEL fd " + fd + ")", -r);
                    }
                }
            } catch (ErrnoException e) {
                // The descriptor is already closed: there is nothing left to disarm.
                if (e.errno() != Errno.EBADF && e.errno() != Errno.ENOENT) {
                    throw e;
                }
            }
        }
        return token;
    }

    private boolean hasWait(int fd) {
        return waits.token(fd << 1) != NO_TOKEN || waits.token((fd << 1) | 1) != NO_TOKEN;
    }

    /** Sets fd's epoll interest to the union of its armed waits. */
    private void rearm(int fd) throws ErrnoException {
        int interest = EPOLLONESHOT;
        if (waits.token(fd << 1) != NO_TOKEN) interest |= EPOLLIN | EPOLLRDHUP;
        if (waits.token((fd << 1) | 1) != NO_TOKEN) interest |= EPOLLOUT;
        EpollEvent.set(ctlEvent, interest, fd);
        // Most arms are of a descriptor registered before, so MOD first; ADD the first time.
        int r = Libc.epollCtl(epfd, EPOLL_CTL_MOD, fd, ctlEvent);
        if (r == -Errno.ENOENT) {
            r = Libc.epollCtl(epfd, EPOLL_CTL_ADD, fd, ctlEvent);
        }
        if (r < 0) {
            throw new ErrnoException("epoll_ctl(fd " + fd + ")", -r); // the message only on failure: arm is hot
        }
    }

    @Override
    protected int waitForEvents(long waitNanos) {
        return Libc.epollWait(epfd, events, maxEvents, toMillis(waitNanos));
    }

    @Override
    protected String waitCall() {
        return "epoll_wait";
    }

    @Override
    protected int deliver(int i, CompletionHandler handler) throws IOException {
        int fd = (int) EpollEvent.data(events, i);
        if (fd == wakeup.fd()) {
            wakeup.drain();
            wakeup.consumed();
            return WOKEN_UP;
        }
        return dispatch(fd, EpollEvent.events(events, i), handler);
    }

    private int dispatch(int fd, int ready, CompletionHandler handler) throws ErrnoException {
        // Take both waits out first so the handler may arm this descriptor again.
        long reader = (ready & READ_EVENTS) != 0 ? waits.remove(fd << 1) : NO_TOKEN;
        long writer = (ready & WRITE_EVENTS) != 0 ? waits.remove((fd << 1) | 1) : NO_TOKEN;
        if (hasWait(fd)) {
            rearm(fd); // one-shot disabled the whole descriptor; the other waiter still waits
        }
        int delivered = 0;
        if (reader != NO_TOKEN) {
            handler.onCompletion(reader, faulted(ready & READ_EVENTS), 0);
            delivered++;
        }
        if (writer != NO_TOKEN) {
            handler.onCompletion(writer, faulted(ready & WRITE_EVENTS), 0);
            delivered++;
        }
        return delivered;
    }

    /** {@code events}, or -ECANCELED when weft.faults cancels this wait (as io_uring may cancel a poll). */
    private static int faulted(int events) {
        return Faults.ENABLED && Faults.draw(FaultOp.POLL, Fault.ECANCELED) != null ? -Errno.ECANCELED : events;
    }

    private static int toMillis(long nanos) {
        if (nanos < 0) return -1;
        if (nanos == 0) return 0;
        // Round up: waking before the deadline would make the caller spin.
        long ms = (nanos + 999_999) / 1_000_000;
        return (int) Math.min(ms, Integer.MAX_VALUE);
    }

    @Override
    public void wakeup() {
        wakeup.signal();
    }

    @Override
    protected void release() {
        Libc.close(epfd);
        wakeup.close();
        NativeMemory.free(events);
    }

    @Override
    public String toString() {
        return "EpollPoller[epfd=" + epfd + ", armed=" + waits.armed() + "]";
    }
}
