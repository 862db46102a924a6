package io.weft.pooler.session;

import io.weft.pooler.admin.AdminConsole;
import io.weft.pooler.config.PoolerConfig;
import io.weft.pooler.pool.PoolManager;
import io.weft.pooler.stats.PoolerStats;
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
    final ClientAuthenticator authenticator;
    final ThreadFactory threads;
    /** Clients in the pooler, per database and per user (max_connections, max_db_/max_user_connections). */
    final ClientLimits limits = new ClientLimits();
    /** Clients connected (SHOW CLIENTS) and failures before a client has a pool. */
    public final PoolerStats stats = new PoolerStats();
    /** Serves clients of the admin database; set by the pooler before it accepts clients. */
    private volatile AdminConsole admin;

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
}
