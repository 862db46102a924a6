package io.weft.pooler.pool;

import javax.net.SocketFactory;
import io.weft.pooler.config.DatabaseRule;
import io.weft.pooler.config.ServerAddress;
import io.weft.pooler.tls.ServerTls;
import io.weft.pooler.stats.PoolCounters;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The server connections of one (database, user): at most {@code max_size}, {@code min_size}
 * kept open, {@code initial_size} opened at start. Clients block in {@link #acquire} up to
 * {@code blocking_timeout} when all are in use. A {@code ReentrantLock}, not
 * {@code synchronized}, so waiting virtual threads unmount.
 */
public final class ServerPool {
    private final SocketFactory sockets;
    private final ServerTls tls;
    private static final System.Logger LOG = System.getLogger("io.weft.pooler");

    public final String database;
    public final String user;
    private final DatabaseRule rule;
    private final ServerAddress server;
    private final String password;
    private final int maxMessage;
    private final long connectTimeoutMillis;
    private final boolean validate;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final ArrayDeque<ServerConnection> idle = new ArrayDeque<>();
    private int total;
    private int waiting;
    private boolean closed;
    private volatile Map<String, String> serverParameters = Map.of();
    /** Statistics: the pool's counters and its open server connections (SHOW POOLS/STATS/SERVERS, metrics). */
    private final PoolCounters counters;
    private final java.util.Set<ServerConnection> open = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public ServerPool(SocketFactory sockets, String database, String user, DatabaseRule rule, ServerAddress server,
                      String password, int maxMessage, long connectTimeoutMillis, boolean validate) {
        this(sockets, ServerTls.DISABLED, database, user, rule, server, password, maxMessage, connectTimeoutMillis,
                validate);
    }

    /** A pool whose connections ask the server for TLS as {@code tls} says. */
    public ServerPool(SocketFactory sockets, ServerTls tls, String database, String user, DatabaseRule rule,
                      ServerAddress server, String password, int maxMessage, long connectTimeoutMillis,
                      boolean validate) {
        this.sockets = sockets;
        this.tls = tls;
        this.database = database;
        this.user = user;
        this.rule = rule;
        this.server = server;
        this.password = password;
        this.maxMessage = maxMessage;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.validate = validate;
        this.counters = new PoolCounters(database, user);
    }

    /**
     * A connection for the caller's exclusive use, waiting up to {@code timeoutMillis} (0:
     * forever) when all {@code max_size} are in use.
     */
    public ServerConnection acquire(long timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (;;) {
            ServerConnection c = null;
            boolean open = false;
            lock.lock();
            try {
                while (idle.isEmpty() && total >= rule.maxSize() && !closed) {
                    waiting++;
                    try {
                        if (timeoutMillis <= 0) {
                            available.await();
                        } else {
                            long left = deadline - System.nanoTime();
                            if (left <= 0 || !awaitNanos(left)) {
                                throw new PoolTimeoutException("no server connection for " + user + "/" + database
                                        + " became free within blocking_timeout (" + timeoutMillis + " ms; max_size "
                                        + rule.maxSize() + ")");
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException("interrupted while waiting for a server connection");
                    } finally {
                        waiting--;
                    }
                }
                if (closed) throw new IOException("pool " + user + "/" + database + " is closed");
                if (!idle.isEmpty()) {
                    c = idle.pollFirst(); // most recently used first: warm caches, idle ones age out
                } else {
                    total++;
                    open = true;
                }
            } finally {
                lock.unlock();
            }
            if (open) {
                return openCounted();
            }
            if (c.isClosed() || (validate && !valid(c))) {
                discard(c);
                continue;
            }
            c.touch();
            return c;
        }
    }

    private boolean awaitNanos(long nanos) throws InterruptedException {
        return available.awaitNanos(nanos) > 0 || !idle.isEmpty() || total < rule.maxSize();
    }

    private ServerConnection openCounted() throws IOException {
        try {
            ServerConnection c = ServerConnection.open(sockets, tls, server, database, user, password, maxMessage, connectTimeoutMillis);
            serverParameters = Map.copyOf(c.parameters);
            open.add(c);
            c.onClose(open::remove);
            return c;
        } catch (IOException | RuntimeException e) {
            counters.connectFailed();
            lock.lock();
            try {
                total--;
                available.signal();
            } finally {
                lock.unlock();
            }
            throw e;
        }
    }

    private static boolean valid(ServerConnection c) {
        try {
            return c.simpleQuery("") == 'I';
        } catch (IOException e) {
            LOG.log(Level.INFO, "validation failed for " + c + ": " + e.getMessage());
            return false;
        }
    }

    /** Gives back a connection that is idle (ReadyForQuery 'I') and reset as the pipeline needs. */
    public void release(ServerConnection c) {
        c.touch();
        c.serve(null);
        lock.lock();
        try {
            if (closed) {
                total--;
                c.close();
                return;
            }
            idle.addFirst(c);
            available.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Closes a connection that cannot be reused (broken, or in an unknown state). */
    public void discard(ServerConnection c) {
        c.close();
        lock.lock();
        try {
            total--;
            available.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Opens connections until {@code count} exist (initial_size, then min_size upkeep). */
    public void fill(int count) {
        for (;;) {
            lock.lock();
            try {
                if (closed || total >= Math.min(count, rule.maxSize())) return;
                total++;
            } finally {
                lock.unlock();
            }
            try {
                release(openCounted());
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot open a server connection for " + user + "/" + database + ": "
                        + e.getMessage());
                return;
            }
        }
    }

    /** Closes idle connections unused for {@code idleTimeoutMillis}, keeping {@code min_size}. */
    public void evictIdle(long idleTimeoutMillis) {
        if (idleTimeoutMillis <= 0) return;
        List<ServerConnection> evicted = new ArrayList<>();
        long now = System.nanoTime();
        lock.lock();
        try {
            var it = idle.descendingIterator(); // the least recently used are at the end
            while (it.hasNext() && total - evicted.size() > rule.minSize()) {
                ServerConnection c = it.next();
                if (now - c.lastUsedNanos() >= TimeUnit.MILLISECONDS.toNanos(idleTimeoutMillis)) {
                    it.remove();
                    evicted.add(c);
                }
            }
            total -= evicted.size();
        } finally {
            lock.unlock();
        }
        evicted.forEach(ServerConnection::close);
    }

    /** The server parameters of the most recently opened connection (for transaction clients). */
    public Map<String, String> serverParameters() {
        return serverParameters;
    }

    public DatabaseRule rule() {
        return rule;
    }

    /** A consistent view of the pool's counts. */
    public PoolStats stats() {
        lock.lock();
        try {
            return new PoolStats(database, user, total, idle.size(), total - idle.size(), waiting, rule.maxSize());
        } finally {
            lock.unlock();
        }
    }

    /** Closes idle connections now; connections in use are closed when released. */
    public void close() {
        List<ServerConnection> toClose;
        lock.lock();
        try {
            closed = true;
            toClose = new ArrayList<>(idle);
            total -= idle.size();
            idle.clear();
            available.signalAll();
        } finally {
            lock.unlock();
        }
        toClose.forEach(ServerConnection::close);
    }

    public PoolCounters counters() {
        return counters;
    }

    /** The server connections open now (in use or idle). */
    public List<ServerConnection> connections() {
        return new ArrayList<>(open);
    }

    /** Counts of one pool. */
    public record PoolStats(String database, String user, int total, int idle, int active, int waiting, int maxSize) {}
}
