package io.weft.pooler.stats;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * One client connection as SHOW CLIENTS lists it, and its counters.
 *
 * <p>The counters are on the relay's hot path, so they are plain fields with a single writer
 * each, written with opaque stores (a plain store on x86 and ARM: no fence, no atomic
 * read-modify-write, no allocation): the client's thread writes what the client sent, the
 * server thread writes what went back to the client (under the relay's lock, so one server
 * thread after another). Readers on other threads read them opaquely: a value may be a message
 * behind, never torn. When the client leaves, {@link PoolCounters#unregister} folds the
 * counters into the pool's totals.
 */
public final class ClientStats {
    private static final VarHandle BYTES_IN;
    private static final VarHandle BYTES_OUT;
    private static final VarHandle QUERIES;
    private static final VarHandle TRANSACTIONS;
    private static final VarHandle ERRORS;
    private static final VarHandle REQUEST_AT;
    private static final VarHandle SERVER_PID;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            BYTES_IN = l.findVarHandle(ClientStats.class, "bytesIn", long.class);
            BYTES_OUT = l.findVarHandle(ClientStats.class, "bytesOut", long.class);
            QUERIES = l.findVarHandle(ClientStats.class, "queries", long.class);
            TRANSACTIONS = l.findVarHandle(ClientStats.class, "transactions", long.class);
            ERRORS = l.findVarHandle(ClientStats.class, "errors", long.class);
            REQUEST_AT = l.findVarHandle(ClientStats.class, "requestAtMillis", long.class);
            SERVER_PID = l.findVarHandle(ClientStats.class, "serverPid", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A type byte and a length field precede every message's payload. */
    private static final int HEADER = 5;

    public final long id;
    public final String user;
    public final String database;
    public final String applicationName;
    public final SocketAddress remote;
    public final SocketAddress local;
    public final long connectedAtMillis = System.currentTimeMillis();
    /** The pool the client uses; null for an admin console client. */
    final PoolCounters pool;

    // Written by the client's thread.
    @SuppressWarnings("unused") private long bytesIn;
    @SuppressWarnings("unused") private long queries;
    @SuppressWarnings("unused") private long requestAtMillis;
    // Written by the server thread of the moment.
    @SuppressWarnings("unused") private long bytesOut;
    @SuppressWarnings("unused") private long transactions;
    @SuppressWarnings("unused") private long errors;

    /** Since when the client waits for a server connection (System.nanoTime), 0 if it does not. */
    private volatile long waitingSinceNanos;
    /** The server process the client's server connection talks to; 0 with none attached. */
    private volatile int serverPid;

    /** "no", or the TLS protocol the client talks to the pooler with (SHOW CLIENTS). */
    private volatile String tls = "no";

    ClientStats(long id, PoolCounters pool, String user, String database, String applicationName,
                SocketAddress remote, SocketAddress local) {
        this.id = id;
        this.pool = pool;
        this.user = user;
        this.database = database;
        this.applicationName = applicationName == null ? "" : applicationName;
        this.remote = remote;
        this.local = local;
        this.requestAtMillis = connectedAtMillis;
    }

    /** Records the TLS protocol of the client's connection (set once, at log-in). */
    public void tls(String protocol) {
        this.tls = protocol;
    }

    public String tls() {
        return tls;
    }

    // ---- hot path --------------------------------------------------------------------------

    /** The client's thread read a message of {@code type} from the client. */
    public void fromClient(byte type, int payloadLength) {
        add(BYTES_IN, payloadLength + HEADER);
        if (type == 'Q' || type == 'S') {
            add(QUERIES, 1);
            REQUEST_AT.setOpaque(this, System.currentTimeMillis());
        }
    }

    /**
     * A server message of {@code type} goes to the client; {@code status} is the transaction
     * status of a ReadyForQuery. Back to idle ends a transaction (an autocommit statement or a
     * COMMIT/ROLLBACK).
     */
    public void toClient(byte type, int payloadLength, byte status) {
        add(BYTES_OUT, payloadLength + HEADER);
        if (type == 'Z') {
            if (status == 'I') add(TRANSACTIONS, 1);
        } else if (type == 'E') {
            add(ERRORS, 1);
        }
    }

    private void add(VarHandle counter, long n) {
        counter.setOpaque(this, (long) counter.getOpaque(this) + n);
    }

    // ---- state changes (once per server connection attached, not per message) ---------------

    /** The client starts waiting for a server connection; returns the start for {@link #stopWaiting}. */
    public long startWaiting() {
        long now = System.nanoTime();
        waitingSinceNanos = now == 0 ? 1 : now;
        return now;
    }

    /** The wait that began at {@code start} ended (with a connection or not); counted in the pool. */
    public void stopWaiting(long start) {
        waitingSinceNanos = 0;
        if (pool != null) pool.waited(System.nanoTime() - start);
    }

    /** A server connection to process {@code pid} serves the client now. */
    public void serverPid(int pid) {
        serverPid = pid;
    }

    /**
     * The connection to process {@code pid} no longer serves the client. Only if it is still the
     * one recorded: in the transaction pipeline the client may have its next one already.
     */
    public void serverGone(int pid) {
        SERVER_PID.compareAndSet(this, pid, 0);
    }

    // ---- readers -----------------------------------------------------------------------------

    public long bytesIn() {
        return (long) BYTES_IN.getOpaque(this);
    }

    public long bytesOut() {
        return (long) BYTES_OUT.getOpaque(this);
    }

    public long queries() {
        return (long) QUERIES.getOpaque(this);
    }

    public long transactions() {
        return (long) TRANSACTIONS.getOpaque(this);
    }

    public long errors() {
        return (long) ERRORS.getOpaque(this);
    }

    public long requestAtMillis() {
        return (long) REQUEST_AT.getOpaque(this);
    }

    public int serverPid() {
        return serverPid;
    }

    /** How long the client has been waiting for a server connection, in nanoseconds; 0 if it is not. */
    public long waitingNanos() {
        long since = waitingSinceNanos;
        return since == 0 ? 0 : Math.max(1, System.nanoTime() - since);
    }

    /** {@code active} (a server connection attached), {@code waiting} (for one) or {@code idle}. */
    public String state() {
        if (serverPid != 0) return "active";
        return waitingSinceNanos != 0 ? "waiting" : "idle";
    }

    /** The host part of an address ("" if it is not an internet address). */
    public static String host(SocketAddress a) {
        return a instanceof InetSocketAddress i && i.getAddress() != null ? i.getAddress().getHostAddress() : "";
    }

    /** The port of an address (0 if it is not an internet address). */
    public static int port(SocketAddress a) {
        return a instanceof InetSocketAddress i ? i.getPort() : 0;
    }
}
