package io.weft.net.conformance;

import io.weft.poller.Backend;

/**
 * The kind of thread a conformance test body (and every thread it starts) runs on. The JDK
 * treats platform and virtual threads differently (interrupting a virtual thread blocked in
 * socket I/O closes the socket; on a platform thread it does nothing), so each kind has its
 * own reference.
 */
enum ThreadKind {
    PLATFORM("platform threads", null, null),
    JDK_VIRTUAL("JDK virtual threads", null, null),
    WEFT_URING_COMPLETION("weft virtual threads on io_uring, completion mode", Backend.IO_URING, "completion"),
    WEFT_URING_READINESS("weft virtual threads on io_uring, readiness mode", Backend.IO_URING, "readiness"),
    /**
     * {@code weft.net.mode} is left at its default (completion) here on purpose: on epoll the
     * sockets must fall back to readiness by themselves.
     */
    WEFT_EPOLL("weft virtual threads on epoll", Backend.EPOLL, null);

    private final String description;
    private final Backend backend;
    private final String netMode;

    ThreadKind(String description, Backend backend, String netMode) {
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

    /** The value of {@code weft.net.mode} while this kind's tests run, or null for the default. */
    String netMode() {
        return netMode;
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
