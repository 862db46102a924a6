package io.weft.stress.pooler;

import io.weft.pooler.auth.AuthenticationException;
import io.weft.pooler.auth.ScramClient;
import io.weft.pooler.protocol.PgReader;
import io.weft.pooler.protocol.PgWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A PostgreSQL client at the message level, for the chaos clients: it must be able to stop
 * anywhere (half a message, inside a COPY, between Execute and Sync) and die with a FIN or a
 * reset, which no driver allows. The pooler's own reader and writer frame the messages.
 */
final class WireClient implements AutoCloseable {
    /** Generous: a pooler that queues a client behind 500 others is slow, not broken. */
    private static final int READ_TIMEOUT_MILLIS = 90_000;

    final Socket socket;
    final PgReader in;
    final PgWriter out;
    int pid;
    int secret;

    private WireClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new PgReader(socket.getInputStream(), 16 << 20);
        this.out = new PgWriter(socket.getOutputStream());
    }

    static WireClient connect(int port) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
            s.setTcpNoDelay(true);
            s.setSoTimeout(READ_TIMEOUT_MILLIS);
            return new WireClient(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** Sends the StartupMessage; the login goes on with {@link #login}. */
    void startup(String user, String database) throws IOException {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("user", user);
        p.put("database", database);
        p.put("application_name", "weft-stress-chaos");
        out.startupMessage(p);
        out.flush();
    }

    /**
     * Logs in with SCRAM-SHA-256 and reads until ReadyForQuery. {@code stopAfterSteps} &gt;= 0
     * stops after that many authentication messages were answered (for clients that die
     * logging in); then it returns false.
     */
    boolean login(String user, String password, String database, int stopAfterSteps) throws IOException {
        startup(user, database);
        ScramClient scram = new ScramClient(password);
        int steps = 0;
        for (;;) {
            if (stopAfterSteps >= 0 && steps >= stopAfterSteps) return false;
            next();
            switch (in.type()) {
                case 'R' -> {
                    int code = in.int32(0);
                    byte[] data = Arrays.copyOfRange(in.payload(), 4, in.length());
                    try {
                        switch (code) {
                            case 0 -> { }
                            case 10 -> out.saslInitialResponse("SCRAM-SHA-256", scram.clientFirst());
                            case 11 -> out.saslResponse(scram.handleServerFirst(data));
                            case 12 -> scram.verifyServerFinal(data);
                            default -> throw new IOException("unexpected authentication request " + code);
                        }
                    } catch (AuthenticationException e) {
                        throw new IOException("SCRAM: " + e.getMessage(), e);
                    }
                    out.flush();
                    steps++;
                }
                case 'K' -> {
                    pid = in.int32(0);
                    secret = in.int32(4);
                }
                case 'E' -> throw new ServerSaid(field('C'), field('M'));
                case 'Z' -> {
                    return true;
                }
                default -> { }
            }
        }
    }

    /** The next message; the connection ending here is an error. */
    void next() throws IOException {
        if (!in.next()) throw new IOException("the pooler closed the connection");
    }

    /** Sends a simple query without reading. */
    void send(String sql) throws IOException {
        out.query(sql);
        out.flush();
    }

    /**
     * Runs a simple query to its ReadyForQuery; returns the last CommandComplete tag.
     *
     * @throws ServerSaid if the server answered with an ErrorResponse
     */
    String query(String sql) throws IOException {
        send(sql);
        return awaitReady();
    }

    /** Reads to ReadyForQuery: the last command tag, or the first error thrown. */
    String awaitReady() throws IOException {
        String tag = null;
        ServerSaid error = null;
        for (;;) {
            next();
            switch (in.type()) {
                case 'C' -> tag = in.cstring(0);
                case 'E' -> {
                    if (error == null) error = new ServerSaid(field('C'), field('M'));
                }
                case 'Z' -> {
                    if (error != null) throw error;
                    return tag;
                }
                default -> { }
            }
        }
    }

    /** Reads until a message of {@code type}; an ErrorResponse first is thrown. */
    void awaitType(char type) throws IOException {
        for (;;) {
            next();
            if (in.type() == type) return;
            if (in.type() == 'E') throw new ServerSaid(field('C'), field('M'));
        }
    }

    /** Bind of {@code statement} to {@code portal} with text parameters, text results. */
    void bindText(String portal, String statement, String... params) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream d = new java.io.DataOutputStream(b);
        try {
            d.write(portal.getBytes(StandardCharsets.UTF_8));
            d.write(0);
            d.write(statement.getBytes(StandardCharsets.UTF_8));
            d.write(0);
            d.writeShort(0); // parameter formats: all text
            d.writeShort(params.length);
            for (String p : params) {
                byte[] v = p.getBytes(StandardCharsets.UTF_8);
                d.writeInt(v.length);
                d.write(v);
            }
            d.writeShort(0); // result formats: all text
        } catch (IOException impossible) {
            throw new java.io.UncheckedIOException(impossible);
        }
        out.write((byte) 'B', b.toByteArray(), 0, b.size());
    }

    /** A COPY data row. */
    void copyData(String row) {
        byte[] b = row.getBytes(StandardCharsets.UTF_8);
        out.write((byte) 'd', b, 0, b.length);
    }

    void copyDone() {
        out.write((byte) 'c', new byte[0], 0, 0);
    }

    /**
     * The first {@code keep} bytes of a simple Query message for {@code sql}: a message the
     * pooler can never complete, so it must never reach the server.
     */
    void sendTruncatedQuery(String sql, int keep) throws IOException {
        byte[] text = (sql + "\0").getBytes(StandardCharsets.UTF_8);
        byte[] whole = new byte[5 + text.length];
        whole[0] = 'Q';
        int len = 4 + text.length;
        whole[1] = (byte) (len >>> 24);
        whole[2] = (byte) (len >>> 16);
        whole[3] = (byte) (len >>> 8);
        whole[4] = (byte) len;
        System.arraycopy(text, 0, whole, 5, text.length);
        out.flush();
        socket.getOutputStream().write(whole, 0, Math.min(keep, whole.length - 1));
        socket.getOutputStream().flush();
    }

    /** A field of the current ErrorResponse or NoticeResponse. */
    String field(char type) {
        byte[] p = in.payload();
        int i = 0;
        while (i < in.length() && p[i] != 0) {
            char t = (char) p[i++];
            int end = i;
            while (end < in.length() && p[end] != 0) end++;
            if (t == type) return new String(p, i, end - i, StandardCharsets.UTF_8);
            i = end + 1;
        }
        return "";
    }

    /** Sends a CancelRequest for this client's key, as libpq does, on a connection of its own. */
    void cancel(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
            PgWriter w = new PgWriter(s.getOutputStream());
            w.cancelRequest(pid, secret);
            w.flush();
            s.setSoTimeout(10_000);
            s.getInputStream().read(); // the pooler closes once it has passed the cancel on
        }
    }

    /** Dies: with a reset (SO_LINGER 0) or a plain close (FIN). No Terminate either way. */
    void die(boolean reset) {
        try {
            if (reset) socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closing anyway
        }
        close();
    }

    /** Leaves politely: Terminate, then close. */
    void terminate() {
        try {
            out.terminate();
            out.flush();
        } catch (IOException ignored) {
            // the pooler is gone already; closing anyway
        }
        close();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }

    /** An ErrorResponse, with its SQLSTATE. */
    static final class ServerSaid extends IOException {
        final String sqlState;

        ServerSaid(String sqlState, String message) {
            super(sqlState + ": " + message);
            this.sqlState = sqlState;
        }
    }
}
