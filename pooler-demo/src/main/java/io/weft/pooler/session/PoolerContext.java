package io.weft.pooler.session;

import io.weft.pooler.config.PoolerConfig;
import io.weft.pooler.pool.PoolManager;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** What every client session shares: configuration, pools, cancel keys, threads, the client count. */
public final class PoolerContext {
    /**
     * The configuration now in force. Read it once per decision with {@link #config()}: a reload
     * swaps it, and a session keeps the values it started with where mixing would be wrong.
     */
    private volatile PoolerConfig config;
    final PoolManager pools;
    final CancelRegistry cancels = new CancelRegistry();
    /** Made from the users file and auth_method; a reload replaces it. */
    volatile ClientAuthenticator authenticator;
    final ThreadFactory threads;
    final LiveSessions sessions = new LiveSessions();
    private final AtomicInteger clients = new AtomicInteger();

    public PoolerContext(PoolerConfig config, PoolManager pools, ThreadFactory threads) {
        this.config = config;
        this.pools = pools;
        this.threads = threads;
        this.authenticator = new ClientAuthenticator(config.authMethod(), config.users());
    }

    /** The configuration now in force (a reload replaces it). */
    public PoolerConfig config() {
        return config;
    }

    /**
     * A reload: new clients authenticate against {@code fresh}'s users and auth_method and
     * follow its options; clients already in keep what they started with.
     */
    public void config(PoolerConfig fresh) {
        this.authenticator = new ClientAuthenticator(fresh.authMethod(), fresh.users());
        this.config = fresh;
    }

    /** Counts a client in; false if max_connections are already in. */
    boolean admit() {
        for (;;) {
            int n = clients.get();
            if (n >= config().maxConnections()) return false;
            if (clients.compareAndSet(n, n + 1)) return true;
        }
    }

    void leave() {
        clients.decrementAndGet();
    }

    /** Clients connected now (authenticated or authenticating). */
    public int clients() {
        return clients.get();
    }

    /**
     * Graceful shutdown: every client session ends at its next idle ReadyForQuery (FATAL 57P01,
     * as PostgreSQL sends), one idle now at once; sessions starting later too.
     */
    public void beginShutdown() {
        sessions.beginShutdown();
    }

    /** Immediate shutdown: closes every client's socket and the server connection it holds. */
    public void abortSessions() {
        sessions.abortAll();
    }

    /** Client sessions still running (any stage, from start-up on). */
    public int sessions() {
        return sessions.size();
    }

    /** Waits until every client session has ended; false if {@code timeout} passed first. */
    public boolean awaitNoSessions(Duration timeout) throws InterruptedException {
        return sessions.awaitEmpty(timeout.toNanos());
    }
}
