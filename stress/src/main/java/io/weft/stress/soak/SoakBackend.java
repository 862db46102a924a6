package io.weft.stress.soak;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Weft backend the soak runs its server on, as the echo benchmark chooses them: the server
 * JVM's {@code weft.backend} and {@code weft.net.mode}.
 */
enum SoakBackend {
    /** io_uring, completion-mode sockets: the operations themselves go to the ring. */
    IO_URING("io_uring", Map.of("weft.backend", "io_uring", "weft.net.mode", "completion")),
    /** io_uring, completion-mode sockets whose reads take from a multishot receive per socket. */
    IO_URING_MULTISHOT("io_uring-multishot", Map.of("weft.backend", "io_uring", "weft.net.mode", "completion",
            "weft.net.multishotRecv", "true")),
    /** io_uring, readiness-mode sockets: non-blocking calls, readiness waits on the ring. */
    IO_URING_READINESS("io_uring-readiness", Map.of("weft.backend", "io_uring", "weft.net.mode", "readiness")),
    /** epoll (always readiness). */
    EPOLL("epoll", Map.of("weft.backend", "epoll"));

    final String key;
    final Map<String, String> properties;

    SoakBackend(String key, Map<String, String> properties) {
        this.key = key;
        this.properties = properties;
    }

    /** The {@code -D} flags of the server JVM. */
    List<String> flags() {
        return properties.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> "-D" + e.getKey() + "=" + e.getValue()).toList();
    }

    static SoakBackend parse(String s) {
        String n = s.strip().toLowerCase(Locale.ROOT).replace("io-uring", "io_uring");
        for (SoakBackend b : values()) if (b.key.equals(n)) return b;
        throw new IllegalArgumentException("unknown backend '" + s + "' (io_uring, io_uring-multishot, io_uring-readiness, epoll)");
    }
}
