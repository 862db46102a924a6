package io.weft.pooler.pool;

import io.weft.pooler.config.PoolerConfig;
import io.weft.pooler.config.ServerAddress;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/** What the pool's jcstress tests share. */
final class PoolStressSupport {
    private PoolStressSupport() {}

    /**
     * The pooler's logger ({@code System.getLogger("io.weft.pooler")}, java.util.logging here),
     * silenced: {@code ServerSelector.markDown} logs a warning each time it marks a server down,
     * millions of times per fork. Held here so that the setting is not collected with the logger.
     */
    private static final Logger POOLER_LOG = Logger.getLogger("io.weft.pooler");

    static {
        POOLER_LOG.setLevel(Level.OFF);
    }

    /** Call from a test's static initializer: silences the pooler's log. */
    static void quiet() {
        // the static initializer did it
    }

    /** A configuration with {@code servers} in this (failover) order and nothing else a test reads. */
    static PoolerConfig configWith(List<ServerAddress> servers) {
        return new PoolerConfig(null, "127.0.0.1", 0, null, 0, "auto", 0, "warning", null, 0, 0, false, 1000,
                1 << 20, servers, List.of(), Map.of(), null, "weft_admin", List.of(), null, 0, 0, Map.of(), 0, 0, 0, false);
    }
}
