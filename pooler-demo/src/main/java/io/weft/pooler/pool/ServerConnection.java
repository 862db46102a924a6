package io.weft.pooler.pool;

import io.weft.pooler.auth.AuthenticationException;
import io.weft.pooler.auth.Md5;
import io.weft.pooler.auth.ScramClient;
import io.weft.pooler.config.ServerAddress;
import io.weft.pooler.protocol.PgReader;
import io.weft.pooler.protocol.PgWriter;
import io.weft.pooler.protocol.Protocol;
import io.weft.pooler.tls.ServerTls;
import io.weft.pooler.stats.ClientStats;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import javax.net.SocketFactory;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One connection from the pooler to a PostgreSQL server, authenticated and idle when it is
 * in the pool. While a client uses it, the client's thread writes to it and one server
 * thread reads from it; {@link #writeLock} serialises the writers.
 */
public final class ServerConnection implements AutoCloseable {
    public final ServerAddress address;
    public final String database;
    public final String user;
    public final PgReader reader;
    public final PgWriter writer;
    /** Held around every write burst: the client thread forwards, the server thread resets. */
    public final ReentrantLock writeLock = new ReentrantLock();
    /** Server parameters from ParameterStatus, kept current by whoever reads the server. */
    public final Map<String, String> parameters = new ConcurrentHashMap<>();
    /** Prepared statements this server has, by the pooler's name for them (transaction pipeline). */
    public final Set<String> prepared = new HashSet<>();
    /** The socket the protocol runs on: {@link #plain}, or a TLS socket layered over it. */
    private final Socket socket;
    private final Socket plain;
    private final SocketFactory sockets;
    private int pid;
    private int secret;
    private volatile long lastUsedNanos = System.nanoTime();
    private volatile boolean closed;
    /** Statistics: when it was opened, the client it serves now (null: in the pool), what runs when it closes. */
    public final long connectedAtMillis = System.currentTimeMillis();
    private volatile ClientStats client;
    private volatile java.util.function.Consumer<ServerConnection> onClose;

    private ServerConnection(ServerAddress address, String database, String user, Socket socket, Socket plain,
                             SocketFactory sockets, int maxMessage) throws IOException {
        this.address = address;
        this.sockets = sockets;
        this.database = database;
        this.user = user;
        this.socket = socket;
        this.plain = plain;
        this.reader = new PgReader(socket.getInputStream(), maxMessage);
        this.writer = new PgWriter(socket.getOutputStream());
    }

    /**
     * Connects, starts up and authenticates (cleartext, md5 or SCRAM-SHA-256, as the server
     * asks) and reads until the server is ready for queries.
     */
    public static ServerConnection open(SocketFactory sockets, ServerAddress address, String database, String user,
                                        String password, int maxMessage, long connectTimeoutMillis)
            throws IOException {
        return open(sockets, ServerTls.DISABLED, address, database, user, password, maxMessage, connectTimeoutMillis);
    }

    /**
     * As {@link #open(SocketFactory, ServerAddress, String, String, String, int, long)}, first
     * asking the server for TLS as {@code tls} says (SSLRequest, then the handshake on 'S').
     */
    public static ServerConnection open(SocketFactory sockets, ServerTls tls, ServerAddress address, String database,
                                        String user, String password, int maxMessage, long connectTimeoutMillis)
            throws IOException {
        Socket plain = sockets.createSocket();
        Socket socket = plain;
        try {
            plain.setTcpNoDelay(true);
            plain.setKeepAlive(true);
            plain.connect(new InetSocketAddress(address.host(), address.port()), (int) connectTimeoutMillis);
            plain.setSoTimeout((int) Math.max(connectTimeoutMillis, 1)); // bounds the TLS handshake too
            socket = tls.negotiate(plain, address.host(), address.port());
            ServerConnection c = new ServerConnection(address, database, user, socket, plain, sockets, maxMessage);
            c.startup(password);
            socket.setSoTimeout(0);
            return c;
        } catch (IOException | RuntimeException e) {
            try {
                plain.close(); // an SSLSocket would first try to say goodbye over a connection that failed
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof ServerError) throw e;
            throw new IOException("cannot connect to server " + address + " as " + user + "/" + database + ": "
                    + e.getMessage(), e);
        }
    }

    private void startup(String password) throws IOException {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("user", user);
        params.put("database", database);
        params.put("application_name", "weft-pooler");
        writer.startupMessage(params);
        writer.flush();
        ScramClient scram = null;
        for (;;) {
            if (!reader.next()) throw new IOException("server closed the connection during start-up");
            byte type = reader.type();
            byte[] p = reader.payload();
            switch (type) {
                case 'R' -> {
                    int code = reader.int32(0);
                    switch (code) {
                        case Protocol.AUTH_OK -> { }
                        case Protocol.AUTH_CLEARTEXT -> {
                            requirePassword(password);
                            writer.passwordMessage(password);
                            writer.flush();
                        }
                        case Protocol.AUTH_MD5 -> {
                            requirePassword(password);
                            byte[] salt = {p[4], p[5], p[6], p[7]};
                            writer.passwordMessage(Md5.challengeResponse(password, user, salt));
                            writer.flush();
                        }
                        case Protocol.AUTH_SASL -> {
                            requirePassword(password);
                            String mechanisms = new String(p, 4, reader.length() - 4, StandardCharsets.UTF_8);
                            if (!mechanisms.contains("SCRAM-SHA-256")) {
                                throw new IOException("server offers no SASL mechanism the pooler knows: " + mechanisms);
                            }
                            scram = new ScramClient(password);
                            writer.saslInitialResponse("SCRAM-SHA-256", scram.clientFirst());
                            writer.flush();
                        }
                        case Protocol.AUTH_SASL_CONTINUE -> {
                            if (scram == null) throw new IOException("SASL continue without SASL start");
                            byte[] data = java.util.Arrays.copyOfRange(p, 4, reader.length());
                            writer.saslResponse(scram.handleServerFirst(data));
                            writer.flush();
                        }
                        case Protocol.AUTH_SASL_FINAL -> {
                            if (scram == null) throw new IOException("SASL final without SASL start");
                            try {
                                scram.verifyServerFinal(java.util.Arrays.copyOfRange(p, 4, reader.length()));
                            } catch (AuthenticationException e) {
                                throw new IOException("server failed SCRAM verification: " + e.getMessage(), e);
                            }
                        }
                        default -> throw new IOException("server asks for an authentication method the pooler does not"
                                + " support (code " + code + ")");
                    }
                }
                case 'E' -> throw new ServerError("server refused " + user + "/" + database,
                        ServerError.fields(p, reader.length()));
                case 'S' -> recordParameter();
                case 'K' -> {
                    pid = reader.int32(0);
                    secret = reader.int32(4);
                }
                case 'N' -> { }
                case 'Z' -> {
                    return;
                }
                default -> throw new IOException("unexpected message '" + (char) type + "' during server start-up");
            }
        }
    }

    private void requirePassword(String password) throws IOException {
        if (password == null) {
            throw new IOException("server asks for a password for " + user + " and the users file has none");
        }
    }

    /** Records the current message, a ParameterStatus, in {@link #parameters}. */
    public void recordParameter() throws IOException {
        String name = reader.cstring(0);
        String value = reader.cstring(reader.cstringEnd(0));
        parameters.put(name, value);
    }

    /**
     * Runs {@code sql} as a simple query while nobody else uses the connection, discarding the
     * results; returns the transaction status of the final ReadyForQuery.
     *
     * @throws ServerError if the server answered with an error
     */
    public byte simpleQuery(String sql) throws IOException {
        writeLock.lock();
        try {
            writer.query(sql);
            writer.flush();
        } finally {
            writeLock.unlock();
        }
        ServerError error = null;
        for (;;) {
            if (!reader.next()) throw new IOException("server closed the connection");
            switch (reader.type()) {
                case 'E' -> error = new ServerError(sql, ServerError.fields(reader.payload(), reader.length()));
                case 'S' -> recordParameter();
                case 'Z' -> {
                    if (error != null) throw error;
                    return reader.byteAt(0);
                }
                default -> { }
            }
        }
    }

    public int pid() {
        return pid;
    }

    public int secret() {
        return secret;
    }

    public long lastUsedNanos() {
        return lastUsedNanos;
    }

    public void touch() {
        lastUsedNanos = System.nanoTime();
    }

    public boolean isClosed() {
        return closed || plain.isClosed();
    }

    /**
     * Whether nothing from the server waits unread. An idle connection's server sends nothing
     * unless something happened to it (a FATAL before it closes, at a server shutdown), so
     * anything unread means the connection must not be reused. Does not block.
     */
    public boolean nothingUnread() {
        try {
            return reader.buffered() == 0 && socket.getInputStream().available() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Sets a read timeout for the cleanup after a client left (0: none). */
    public void setReadTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    /** The client this connection serves from now on (null: none); SHOW CLIENTS and SHOW SERVERS link them. */
    public void serve(ClientStats c) {
        ClientStats before = client;
        if (before != null) before.serverGone(pid);
        client = c;
        if (c != null) c.serverPid(pid);
    }

    public ClientStats client() {
        return client;
    }

    /** Runs {@code hook} when the connection closes (the pool's registry of open connections). */
    public void onClose(java.util.function.Consumer<ServerConnection> hook) {
        onClose = hook;
    }

    public int localPort() {
        return socket.getLocalPort();
    }

    /** "no", or the TLS protocol of the connection to the server (SHOW SERVERS). */
    public String tlsProtocol() {
        return socket instanceof javax.net.ssl.SSLSocket ssl ? ssl.getSession().getProtocol() : "no";
    }

    /** Tells the server goodbye (Terminate) and closes the socket. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        serve(null);
        if (onClose != null) onClose.accept(this);
        if (writeLock.tryLock()) {
            try {
                writer.terminate();
                writer.flush();
                // With nobody writing, a TLS socket can send its close_notify without waiting.
                if (socket != plain) socket.close();
            } catch (IOException ignored) {
                // closing anyway
            } finally {
                writeLock.unlock();
            }
        }
        try {
            // The plain socket last and always: closing it wakes a thread blocked in a TLS write,
            // which an SSLSocket's own close would wait for.
            plain.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }

    @Override
    public String toString() {
        return "server connection " + user + "/" + database + "@" + address + " pid " + pid;
    }

    /**
     * Asks the server to cancel the query running on this connection: PostgreSQL's
     * CancelRequest, on a connection of its own, which the server closes when done.
     */
    public void sendCancel(int timeoutMillis) throws IOException {
        try (Socket side = sockets.createSocket()) {
            side.connect(new InetSocketAddress(address.host(), address.port()), timeoutMillis);
            side.setSoTimeout(timeoutMillis);
            ByteBuffer b = ByteBuffer.allocate(16);
            b.putInt(16).putInt(Protocol.CANCEL_REQUEST).putInt(pid).putInt(secret);
            OutputStream out = side.getOutputStream();
            out.write(b.array());
            out.flush();
            side.getInputStream().read();
        }
    }
}
