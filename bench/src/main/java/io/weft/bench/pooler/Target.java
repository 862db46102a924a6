package io.weft.bench.pooler;

import java.util.Locale;

/** What pgbench connects to; the order is the report's column order. */
enum Target {
    DIRECT("direct", "PostgreSQL direct", null),
    WEFT_IO_URING("io_uring", "Weft io_uring", "io_uring"),
    WEFT_EPOLL("epoll", "Weft epoll", "epoll"),
    JDK("jdk", "JDK virtual threads", "jdk"),
    PGBOUNCER("pgbouncer", "PgBouncer", null);

    /** The name on the command line. */
    final String key;
    /** The column heading. */
    final String label;
    /** The pooler's {@code backend} option, or {@code null} if this is not the Weft pooler. */
    final String poolerBackend;

    Target(String key, String label, String poolerBackend) {
        this.key = key;
        this.label = label;
        this.poolerBackend = poolerBackend;
    }

    boolean isWeftPooler() {
        return poolerBackend != null;
    }

    static Target parse(String s) {
        String n = s.toLowerCase(Locale.ROOT).replace("weft-", "");
        for (Target t : values()) {
            if (t.key.equals(n)) return t;
        }
        throw new BenchOptions.UsageException("unknown target '" + s + "' (direct, io_uring, epoll, jdk, pgbouncer)");
    }
}
