package io.weft.pooler.pool;

import io.weft.pooler.config.DatabaseRule;
import io.weft.pooler.config.PoolerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** One {@link ServerPool} per (database, user), made on first use from the databases file. */
public final class PoolManager implements AutoCloseable {
    private final javax.net.SocketFactory sockets;
    private final PoolerConfig config;
    private final ConcurrentMap<String, ServerPool> pools = new ConcurrentHashMap<>();
    private final Thread maintenance;
    private final java.util.concurrent.ThreadFactory threads;
    private volatile boolean closed;

    public PoolManager(PoolerConfig config, java.util.concurrent.ThreadFactory threads,
                       javax.net.SocketFactory sockets) {
        this.config = config;
        this.sockets = sockets;
        this.threads = threads;
        this.maintenance = threads.newThread(this::maintain);
        this.maintenance.start();
    }

    /** The pool for {@code user} on {@code database}, if the databases file allows the pair. */
    public Optional<ServerPool> pool(String database, String user) {
        String key = database + '\0' + user;
        ServerPool p = pools.get(key);
        if (p != null) return Optional.of(p);
        Optional<DatabaseRule> rule = config.rule(database, user);
        if (rule.isEmpty()) return Optional.empty();
        ServerPool created = new ServerPool(sockets, config.security().serverTls(), database, user, rule.get(), config.primary(), config.users().get(user),
                config.maxMessageLength(), config.connectTimeoutMillis(), config.validation());
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

    private void maintain() {
        while (!closed) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            for (ServerPool p : pools.values()) {
                p.evictIdle(config.idleTimeoutMillis());
                if (p.rule().minSize() > 0) p.fill(p.rule().minSize());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        maintenance.interrupt();
        pools.values().forEach(ServerPool::close);
    }
}
