package io.weft.pooler.admin;

import io.weft.pooler.config.PoolerConfig;
import io.weft.pooler.pool.PoolManager;
import io.weft.pooler.pool.ServerConnection;
import io.weft.pooler.pool.ServerPool;
import io.weft.pooler.stats.ClientStats;
import io.weft.pooler.stats.PoolTotals;
import io.weft.pooler.stats.PoolerStats;
import io.weft.pooler.stats.Rates;
import io.weft.scheduler.CarrierStats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * What the admin console and the metrics endpoint show: the pools, clients and server
 * connections of a running pooler and the scheduler's carriers, read when asked (nothing is
 * kept up to date in the background but the stats period's rates).
 */
public final class PoolerView {
    private final Supplier<PoolerConfig> config;
    private final PoolManager pools;
    private final PoolerStats stats;
    private final Supplier<List<CarrierStats>> carriers;
    private final IntSupplier connectedClients;
    private final String threads;

    /**
     * @param carriers          the scheduler's per-carrier counters; an empty list on the JDK's scheduler
     * @param connectedClients  clients connected now, logging in or logged in
     * @param threads           what runs the pooler's threads, e.g. "weft on io_uring (2 carriers)"
     */
    public PoolerView(Supplier<PoolerConfig> config, PoolManager pools, PoolerStats stats,
                      Supplier<List<CarrierStats>> carriers, IntSupplier connectedClients, String threads) {
        this.config = config;
        this.pools = pools;
        this.stats = stats;
        this.carriers = carriers;
        this.connectedClients = connectedClients;
        this.threads = threads;
    }

    /**
     * One pool now. Server counts are the pool's ({@code svActive} includes connections being
     * opened); client counts are of its logged-in clients.
     */
    public record PoolRow(String database, String user, int clActive, int clWaiting, int clIdle, int svActive,
                          int svIdle, int svTotal, int maxSize, long longestWaitNanos, PoolTotals totals, Rates rates) {}

    /** One server connection now; {@code clientId} is 0 when it serves nobody. */
    public record ServerRow(String user, String database, String state, String host, int port, int localPort,
                            long connectedAtMillis, long requestAtMillis, String tls, int pid, long clientId) {}

    public PoolerConfig config() {
        return config.get();
    }

    public String threads() {
        return threads;
    }

    public int connectedClients() {
        return connectedClients.getAsInt();
    }

    public List<PoolRow> pools() {
        List<PoolRow> rows = new ArrayList<>();
        for (ServerPool p : sorted()) {
            ServerPool.PoolStats s = p.stats();
            int active = 0;
            int waiting = 0;
            int idle = 0;
            long longest = 0;
            for (ClientStats c : p.counters().clients()) {
                switch (c.state()) {
                    case "active" -> active++;
                    case "waiting" -> waiting++;
                    default -> idle++;
                }
                longest = Math.max(longest, c.waitingNanos());
            }
            rows.add(new PoolRow(p.database, p.user, active, waiting, idle, s.active(), s.idle(), s.total(), s.maxSize(),
                    longest, p.counters().totals(), p.counters().rates()));
        }
        return rows;
    }

    /** The clients logged in now, pooled and admin console ones, oldest first. */
    public List<ClientStats> clients() {
        List<ClientStats> all = new ArrayList<>(stats.adminClients());
        for (ServerPool p : pools.all()) all.addAll(p.counters().clients());
        all.sort(Comparator.comparingLong(c -> c.id));
        return all;
    }

    public List<ServerRow> servers() {
        List<ServerRow> rows = new ArrayList<>();
        long nowMillis = System.currentTimeMillis();
        long nowNanos = System.nanoTime();
        for (ServerPool p : sorted()) {
            for (ServerConnection c : p.connections()) {
                ClientStats client = c.client();
                rows.add(new ServerRow(c.user, c.database, client != null ? "active" : "idle", c.address.host(),
                        c.address.port(), c.localPort(), c.connectedAtMillis,
                        nowMillis - (nowNanos - c.lastUsedNanos()) / 1_000_000, c.tlsProtocol(), c.pid(), client != null ? client.id : 0));
            }
        }
        rows.sort(Comparator.comparingLong(ServerRow::connectedAtMillis).thenComparingInt(ServerRow::pid));
        return rows;
    }

    /** The version the pooled servers report (for psql on the console); null before any server connection. */
    public String serverVersion() {
        for (ServerPool p : pools.all()) {
            String v = p.serverParameters().get("server_version");
            if (v != null) return v;
        }
        return null;
    }

    /** Pooler-side failures of {@code kind} since the start, in pools and outside them. */
    public long failures(PoolerStats.Failure kind) {
        long n = stats.unpooled(kind);
        for (ServerPool p : pools.all()) {
            PoolTotals t = p.counters().totals();
            if (kind == PoolerStats.Failure.PROTOCOL) n += t.protocolViolations();
            if (kind == PoolerStats.Failure.SERVER_CONNECT) n += t.connectFailures();
        }
        return n;
    }

    /** Times new server connections moved to the next server because one was down (Failover). */
    public long failovers() {
        return pools.failovers();
    }

    /** One [server NAME] section and whether new connections may go to it (not marked down). */
    public record ServerHealth(String name, String host, int port, boolean up) {}

    /** The configured servers, in failover order, with their health as the pooler sees it now. */
    public List<ServerHealth> serverHealth() {
        List<ServerHealth> list = new ArrayList<>();
        for (io.weft.pooler.config.ServerAddress s : config().servers()) {
            list.add(new ServerHealth(s.name(), s.host(), s.port(), !pools.selector().isDown(s)));
        }
        return list;
    }

    /** The Weft carriers' counters; empty when the pooler runs on the JDK's virtual threads. */
    public List<CarrierStats> carriers() {
        return carriers.get();
    }

    private List<ServerPool> sorted() {
        List<ServerPool> list = pools.all();
        list.sort(Comparator.comparing((ServerPool p) -> p.database).thenComparing(p -> p.user));
        return list;
    }
}
