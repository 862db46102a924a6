package io.weft.bench.pooler;

import java.util.Locale;

/** What pgbench connects to; the order is the report's column order. */
enum Target {
    DIRECT("direct", "PostgreSQL direct", null, true),
    WEFT_IO_URING("io_uring", "Weft io_uring", "io_uring", true),
    /**
     * The io_uring pooler with {@code write_behind = off} (each relayed write parks until its
     * send completes): the ablation that measures write-behind. Only with {@code --targets}.
     */
    WEFT_IO_URING_NO_WRITE_BEHIND("io_uring-wait", "Weft io_uring, write_behind off", "io_uring", false),
    WEFT_EPOLL("epoll", "Weft epoll", "epoll", true),
    JDK("jdk", "JDK virtual threads", "jdk", true),
    PGBOUNCER("pgbouncer", "PgBouncer", null, true);

    /** The name on the command line. */
    final String key;
    /** The column heading. */
    final String label;
    /** The pooler's {@code backend} option, or {@code null} if this is not the Weft pooler. */
    final String poolerBackend;
    /** Whether a run without {@code --targets} includes it. */
    final boolean byDefault;

    Target(String key, String label, String poolerBackend, boolean byDefault) {
        this.key = key;
        this.label = label;
        this.poolerBackend = poolerBackend;
        this.byDefault = byDefault;
    }

    /** The pooler's {@code write_behind} option. */
    String writeBehind() {
        return this == WEFT_IO_URING_NO_WRITE_BEHIND ? "off" : "on";
    }

    boolean isWeftPooler() {
        return poolerBackend != null;
    }

    static Target parse(String s) {
        String n = s.toLowerCase(Locale.ROOT).replace("weft-", "");
        for (Target t : values()) {
            if (t.key.equals(n)) return t;
        }
        throw new BenchOptions.UsageException("unknown target '" + s + "' (direct, io_uring, io_uring-wait, epoll, jdk, pgbouncer)");
    }
}
