package io.weft.poller;

import java.util.Locale;

/** The kernel interfaces a {@link Poller} can be built on. */
public enum Backend {
    /** Linux io_uring: completion-mode I/O as well as readiness. */
    IO_URING("io_uring"),
    /** Linux epoll: readiness only. */
    EPOLL("epoll"),
    /** kqueue on macOS and FreeBSD (or libkqueue on Linux): readiness only. */
    KQUEUE("kqueue");

    private final String configName;

    Backend(String configName) {
        this.configName = configName;
    }

    /** The name used in configuration ({@code weft.backend}) and messages, e.g. {@code io_uring}. */
    public String configName() {
        return configName;
    }

    /** The backend named {@code name} in configuration, e.g. {@code "epoll"}. */
    public static Backend fromConfigName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Backend b : values()) {
            if (b.configName.equals(n)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown backend '" + name + "'");
    }

    @Override
    public String toString() {
        return configName;
    }
}
