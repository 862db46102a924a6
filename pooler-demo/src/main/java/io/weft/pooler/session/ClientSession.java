package io.weft.pooler.session;

import io.weft.pooler.admin.ConsoleEnd;
import io.weft.pooler.config.AuthMethod;
import io.weft.pooler.config.Pipeline;
import io.weft.pooler.config.SecurityOptions;
import io.weft.pooler.pool.ServerConnection;
import io.weft.pooler.pool.ServerPool;
import io.weft.pooler.protocol.PgReader;
import io.weft.pooler.protocol.PgWriter;
import io.weft.pooler.protocol.Protocol;
import io.weft.pooler.protocol.ProtocolException;
import io.weft.pooler.protocol.SqlState;
import io.weft.pooler.stats.ClientStats;
import io.weft.pooler.tls.ClientTls;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLSocket;

/**
 * One client connection, on its own (virtual) thread: start-up (TLS when client_tls allows it,
 * GSS encryption refused with 'N', cancel requests forwarded), access (client_tls = require, the
 * hba file), authentication, the per-database and per-user limits, then a {@link Relay} until
 * the client leaves. Any error ends only this client; the pooler and other clients go on.
 */
public final class ClientSession implements Runnable {
    private static final System.Logger LOG = System.getLogger("io.weft.pooler");
    private static final int MAX_STARTUP_PACKETS = 4;

    /** The accepted socket. */
    private final Socket plain;
    /** The socket the protocol runs on: {@link #plain}, or the TLS socket over it after SSLRequest. */
    private volatile Socket socket;
    private final PoolerContext ctx;
    private final ReentrantLock writeLock = new ReentrantLock();
    private PgReader in;
    private PgWriter out;
    /** The client's registration for SHOW CLIENTS and its counters, once it logged in; removed when it goes. */
    ClientStats stats;
    /** Guarded by writeLock. */
    private boolean fatalSent;
    /** Set once the client is in; read by the shutdown. */
    private volatile Relay relay;
    /** Set when the client is on the admin console instead (it has no relay); read by the shutdown. */
    private volatile ConsoleEnd console;

    public ClientSession(Socket socket, PoolerContext ctx) {
        this.plain = socket;
        this.socket = socket;
        this.ctx = ctx;
    }

    @Override
    public void run() {
        ctx.sessions.add(this);
        try {
            socket.setTcpNoDelay(true);
            // Start-up, TLS handshake and authentication must be done within client_login_timeout:
            // a client that connects and says nothing (or stops half-way) would otherwise hold its
            // thread and descriptor for ever, before max_connections even counts it.
            plain.setSoTimeout((int) ctx.config().clientLoginTimeoutMillis());
            in = new PgReader(socket.getInputStream(), ctx.config().maxMessageLength());
            out = new PgWriter(socket.getOutputStream());
            Map<String, String> params = startup();
            if (params != null) {
                if (!ctx.admit()) {
                    ctx.stats.failure(SqlState.TOO_MANY_CONNECTIONS, null);
                    fatal(SqlState.TOO_MANY_CONNECTIONS, "sorry, too many clients already");
                    return;
                }
                try {
                    serve(params);
                } finally {
                    ctx.stats.remove(stats);
                    ctx.leave();
                }
            }
        } catch (ProtocolException e) {
            LOG.log(Level.INFO, "client " + peer() + ": " + e.getMessage());
            ctx.stats.failure(e.sqlState(), stats);
            fatal(e.sqlState(), e.getMessage());
        } catch (ClientAuthenticator.AuthFailure e) {
            LOG.log(Level.INFO, "client " + peer() + ": " + e.getMessage());
            ctx.stats.failure(e.sqlState, stats);
            fatal(e.sqlState, e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "client " + peer() + " ended: " + e);
        } finally {
            closeClientSocket();
            ctx.sessions.remove(this);
        }
    }

    /** Graceful shutdown: ends the client at its next idle ReadyForQuery (see Relay#endWhenIdle). */
    void endWhenIdle() {
        Relay r = relay;
        if (r != null) r.endWhenIdle();
        ConsoleEnd c = console;
        if (c != null && c.endIfIdle()) {
            fatal(SqlState.ADMIN_SHUTDOWN, "terminating connection due to administrator command");
            closeClientSocket();
        }
        // else: not in yet; serve checks for the shutdown once it has its relay or console
    }

    /** Immediate shutdown: closes the client and the server connection it holds, now. */
    void abort() {
        Relay r = relay;
        if (r != null) r.abort();
        closeClientSocket();
    }

