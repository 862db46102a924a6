package io.weft.pooler.pool;

import io.weft.pooler.config.PoolerConfig;
import io.weft.pooler.config.ServerAddress;
import io.weft.pooler.protocol.Protocol;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.SocketFactory;

/**
 * Which server new connections go to, and failover.
 *
 * <p>The {@code [server NAME]} sections, in file order, are the failover order; a server with a
 * {@code databases} option is only in the order of those databases. New connections go to the
 * first server of the order that is not marked down. A server is marked down when opening a
 * connection to it fails for a reason that is the server's (no connection, a timeout, a
 * server shutting down or starting up: SQLSTATE class 57P; not a wrong password or a missing
 * database), or when the health check (every {@code health_check_period}) finds it not
 * answering; the event is logged as a warning naming both servers and the reason, and counted
 * in {@link #failovers()} when another server takes over. Idle pooled connections to a
 * server marked down are closed, and a connection in use is closed when it is released.
 *
 * <p>No automatic fail-back: a server marked down stays out of the order when it answers
 * again (logged once), because a primary that comes back after a standby was promoted may be
 * a diverged old primary. RELOAD (or SIGHUP) puts every server that answers back in its
 * place. The one exception keeps a single-server pooler alive: when every server of a
 * database is down, each new connection tries them all in order, and one that accepts is
 * marked up again.
 */
public final class ServerSelector {
    private static final System.Logger LOG = System.getLogger("io.weft.pooler");

    /** A server marked down: since when and why. */
    private record Down(long sinceNanos, String reason, boolean answersAgain) {}

    private final Supplier<PoolerConfig> config;
    private final SocketFactory sockets;
    private final Consumer<ServerAddress> onDown;
    private final ReentrantLock lock = new ReentrantLock();
    /** Keyed by {@link #key}; guarded by lock; replaced, never changed, so readers need no lock. */
    private volatile Map<String, Down> down = Map.of();
    private final AtomicLong failovers = new AtomicLong();
    private final AtomicLong healthChecks = new AtomicLong();

    ServerSelector(Supplier<PoolerConfig> config, SocketFactory sockets, Consumer<ServerAddress> onDown) {
        this.config = config;
        this.sockets = sockets;
        this.onDown = onDown;
    }

    /** Failovers since start: times a server was marked down and another took its place. */
    public long failovers() {
        return failovers.get();
    }

    /** Whether {@code server} is marked down now. */
    public boolean isDown(ServerAddress server) {
        return down.containsKey(key(server));
    }

    /** Where new connections to {@code database} go now; null if every server for it is down. */
    public ServerAddress target(String database) {
        Map<String, Down> d = down;
        for (ServerAddress s : config.get().servers()) {
            if (s.serves(database) && !d.containsKey(key(s))) return s;
        }
        return null;
    }

    /** Whether a pooled connection may be handed out again: it is to the server new ones go to. */
    boolean isTarget(ServerConnection c) {
        return c.address.sameServer(target(c.database));
    }

    /**
     * Opens a connection to the first server for {@code database} that is up, failing over to the
     * next when one does not answer; every server in order if all are down.
     */
    ServerConnection open(String database, String user, String password) throws IOException {
        PoolerConfig cfg = config.get();
        List<ServerAddress> order = cfg.servers(database);
        if (order.isEmpty()) {
            throw new IOException("no [server] section serves database \"" + database + "\"");
        }
        Map<String, Down> d = down;
        List<ServerAddress> tries = new ArrayList<>();
        for (ServerAddress s : order) {
            if (!d.containsKey(key(s))) tries.add(s);
        }
        boolean lastResort = tries.isEmpty();
        if (lastResort) tries = order;
        IOException failure = null;
        for (ServerAddress s : tries) {
            try {
                ServerConnection c = ServerConnection.open(sockets, cfg.security().serverTls(), s, database, user, password,
                        cfg.maxMessageLength(), cfg.connectTimeoutMillis());
                if (lastResort) markUp(s, "it accepted a connection while no server for " + database + " was up");
                return c;
            } catch (ServerError e) {
                if (!e.sqlState().startsWith("57P")) throw e; // the server is there; the request is wrong
                markDown(s, database, e.getMessage());
                failure = e;
            } catch (IOException e) {
                markDown(s, database, e.getMessage());
                failure = e;
            }
        }
        throw failure;
    }

    /**
     * Marks {@code server} down (once: later reports of the same server are ignored), logs it
     * naming the server that takes over, and closes idle connections to it.
     *
     * @param database the database whose connection failed, or null (health check)
     */
    void markDown(ServerAddress server, String database, String reason) {
        ServerAddress next;
        lock.lock();
        try {
            if (down.containsKey(key(server))) return;
            Map<String, Down> d = new HashMap<>(down);
            d.put(key(server), new Down(System.nanoTime(), reason, false));
            down = Map.copyOf(d);
            next = successor(server, database);
            if (next != null) failovers.incrementAndGet();
        } finally {
            lock.unlock();
        }
        if (next != null) {
            LOG.log(Level.WARNING, "failover: server " + server + " is down (" + reason + "); new server connections"
                    + (database != null ? " to " + database : "") + " go to server " + next);
        } else {
            LOG.log(Level.WARNING, "server " + server + " is down (" + reason + ") and no other server"
                    + (database != null ? " for " + database : "") + " is up: new connections try every server in order");
        }
        onDown.accept(server);
    }

