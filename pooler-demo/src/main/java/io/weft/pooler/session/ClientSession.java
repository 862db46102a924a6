package io.weft.pooler.session;

import io.weft.pooler.config.Pipeline;
import io.weft.pooler.pool.ServerConnection;
import io.weft.pooler.pool.ServerPool;
import io.weft.pooler.protocol.PgReader;
import io.weft.pooler.protocol.PgWriter;
import io.weft.pooler.protocol.Protocol;
import io.weft.pooler.protocol.ProtocolException;
import io.weft.pooler.protocol.SqlState;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One client connection, on its own (virtual) thread: start-up (SSL and GSS encryption
 * refused with 'N', cancel requests forwarded), authentication, then a {@link Relay} until the
 * client leaves. Any error ends only this client; the pooler and other clients go on.
 */
public final class ClientSession implements Runnable {
    private static final System.Logger LOG = System.getLogger("io.weft.pooler");
    private static final int MAX_STARTUP_PACKETS = 4;

    private final Socket socket;
    private final PoolerContext ctx;
    private final ReentrantLock writeLock = new ReentrantLock();
    private PgReader in;
    private PgWriter out;
    /** Guarded by writeLock. */
    private boolean fatalSent;
    /** Set once the client is in; read by the shutdown. */
    private volatile Relay relay;

    public ClientSession(Socket socket, PoolerContext ctx) {
        this.socket = socket;
        this.ctx = ctx;
    }

    @Override
    public void run() {
        ctx.sessions.add(this);
        try {
            socket.setTcpNoDelay(true);
            in = new PgReader(socket.getInputStream(), ctx.config().maxMessageLength());
            out = new PgWriter(socket.getOutputStream());
            Map<String, String> params = startup();
            if (params != null) {
                if (!ctx.admit()) {
                    fatal(SqlState.TOO_MANY_CONNECTIONS, "sorry, too many clients already");
                    return;
                }
                try {
                    serve(params);
                } finally {
                    ctx.leave();
                }
            }
        } catch (ProtocolException e) {
            LOG.log(Level.INFO, "client " + peer() + ": " + e.getMessage());
            fatal(e.sqlState(), e.getMessage());
        } catch (ClientAuthenticator.AuthFailure e) {
            LOG.log(Level.INFO, "client " + peer() + ": " + e.getMessage());
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
        // else: not in yet; serve checks for the shutdown once it has its relay
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
                case Protocol.SSL_REQUEST, Protocol.GSSENC_REQUEST -> {
                    writeLock.lock();
                    try {
                        out.writeRaw(new byte[] {'N'}, 0, 1); // not supported: the client may go on in the clear
                        out.flush();
                    } finally {
                        writeLock.unlock();
                    }
                }
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

    private void serve(Map<String, String> params) throws IOException {
        String user = params.get("user");
        String database = params.getOrDefault("database", user);
        ctx.authenticator.authenticate(user, in, out);
        Optional<ServerPool> pool = ctx.pools.pool(database, user);
        if (pool.isEmpty()) {
            throw new ClientAuthenticator.AuthFailure(SqlState.INVALID_CATALOG_NAME, "no pool for database \""
                    + database + "\" and user \"" + user + "\" in the pooler's databases file");
        }
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

    void closeClientSocket() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private String peer() {
        return String.valueOf(socket.getRemoteSocketAddress());
    }
}