    /** Reads start-up packets until a protocol 3.0 StartupMessage; null if the connection was only a cancel. */
    private Map<String, String> startup() throws IOException {
        for (int i = 0; i < MAX_STARTUP_PACKETS; i++) {
            int code = in.nextStartup();
            switch (code) {
                case -1 -> {
                    return null;
                }
                case Protocol.SSL_REQUEST -> {
                    ClientTls tls = ctx.config().security().clientTls();
                    if (encrypted()) throw new ProtocolException("SSLRequest on a connection that is encrypted already");
                    if (!tls.offered()) {
                        answer('N'); // the client may go on in the clear
                    } else {
                        startTls(tls);
                    }
                }
                case Protocol.GSSENC_REQUEST -> answer('N');
                case Protocol.CANCEL_REQUEST -> {
                    if (in.length() != 12) throw new ProtocolException("malformed cancel request");
                    ctx.cancels.cancel(in.int32(4), in.int32(8));
                    return null;
                }
                case Protocol.PROTOCOL_3_0 -> {
                    Map<String, String> params = in.startupParameters();
                    if (!params.containsKey("user") || params.get("user").isEmpty()) {
                        throw new ClientAuthenticator.AuthFailure(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                                "no PostgreSQL user name specified in startup packet");
                    }
                    if (params.containsKey("replication")) {
                        throw new ClientAuthenticator.AuthFailure(SqlState.FEATURE_NOT_SUPPORTED,
                                "the pooler does not pass replication connections");
                    }
                    return params;
                }
                default -> throw new ClientAuthenticator.AuthFailure(SqlState.FEATURE_NOT_SUPPORTED,
                        "unsupported frontend protocol " + (code >>> 16) + "." + (code & 0xFFFF)
                                + ": the pooler supports protocol 3.0");
            }
        }
        throw new ProtocolException("too many start-up packets");
    }

    /** One byte in answer to SSLRequest or GSSENCRequest. */
    private void answer(char c) throws IOException {
        writeLock.lock();
        try {
            out.writeRaw(new byte[] {(byte) c}, 0, 1);
            out.flush();
        } finally {
            writeLock.unlock();
        }
    }

    /** Answers 'S', runs the TLS handshake and goes on over the TLS socket's streams. */
    private void startTls(ClientTls tls) throws IOException {
        // Bytes the client sent after SSLRequest and before the handshake came in the clear and
        // could have been injected by a man in the middle: never process them (CVE-2021-23214).
        if (in.buffered() > 0) throw new ProtocolException("received unencrypted data after SSL request");
        answer('S');
        SSLSocket ssl;
        try {
            ssl = tls.handshake(plain);
        } catch (IOException e) {
            out = null; // nothing more can be said to this client, in the clear or not
            LOG.log(Level.INFO, "client " + peer() + ": TLS handshake failed: " + e.getMessage());
            throw e;
        }
        writeLock.lock();
        try {
            socket = ssl;
            in = new PgReader(ssl.getInputStream(), ctx.config().maxMessageLength());
            out = new PgWriter(ssl.getOutputStream());
        } finally {
            writeLock.unlock();
        }
        LOG.log(Level.DEBUG, () -> "client " + peer() + ": " + ssl.getSession().getProtocol() + " "
                + ssl.getSession().getCipherSuite());
    }

    /** "no", or the TLS protocol the client talks to the pooler with. */
    private String tlsProtocol() {
        return socket instanceof SSLSocket ssl ? ssl.getSession().getProtocol() : "no";
    }

    /** Whether the client talks to the pooler over TLS. */
    boolean encrypted() {
        return socket != plain;
    }

    private void serve(Map<String, String> params) throws IOException {
        String user = params.get("user");
        String database = params.getOrDefault("database", user);
        AuthMethod method = ClientAccess.method(ctx.config(), plain.getInetAddress(), encrypted(), database, user);
        ctx.authenticator.authenticate(method, user, in, out);
        plain.setSoTimeout(0); // logged in: from now on a client may stay idle as long as it likes
        if (database.equals(ctx.config().adminDatabase())) {
            // The admin console: hba and authentication as for anyone, but not the per-database
            // and per-user limits, so an operator can always get in to look.
            stats = ctx.stats.register(null, user, database, params.get("application_name"),
                    socket.getRemoteSocketAddress(), socket.getLocalSocketAddress());
            stats.tls(tlsProtocol());
            ConsoleEnd end = new ConsoleEnd(ctx.sessions::shuttingDown);
            console = end;
            ctx.admin().serve(stats, in, out, end);
            return;
        }
        SecurityOptions limits = ctx.config().security();
        switch (ctx.limits.enter(database, user, limits.maxDbConnections(), limits.maxUserConnections())) {
            case TOO_MANY_FOR_DATABASE -> throw new ClientAuthenticator.AuthFailure(SqlState.TOO_MANY_CONNECTIONS,
                    "too many connections for database \"" + database + "\"");
            case TOO_MANY_FOR_USER -> throw new ClientAuthenticator.AuthFailure(SqlState.TOO_MANY_CONNECTIONS,
                    "too many connections for role \"" + user + "\"");
            case ADMITTED -> { }
        }
        try {
            serveAuthenticated(params, user, database);
        } finally {
            ctx.limits.exit(database, user);
        }
    }