    /** Under lock: the first server that is up and serves {@code database} (or any database {@code failed} serves). */
    private ServerAddress successor(ServerAddress failed, String database) {
        for (ServerAddress s : config.get().servers()) {
            if (s.sameServer(failed) || down.containsKey(key(s))) continue;
            if (database != null ? s.serves(database) : overlaps(failed, s)) return s;
        }
        return null;
    }

    private static boolean overlaps(ServerAddress a, ServerAddress b) {
        if (a.databases().isEmpty() || b.databases().isEmpty()) return true;
        for (String db : a.databases()) {
            if (b.serves(db)) return true;
        }
        return false;
    }

    private void markUp(ServerAddress server, String why) {
        lock.lock();
        try {
            if (!down.containsKey(key(server))) return;
            Map<String, Down> d = new HashMap<>(down);
            d.remove(key(server));
            down = Map.copyOf(d);
        } finally {
            lock.unlock();
        }
        LOG.log(Level.WARNING, "server " + server + " is up again: " + why);
    }

    /**
     * The health check: every server is probed, each on a thread of its own from
     * {@code threads}, so a server that hangs delays no other server's probe; a server that is
     * up and does not answer is marked down; a server that is down and answers again is
     * logged once (it stays down: no automatic fail-back). Returns when every probe has ended
     * (each waits at most {@code connect_timeout}); interrupted, it interrupts the probes
     * (which closes their sockets) and returns at once.
     */
    void checkHealth(ThreadFactory threads) {
        PoolerConfig cfg = config.get();
        List<Thread> probes = new ArrayList<>(cfg.servers().size());
        for (ServerAddress s : cfg.servers()) {
            Thread t = threads.newThread(() -> checkOne(s, cfg.connectTimeoutMillis()));
            t.start();
            probes.add(t);
        }
        try {
            for (Thread t : probes) t.join();
            healthChecks.incrementAndGet();
        } catch (InterruptedException e) {
            probes.forEach(Thread::interrupt);
            Thread.currentThread().interrupt();
        }
    }

    private void checkOne(ServerAddress s, long timeoutMillis) {
        String problem = probe(s, timeoutMillis);
        if (Thread.currentThread().isInterrupted()) return; // the pooler is closing: the answer means nothing
        Down d = down.get(key(s));
        if (d == null) {
            if (problem != null) markDown(s, null, "health check: " + problem);
        } else if (problem == null && !d.answersAgain()) {
            noteAnswersAgain(s, d);
        }
    }

    /** Health checks completed since start (every probe of the check ended). */
    public long healthChecks() {
        return healthChecks.get();
    }

    private void noteAnswersAgain(ServerAddress s, Down d) {
        lock.lock();
        try {
            if (down.get(key(s)) != d) return;
            Map<String, Down> m = new HashMap<>(down);
            m.put(key(s), new Down(d.sinceNanos(), d.reason(), true));
            down = Map.copyOf(m);
        } finally {
            lock.unlock();
        }
        LOG.log(Level.INFO, "server " + s + " answers again; it stays out of the failover order until RELOAD"
                + " (no automatic fail-back)");
    }

    /**
     * After a reload: forgets servers no longer configured, and puts back every server that
     * is down but answers now (fail-back is the operator's RELOAD). Returns what it did.
     */
    List<String> reloaded() {
        PoolerConfig cfg = config.get();
        List<String> changes = new ArrayList<>();
        for (Map.Entry<String, Down> e : down.entrySet()) {
            ServerAddress s = cfg.servers().stream().filter(a -> key(a).equals(e.getKey())).findFirst().orElse(null);
            if (s == null) {
                forget(e.getKey());
            } else if (probe(s, cfg.connectTimeoutMillis()) == null) {
                forget(e.getKey());
                changes.add("server " + s + " is back in the failover order");
                LOG.log(Level.WARNING, "server " + s + " answers and is back in the failover order (RELOAD)");
            } else {
                changes.add("server " + s + " is still down");
            }
        }
        return changes;
    }

    private void forget(String key) {
        lock.lock();
        try {
            Map<String, Down> d = new HashMap<>(down);
            d.remove(key);
            down = Map.copyOf(d);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Probes {@code s}: connects and sends an SSLRequest, which any PostgreSQL answers with one
     * byte ('S' or 'N') before authentication, so the probe needs no user and leaves nothing
     * in the server's log. Returns null if it answered, else why not.
     */
    String probe(ServerAddress s, long timeoutMillis) {
        try (Socket socket = sockets.createSocket()) {
            int t = (int) Math.max(timeoutMillis, 1);
            socket.connect(new InetSocketAddress(s.host(), s.port()), t);
            socket.setSoTimeout(t);
            OutputStream out = socket.getOutputStream();
            out.write(ByteBuffer.allocate(8).putInt(8).putInt(Protocol.SSL_REQUEST).array());
            out.flush();
            InputStream in = socket.getInputStream();
            int answer = in.read();
            if (answer == 'S' || answer == 'N') return null;
            return answer < 0 ? "it closed the connection" : "it answered '" + (char) answer + "', not PostgreSQL";
        } catch (IOException e) {
            return String.valueOf(e.getMessage());
        }
    }

    private static String key(ServerAddress s) {
        return s.name() + '@' + s.host() + ':' + s.port();
    }
}
