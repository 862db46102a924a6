package io.weft.pooler.pool;

import io.weft.pooler.config.DatabaseRule;
import io.weft.pooler.config.PoolerConfig;
import io.weft.pooler.config.ServerAddress;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadFactory;
import javax.net.SocketFactory;

/**
 * One {@link ServerPool} per (database, user), made on first use from the databases file; the
 * {@link ServerSelector} that picks their server and fails over; the {@link PauseGate} of
 * PAUSE/RESUME and shutdown; and one maintenance thread (idle eviction, min_size upkeep),
 * which starts the health checks on threads of their own.
 */
public final class PoolManager implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.weft.pooler");

    private volatile PoolerConfig config;
    private final ConcurrentMap<String, ServerPool> pools = new ConcurrentHashMap<>();
    /** Pools a reload removed, until their last connection is closed (PAUSE still waits for them). */
    private final Set<ServerPool> retired = ConcurrentHashMap.newKeySet();
    /** Passes of the maintenance loop so far (written by its thread only): tests wait on it. */
    private volatile long maintenancePasses;
    private final ServerSelector selector;
    private final PauseGate gate = new PauseGate();
    private final Thread maintenance;
    /**
     * The health check in progress, or the last one (maintenance thread only, and close): it
     * runs beside the maintenance loop, so a server that hangs its probe for
     * {@code connect_timeout} delays neither idle eviction nor min_size upkeep.
     */
    private volatile Thread healthCheck;
    private final ThreadFactory threads;
    private final Set<String> suspects = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public PoolManager(PoolerConfig config, ThreadFactory threads, SocketFactory sockets) {
        this.config = config;
        this.threads = threads;
        this.selector = new ServerSelector(this::config, sockets, this::closeIdleTo);
        this.maintenance = threads.newThread(this::maintain);
        this.maintenance.start();
    }

    /** The configuration the pools follow (a reload replaces it through {@link #apply}). */
    public PoolerConfig config() {
        return config;
    }

    /** Which server new connections go to; its {@link ServerSelector#failovers()} is the failover count. */
    public ServerSelector selector() {
        return selector;
    }

    /** Failovers since start (see {@link ServerSelector}). */
    public long failovers() {
        return selector.failovers();
    }

    PauseGate gate() {
        return gate;
    }

    /** The pool for {@code user} on {@code database}, if the databases file allows the pair. */
    public Optional<ServerPool> pool(String database, String user) {
        String key = database + '\0' + user;
        ServerPool p = pools.get(key);
        if (p != null) return Optional.of(p);
        Optional<DatabaseRule> rule = config.rule(database, user);
        if (rule.isEmpty() || closed) return Optional.empty();
        ServerPool created = new ServerPool(this, database, user, rule.get());
        ServerPool existing = pools.putIfAbsent(key, created);
        if (existing != null) return Optional.of(existing);
        int initial = Math.max(rule.get().initialSize(), rule.get().minSize());
        if (initial > 0) {
            threads.newThread(() -> created.fill(initial)).start();
        }
        return Optional.of(created);
    }

    /** Prefills the pools of rules that name a database and a user (not 'all'). */
    public void prefill() {
        for (DatabaseRule r : config.databases()) {
            if (!r.database().equals("all") && !r.user().equals("all")) {
                pool(r.database(), r.user());
            }
        }
    }

    /** The pools made so far. */
    public List<ServerPool> all() {
        return new ArrayList<>(pools.values());
    }

    public List<ServerPool.PoolStats> stats() {
        List<ServerPool.PoolStats> list = new ArrayList<>();
        for (ServerPool p : pools.values()) list.add(p.stats());
        return list;
    }

    /**
     * A reload: the pools follow {@code fresh}. A pool whose rule changed takes the new sizes;
     * a pool no rule matches any more is retired (see {@link ServerPool#retire}); idle
     * connections to servers no longer configured are closed (those in use close when
     * released); servers marked down that answer now are back in the failover order. Returns
     * what changed, one phrase each.
     */
    public List<String> apply(PoolerConfig fresh) {
        PoolerConfig old = config;
        config = fresh;
        List<String> changes = new ArrayList<>();
        for (ServerAddress s : old.servers()) {
            if (fresh.servers().stream().noneMatch(s::sameServer)) {
                changes.add("server " + s + " removed: its connections close when idle");
                closeIdleTo(s);
            }
        }
        for (ServerAddress s : fresh.servers()) {
            if (old.servers().stream().noneMatch(s::sameServer)) changes.add("server " + s + " added");
        }
        if (!old.servers().equals(fresh.servers()) && changes.isEmpty()) {
            changes.add("server order or databases changed");
        }
        changes.addAll(selector.reloaded());
        for (var e : pools.entrySet()) {
            ServerPool p = e.getValue();
            Optional<DatabaseRule> rule = fresh.rule(p.database, p.user);
            if (rule.isEmpty()) {
                // Into retired before out of pools: PAUSE and the shutdown, which look at both,
                // must never miss it (counting it twice for a moment only makes PAUSE wait).
                retired.add(p);
                pools.remove(e.getKey(), p);
                p.retire();
                changes.add("pool " + p.user + "/" + p.database + " removed: its clients keep their connections,"
                        + " which close when released");
            } else if (!sameSizes(rule.get(), p.rule())) {
                DatabaseRule was = p.rule();
                p.setRule(rule.get());
                changes.add("pool " + p.user + "/" + p.database + " max_size " + was.maxSize() + " -> "
                        + rule.get().maxSize() + ", min_size " + was.minSize() + " -> " + rule.get().minSize());
            } else {
                p.setRule(rule.get());
            }
        }
        prefill();
        return changes;
    }

    private static boolean sameSizes(DatabaseRule a, DatabaseRule b) {
        return a.maxSize() == b.maxSize() && a.minSize() == b.minSize() && a.initialSize() == b.initialSize();
    }

    /**
     * PAUSE: no new server work starts (clients asking for a connection wait, see
     * {@link PauseGate}); returns true once every server connection is back idle in its pool,
     * false if {@code timeout} passed first. The pooler stays paused either way until
     * {@link #resume}.
     */
    public boolean pause(Duration timeout) throws InterruptedException {
        gate.pause();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            int busy = inUse();
            if (busy == 0) {
                LOG.log(Level.INFO, "paused: every server connection is idle");
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || gate.shutdown()) {
                LOG.log(Level.WARNING, "pause: " + busy + " server connections still in use after " + timeout.toMillis()
                        + " ms; the pooler stays paused until RESUME");
                return false;
            }
            gate.awaitReturn(left);
        }
    }

    /** RESUME: clients waiting for a server connection go on. */
    public void resume() {
        gate.resume();
        LOG.log(Level.INFO, "resumed");
    }

    /** Server connections in use in every pool, retired ones included. */
    public int inUse() {
        int n = 0;
        for (ServerPool p : pools.values()) n += p.inUse();
        for (ServerPool p : retired) n += p.inUse();
        return n;
    }

    /** Shutdown: clients waiting for a server connection (or for RESUME) give up with 57P01. */
    public void beginShutdown() {
        gate.shutDown();
        pools.values().forEach(ServerPool::wakeWaiters);
        retired.forEach(ServerPool::wakeWaiters);
    }

    private void closeIdleTo(ServerAddress server) {
        pools.values().forEach(p -> p.closeIdleTo(server));
    }

    /**
     * A connection to {@code server} broke under a client: probe the server now (on the
     * caller's thread, which is ending anyway), once however many connections broke.
     */
    void suspect(ServerAddress server) {
        if (closed || selector.isDown(server) || !suspects.add(server.name())) return;
        try {
            String problem = selector.probe(server, config.connectTimeoutMillis());
            if (problem != null) selector.markDown(server, null, problem);
        } finally {
            suspects.remove(server.name());
        }
    }

    private void maintain() {
        long lastCheck = System.nanoTime();
        while (!closed) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            PoolerConfig cfg = config;
            for (ServerPool p : pools.values()) {
                p.evictIdle(cfg.idleTimeoutMillis());
                if (p.rule().minSize() > 0) p.fill(p.rule().minSize());
            }
            // A retired pool stays known (to PAUSE, the shutdown, close) until its last client has
            // gone, not merely until its connections are idle: a client of the transaction
            // pipeline takes a connection from it again for its next transaction. Closing it then
            // makes a client that looked it up just before the reload fail instead of using an
            // orphan pool nobody would wake at shutdown.
            retired.removeIf(p -> {
                if (p.inUse() > 0 || p.counters().clientCount() > 0) return false;
                p.close();
                return true;
            });
            long period = cfg.healthCheckPeriodMillis();
            if (period > 0 && System.nanoTime() - lastCheck >= period * 1_000_000L && !closed) {
                lastCheck = System.nanoTime();
                Thread previous = healthCheck;
                if (previous == null || !previous.isAlive()) { // one at a time: a hanging probe is not doubled
                    Thread check = threads.newThread(() -> selector.checkHealth(threads));
                    healthCheck = check;
                    check.start();
                    if (closed) check.interrupt(); // a close between the check of closed and the write above missed it
                }
            }
            maintenancePasses++;
        }
    }

    /**
     * How many passes the maintenance thread (idle eviction, min_size, retired pools, starting
     * a health check when one is due) has made; a caller that needs one to have happened waits
     * for this to grow.
     */
    public long maintenancePasses() {
        return maintenancePasses;
    }

    /** Health checks completed (every server probed) since start; a caller that needs one waits for this to grow. */
    public long healthChecks() {
        return selector.healthChecks();
    }

    @Override
    public void close() {
        closed = true;
        beginShutdown();
        maintenance.interrupt();
        Thread check = healthCheck;
        if (check != null) check.interrupt();
        pools.values().forEach(ServerPool::close);
        retired.forEach(ServerPool::close);
    }
}
