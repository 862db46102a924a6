package io.weft.bench.echo;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An echo server implementation the benchmark compares; the order is the report's. Each runs
 * in a JVM of its own, started with {@link #systemProperties()}.
 */
enum Impl {
    WEFT_COMPLETION("weft-completion", "Weft io_uring completion", Map.of("weft.backend", "io_uring", "weft.net.mode", "completion")),
    // SQPOLL: a kernel thread per carrier's ring takes the submissions (docs/architecture.md#sqpoll).
    // Required, so a refused SQPOLL fails the run instead of quietly measuring a plain ring.
    WEFT_SQPOLL("weft-sqpoll", "Weft io_uring completion, SQPOLL", Map.of("weft.backend", "io_uring",
            "weft.net.mode", "completion", "weft.uring.sqpoll", "50", "weft.uring.sqpollRequired", "true")),
    WEFT_SEND_FIRST("weft-send-first", "Weft io_uring completion, send first",
            Map.of("weft.backend", "io_uring", "weft.net.mode", "completion", "weft.net.sendFirst", "true")),
    WEFT_READINESS("weft-readiness", "Weft io_uring readiness", Map.of("weft.backend", "io_uring", "weft.net.mode", "readiness")),
    // On epoll Weft's sockets always wait for readiness: there is no mode to choose.
    WEFT_EPOLL("weft-epoll", "Weft epoll", Map.of("weft.backend", "epoll")),
    JDK_VIRTUAL("jdk-virtual", "JDK virtual threads", Map.of()),
    PLATFORM("platform", "platform threads", Map.of()),
    NETTY_EPOLL("netty-epoll", "Netty epoll", Map.of()),
    NETTY_IO_URING("netty-io_uring", "Netty io_uring", Map.of());

    /** The baseline every ratio is taken against. */
    static final Impl BASELINE = JDK_VIRTUAL;

    /** The name on the command line. */
    final String key;
    /** The report's label. */
    final String label;
    private final Map<String, String> properties;

    Impl(String key, String label, Map<String, String> properties) {
        this.key = key;
        this.label = label;
        this.properties = properties;
    }

    /** The {@code -D} settings of the server's JVM: which backend and socket mode Weft uses. */
    Map<String, String> systemProperties() {
        return properties;
    }

    boolean isWeft() {
        return key.startsWith("weft-");
    }

    boolean isNetty() {
        return key.startsWith("netty-");
    }

    static Impl parse(String s) {
        String n = s.strip().toLowerCase(Locale.ROOT).replace("io-uring", "io_uring");
        for (Impl i : values()) {
            if (i.key.equals(n)) return i;
        }
        throw new IllegalArgumentException("unknown implementation '" + s + "' (" + keys() + ")");
    }

    static String keys() {
        return String.join(", ", List.of(values()).stream().map(i -> i.key).toList());
    }
}
