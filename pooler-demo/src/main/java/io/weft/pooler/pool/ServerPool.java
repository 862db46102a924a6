package io.weft.pooler.pool;

import io.weft.pooler.config.DatabaseRule;
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
    private static final System.Logger LOG = System.getLogger("io.weft.pooler");

    public final String database;
    public final String user;
    private final PoolManager owner;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final ArrayDeque<ServerConnection> idle = new ArrayDeque<>();
    /** The databases-file rule in force (a reload may change it). */
    private volatile DatabaseRule rule;
    private int total;
    private int waiting;
    private boolean closed;
    /** A reload removed this pool's rule: no connection goes back to it, it closes when idle. */
    private boolean retired;
    private volatile Map<String, String> serverParameters = Map.of();
    /** Statistics: the pool's counters and its open server connections (SHOW POOLS/STATS/SERVERS, metrics). */
    private final PoolCounters counters;
    private final java.util.Set<ServerConnection> open = java.util.concurrent.ConcurrentHashMap.newKeySet();

    ServerPool(PoolManager owner, String database, String user, DatabaseRule rule) {
        this.owner = owner;
        this.database = database;
        this.user = user;
        this.rule = rule;
        this.counters = new PoolCounters(database, user);
    }

    /**
     * A connection for the caller's exclusive use, waiting up to {@code timeoutMillis} (0:
     * forever) when all {@code max_size} are in use.
     */
    public ServerConnection acquire(long timeoutMillis) throws IOException {
        PauseGate gate = owner.gate();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (;;) {
            deadline += gate.awaitOpen(); // time paused does not count against blocking_timeout
            ServerConnection c = null;
            boolean open = false;
            lock.lock();
            try {
                while (idle.isEmpty() && total >= rule.maxSize() && !closed && !gate.shutdown()) {
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
                if (gate.shutdown()) throw new ShuttingDownException();
                if (closed) throw new IOException("pool " + user + "/" + database + " is closed");
                if (gate.paused()) {
                    continue; // PAUSE came while this client waited: back to the gate
                }
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
            if (!reusable(c) || (owner.config().validation() && !valid(c))) {
                discard(c);
                continue;
            }
            c.touch();
            return c;
        }
    }

    /**
     * Whether a pooled connection may be handed out: open, to the server new connections go
     * to (not one marked down, nor an address a reload replaced), and, if it idled a while,
     * with nothing unread: a server that shut down has sent FATAL 57P01 to its idle sessions,
     * and an idle server connection otherwise sends nothing. (Only after a short idle, so
     * connections passed from transaction to transaction do not pay for the check.)
     */
    private boolean reusable(ServerConnection c) {
        if (c.isClosed() || !owner.selector().isTarget(c)) return false;
        return System.nanoTime() - c.lastUsedNanos() < TimeUnit.MILLISECONDS.toNanos(50) || c.nothingUnread();
    }

    private boolean awaitNanos(long nanos) throws InterruptedException {
        return available.awaitNanos(nanos) > 0 || !idle.isEmpty() || total < rule.maxSize();
    }

    private ServerConnection openCounted() throws IOException {
        try {
            ServerConnection c = owner.selector().open(database, user, owner.config().users().get(user));
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
            owner.gate().connectionReturned();
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

    /**
     * Gives back a connection that is idle (ReadyForQuery 'I') and reset as the pipeline needs.
     * It is closed instead if the pool is closed or retired, over a max_size a reload lowered,
     * or to a server new connections no longer go to.
     */
    public void release(ServerConnection c) {
        c.touch();
        c.serve(null);
        boolean keep = !c.isClosed() && owner.selector().isTarget(c);
        lock.lock();
        try {
            if (closed || retired || !keep || total > rule.maxSize()) {
                total--;
                c.close();
            } else {
                idle.addFirst(c);
            }
            available.signal();
        } finally {
            lock.unlock();
        }
        owner.gate().connectionReturned();
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
        owner.gate().connectionReturned();
    }

    /**
     * A connection in use broke under a client (the relay saw it closed or failing): asks the
     * selector to probe its server now rather than at the next health check, so that a dead
     * server's other pooled connections are not handed out meanwhile.
     */
    public void connectionLost(ServerConnection c) {
        owner.suspect(c.address);
    }

    /** Opens connections until {@code count} exist (initial_size, then min_size upkeep). */
    public void fill(int count) {
        for (;;) {
            lock.lock();
            try {
                if (closed || retired || total >= Math.min(count, rule.maxSize())) return;
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

    /**
     * A reload changed the pool's rule: a lower max_size closes surplus idle connections now
     * (connections in use close when released), a higher one lets waiting clients go on.
     */
    void setRule(DatabaseRule newRule) {
        List<ServerConnection> surplus = new ArrayList<>();
        lock.lock();
        try {
            rule = newRule;
            while (total > newRule.maxSize() && !idle.isEmpty()) {
                surplus.add(idle.pollLast());
                total--;
            }
            available.signalAll();
        } finally {
            lock.unlock();
        }
        surplus.forEach(ServerConnection::close);
    }

    /**
     * A reload removed the pool's rule: no new client comes to it (the manager forgot it); the
     * clients already in it keep their connections and are still served, but every connection
     * is closed when it comes back, so the pool empties as they leave.
     */
    void retire() {
        List<ServerConnection> toClose;
        lock.lock();
        try {
            retired = true;
            toClose = new ArrayList<>(idle);
            total -= idle.size();
            idle.clear();
        } finally {
            lock.unlock();
        }
        toClose.forEach(ServerConnection::close);
    }

    /** Closes idle connections to {@code server} (it was marked down, or a reload replaced it). */
    void closeIdleTo(io.weft.pooler.config.ServerAddress server) {
        List<ServerConnection> toClose = new ArrayList<>();
        lock.lock();
        try {
            var it = idle.iterator();
            while (it.hasNext()) {
                ServerConnection c = it.next();
                if (c.address.sameServer(server)) {
                    it.remove();
                    toClose.add(c);
                }
            }
            total -= toClose.size();
            if (!toClose.isEmpty()) available.signalAll();
        } finally {
            lock.unlock();
        }
        toClose.forEach(ServerConnection::close);
    }

    /** Wakes clients waiting for a connection (shutdown: they give up). */
    void wakeWaiters() {
        lock.lock();
        try {
            available.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Connections handed out (or being opened) now: PAUSE waits for this to be 0 everywhere. */
    int inUse() {
        lock.lock();
        try {
            return total - idle.size();
        } finally {
            lock.unlock();
        }
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
