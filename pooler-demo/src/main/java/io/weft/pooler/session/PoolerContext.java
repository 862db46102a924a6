package io.weft.pooler.session;

import io.weft.pooler.admin.AdminConsole;
import io.weft.pooler.config.PoolerConfig;
import io.weft.pooler.pool.PoolManager;
import io.weft.pooler.stats.PoolerStats;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;

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
    /** Clients in the pooler, per database and per user (max_connections, max_db_/max_user_connections). */
    final ClientLimits limits = new ClientLimits();
    /** Clients connected (SHOW CLIENTS) and failures before a client has a pool. */
    public final PoolerStats stats = new PoolerStats();
    /** Serves clients of the admin database; set by the pooler before it accepts clients. */
    private volatile AdminConsole admin;
    final LiveSessions sessions = new LiveSessions();

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

    public void admin(AdminConsole console) {
        this.admin = console;
    }

    AdminConsole admin() {
        AdminConsole a = admin;
        if (a == null) throw new IllegalStateException("the pooler has no admin console");
        return a;
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
        return limits.admit(config().maxConnections());
    }

    void leave() {
        limits.leave();
    }

    /** Clients connected now (authenticated or authenticating). */
    public int clients() {
        return limits.total();
    }

    /** The client counts, overall and per database and user. */
    public ClientLimits limits() {
        return limits;
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