    private void serveAuthenticated(Map<String, String> params, String user, String database) throws IOException {
        Optional<ServerPool> pool = ctx.pools.pool(database, user);
        if (pool.isEmpty()) {
            throw new ClientAuthenticator.AuthFailure(SqlState.INVALID_CATALOG_NAME, "no pool for database \""
                    + database + "\" and user \"" + user + "\" in the pooler's databases file");
        }
        stats = ctx.stats.register(pool.get().counters(), user, database, params.get("application_name"),
                socket.getRemoteSocketAddress(), socket.getLocalSocketAddress());
        stats.tls(tlsProtocol());
        Map<String, String> clientParameters = new LinkedHashMap<>(params);
        clientParameters.keySet().removeAll(java.util.Set.of("user", "database", "options", "replication"));
        Pipeline pipeline = ctx.config().pipeline();
        Relay relay = new Relay(this, pipeline, pool.get(), ctx.threads, ctx.config().blockingTimeoutMillis(), in, out,
                clientParameters);
        this.relay = relay;
        if (ctx.sessions.shuttingDown()) relay.endWhenIdle();
        Map<String, String> reported = new LinkedHashMap<>();
        if (pipeline == Pipeline.SESSION) {
            ServerConnection s = relay.attachForSession();
            if (s == null) return;
            reported.putAll(s.parameters);
        } else {
            try {
                reported.putAll(knownParameters(pool.get(), ctx.config().blockingTimeoutMillis()));
            } catch (io.weft.pooler.pool.PoolTimeoutException e) {
                fatal(SqlState.CANNOT_CONNECT_NOW, e.getMessage());
                return;
            } catch (io.weft.pooler.pool.ShuttingDownException e) {
                fatal(SqlState.ADMIN_SHUTDOWN, e.getMessage());
                return;
            } catch (IOException e) {
                fatal(SqlState.CONNECTION_FAILURE, "the pooler cannot reach the server: " + e.getMessage());
                return;
            }
            for (Map.Entry<String, String> e : clientParameters.entrySet()) {
                if (reported.containsKey(e.getKey())) reported.put(e.getKey(), e.getValue());
            }
        }
        int[] key = ctx.cancels.newKey();
        try {
            greet(reported, key);
        } catch (IOException | RuntimeException e) {
            // The client went while it waited (for its session-pipeline server connection, say):
            // the relay will never run, so the connection attached for it goes back from here.
            relay.leave();
            throw e;
        }
        ctx.cancels.register(key[0], key[1], relay);
        try {
            relay.run();
        } finally {
            ctx.cancels.unregister(key[0], key[1]);
        }
    }

    /** AuthenticationOk, the parameters, the client's cancel key and ReadyForQuery. */
    private void greet(Map<String, String> reported, int[] key) throws IOException {
        writeLock.lock();
        try {
            out.authenticationOk();
            for (Map.Entry<String, String> e : reported.entrySet()) out.parameterStatus(e.getKey(), e.getValue());
            out.backendKeyData(key[0], key[1]);
            out.readyForQuery((byte) 'I');
            out.flush();
        } finally {
            writeLock.unlock();
        }
    }

    /** The server's parameters for a transaction client; learns them once by opening a connection. */
    private static Map<String, String> knownParameters(ServerPool pool, long blockingTimeoutMillis) throws IOException {
        Map<String, String> p = pool.serverParameters();
        if (p.isEmpty()) {
            ServerConnection c = pool.acquire(blockingTimeoutMillis);
            pool.release(c);
            p = pool.serverParameters();
        }
        return p;
    }

    ReentrantLock writeLock() {
        return writeLock;
    }

    /**
     * Sends ErrorResponse FATAL to the client, if it is still there, and only the first: two
     * threads may find a reason at once (a shutdown and a pool giving up), and a FATAL is the
     * last thing a client hears. Any thread.
     */
    void fatal(String sqlState, String message) {
        writeLock.lock();
        try {
            if (out == null || fatalSent) return;
            fatalSent = true;
            out.errorResponse("FATAL", sqlState, message);
            out.flush();
        } catch (IOException e) {
            // the client is gone already
        } finally {
            writeLock.unlock();
        }
    }

    /** Closes the client's connection. Any thread, any number of times. */
    void closeClientSocket() {
        Socket s = socket;
        // A TLS socket's own close sends close_notify, waiting for any thread that is in the
        // middle of a write: only when nobody writes. The plain socket is closed in any case,
        // which also wakes a thread blocked in a TLS read or write.
        if (s != plain && writeLock.tryLock()) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            } finally {
                writeLock.unlock();
            }
        }
        try {
            plain.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private String peer() {
        return String.valueOf(plain.getRemoteSocketAddress());
    }
}
