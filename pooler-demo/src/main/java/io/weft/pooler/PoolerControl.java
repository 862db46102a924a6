package io.weft.pooler;

import io.weft.pooler.config.ConfigException;
import java.time.Duration;

/**
 * What an operator can do to a running pooler: the admin console's RELOAD, PAUSE, RESUME and
 * SHUTDOWN, and the signals (SIGHUP reloads, SIGTERM/SIGINT shut down). {@link PoolerServer}
 * implements it.
 */
public interface PoolerControl {
    /**
     * Re-reads the configuration files. A bad new configuration changes nothing and throws
     * {@link ConfigException} naming the file and line. Options that only take effect at start
     * (host, port, backend, carriers) are kept and named in the result.
     *
     * @return one line saying what changed, for the log and the admin console
     */
    String reload() throws ConfigException;

    /**
     * Stops handing out server connections and waits until every one is back in its pool
     * (clients' transactions finish; new work waits). Returns false if {@code timeout} passed
     * first; the pooler stays paused either way until {@link #resume}.
     */
    boolean pause(Duration timeout) throws InterruptedException;

    /** Hands out server connections again; waiting clients go on. */
    void resume();

    /**
     * Graceful shutdown, started and returning at once: stop accepting clients, let
     * transactions in flight finish within {@code shutdown_timeout}, then close everything.
     */
    void shutdown();

    /** Immediate shutdown: close every client and server connection now. */
    void close();
}
