package io.weft.poller.faults;

import io.weft.poller.sys.Errno;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The operations {@code weft.faults} can make fail, each with the faults the kernel can really
 * give it (so that a spec cannot ask for something Weft need not survive, such as a short
 * accept).
 */
public enum FaultOp {
    /** {@code recv(2)} and io_uring {@code RECV}. */
    RECV(EnumSet.of(Fault.EAGAIN, Fault.EINTR, Fault.ENOBUFS, Fault.ECANCELED, Fault.ECONNRESET, Fault.SHORT)),
    /** {@code send(2)} and io_uring {@code SEND}. */
    SEND(EnumSet.of(Fault.EAGAIN, Fault.EINTR, Fault.ENOBUFS, Fault.ECANCELED, Fault.ECONNRESET, Fault.SHORT)),
    /** {@code accept4(2)} and io_uring {@code ACCEPT} (the multishot submission). */
    ACCEPT(EnumSet.of(Fault.EAGAIN, Fault.EINTR, Fault.ENOBUFS, Fault.ECANCELED, Fault.ECONNABORTED)),
    /** {@code connect(2)} and io_uring {@code CONNECT}. */
    CONNECT(EnumSet.of(Fault.EAGAIN, Fault.EINTR, Fault.ENOBUFS, Fault.ECANCELED)),
    /**
     * Waiting for events: {@code EINTR} fails the wait itself ({@code epoll_wait(2)},
     * {@code poll(2)}, the waiting {@code io_uring_enter(2)}); {@code ECANCELED} ends one
     * readiness wait (an io_uring {@code POLL_ADD}, an epoll event) with {@code -ECANCELED}
     * instead of the events, as the kernel cancels a poll request on its own.
     */
    POLL(EnumSet.of(Fault.EINTR, Fault.ECANCELED));

    private final Set<Fault> possible;

    FaultOp(Set<Fault> possible) {
        this.possible = possible;
    }

    /** Whether the kernel can give this operation {@code fault}. */
    public boolean allows(Fault fault) {
        return possible.contains(fault);
    }

    public String specName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The faults this operation accepts, for error messages. */
    String possibleNames() {
        StringBuilder b = new StringBuilder();
        for (Fault f : possible) {
            if (b.length() > 0) b.append(", ");
            b.append(f.specName());
        }
        return b.toString();
    }

    /** The fault kinds: an errno the call fails with, or a short transfer. */
    public enum Fault {
        EAGAIN(Errno.EAGAIN),
        EINTR(Errno.EINTR),
        ENOBUFS(Errno.ENOBUFS),
        ECANCELED(Errno.ECANCELED),
        ECONNRESET(Errno.ECONNRESET),
        ECONNABORTED(Errno.ECONNABORTED),
        /** Fewer bytes than asked for; the rest stays in the socket (or in the caller's buffer). */
        SHORT(0);

        /** The positive errno, 0 for {@link #SHORT}. */
        public final int errno;

        Fault(int errno) {
            this.errno = errno;
        }

        public String specName() {
            return this == SHORT ? "short" : name();
        }
    }
}
