package io.weft.net.conformance;

import io.weft.net.NetMode;
import io.weft.poller.Backend;

/**
 * The kind of thread a conformance test body (and every thread it starts) runs on. The JDK
 * treats platform and virtual threads differently (interrupting a virtual thread blocked in
 * socket I/O closes the socket; on a platform thread it does nothing), so each kind has its
 * own reference.
 */
enum ThreadKind {
    // Not Weft virtual threads: the mode must not matter; it is left at its default.
    PLATFORM("platform threads", null, NetMode.COMPLETION),
    JDK_VIRTUAL("JDK virtual threads", null, NetMode.COMPLETION),
    WEFT_URING_COMPLETION("weft virtual threads on io_uring, completion mode", Backend.IO_URING, NetMode.COMPLETION),
    /** Reads take from a multishot receive per socket ({@code weft.net.multishotRecv}, {@code io.weft.net.ReceiveQueue}). */
    WEFT_URING_MULTISHOT_RECV("weft virtual threads on io_uring, completion mode, multishot receive", Backend.IO_URING,
            NetMode.COMPLETION),
    /** Every socket made while it runs has write-behind on (WeftSocket.setWriteBehind). */
    WEFT_URING_WRITE_BEHIND("weft virtual threads on io_uring, completion mode, write-behind", Backend.IO_URING,
            NetMode.COMPLETION),
    WEFT_URING_READINESS("weft virtual threads on io_uring, readiness mode", Backend.IO_URING, NetMode.READINESS),
    /**
     * The mode is left at its default (completion) here on purpose: on epoll the sockets must
     * fall back to readiness by themselves.
     */
    WEFT_EPOLL("weft virtual threads on epoll", Backend.EPOLL, NetMode.COMPLETION),
    /** Like epoll: completion asked for, readiness used. Skips unless kqueue runs here. */
    WEFT_KQUEUE("weft virtual threads on kqueue", Backend.KQUEUE, NetMode.COMPLETION);

    private final String description;
    private final Backend backend;
    private final NetMode netMode;

    ThreadKind(String description, Backend backend, NetMode netMode) {
        this.description = description;
        this.backend = backend;
        this.netMode = netMode;
    }

    boolean isVirtual() {
        return this != PLATFORM;
    }

    /** The Weft scheduler's backend for this kind, or null when it needs no Weft scheduler. */
    Backend weftBackend() {
        return backend;
    }

    /** The {@code weft.net.mode} in force while this kind's rows run. */
    NetMode netMode() {
        return netMode;
    }

    /** Whether the sockets made while this kind's rows run have write-behind on. */
    boolean writeBehind() {
        return this == WEFT_URING_WRITE_BEHIND;
    }

    /** Whether reads in completion mode use a multishot receive while this kind's rows run. */
    boolean multishotRecv() {
        return this == WEFT_URING_MULTISHOT_RECV;
    }

    /** The JDK-socket row whose outcomes this kind's rows must reproduce. */
    ThreadKind referenceKind() {
        return isVirtual() ? JDK_VIRTUAL : PLATFORM;
    }

    @Override
    public String toString() {
        return description;
    }
}
