package io.weft.pooler.it;

import io.weft.pooler.auth.ScramClient;
import io.weft.pooler.protocol.PgReader;
import io.weft.pooler.protocol.PgWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal PostgreSQL client for tests that need what psql cannot do on demand: keep the
 * BackendKeyData, send a CancelRequest, send garbage. SCRAM-SHA-256 login only.
 */
final class RawClient implements AutoCloseable {
    final Socket socket;
    final PgReader in;
    final PgWriter out;
    int pid;
    int secret;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new PgReader(socket.getInputStream(), 1 << 20);
        this.out = new PgWriter(socket.getOutputStream());
    }

    static RawClient connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(30_000);
        return new RawClient(s);
    }

    /** Logs in as the fixture's user with extra start-up parameters (name, value, ...). */
    static RawClient loginWith(int port, List<String> extra) throws IOException {
        return login(port, PoolerFixture.USER, PoolerFixture.PASSWORD, PoolerFixture.DATABASE, extra);
    }

    /** Connects and logs in with SCRAM; returns once ReadyForQuery arrived. */
    static RawClient login(int port, String user, String password, String database) throws IOException {
        return login(port, user, password, database, List.of());
    }

    static RawClient login(int port, String user, String password, String database, List<String> extra)
            throws IOException {
        return login(connect(port), user, password, database, extra);
    }

    /**
     * Connects, asks for TLS (SSLRequest), runs the handshake trusting the CA in {@code caCert}
     * and checking the host name, and logs in over TLS.
     */
    static RawClient loginTls(int port, java.nio.file.Path caCert, String user, String password, String database)
            throws IOException {
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
        try {
            plain.setSoTimeout(30_000);
            plain.getOutputStream().write(java.nio.ByteBuffer.allocate(8).putInt(8).putInt(80877103).array());
            int answer = plain.getInputStream().read();
            if (answer != 'S') throw new IOException("SSLRequest answered " + answer + ", not 'S'");
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(caCert)) {
                trust.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificate(in));
            }
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            ctx.init(null, tmf.getTrustManagers(), null);
            javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket) ctx.getSocketFactory()
                    .createSocket(plain, "127.0.0.1", port, true);
            javax.net.ssl.SSLParameters params = ssl.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(params);
            ssl.startHandshake();
            return login(new RawClient(ssl), user, password, database, List.of());
        } catch (java.security.GeneralSecurityException e) {
            plain.close();
            throw new IOException(e);
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    private static RawClient login(RawClient c, String user, String password, String database, List<String> extra)
            throws IOException {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("user", user);
        p.put("database", database);
        for (int i = 0; i + 1 < extra.size(); i += 2) p.put(extra.get(i), extra.get(i + 1));
        c.out.startupMessage(p);
        c.out.flush();
        ScramClient scram = new ScramClient(password);
        for (;;) {
            if (!c.in.next()) throw new IOException("closed during login");
            switch (c.in.type()) {
                case 'R' -> {
                    int code = c.in.int32(0);
                    byte[] data = Arrays.copyOfRange(c.in.payload(), 4, c.in.length());
                    switch (code) {
                        case 0 -> { }
                        case 10 -> c.out.saslInitialResponse("SCRAM-SHA-256", scram.clientFirst());
                        case 11 -> c.out.saslResponse(scram.handleServerFirst(data));
                        case 12 -> scram.verifyServerFinal(data);
                        default -> throw new IOException("unexpected auth request " + code);
                    }
                    c.out.flush();
                }
                case 'K' -> {
                    c.pid = c.in.int32(0);
                    c.secret = c.in.int32(4);
                }
                case 'E' -> throw new IOException("login failed: " + c.error());
                case 'Z' -> {
                    return c;
                }
                default -> { }
            }
        }
    }

    /** Sends a simple query without waiting. */
    void send(String sql) throws IOException {
        out.query(sql);
        out.flush();
    }

    /** Reads until ReadyForQuery; returns the ErrorResponse's SQLSTATE, or null on success. */
    String awaitResult() throws IOException {
        String state = null;
        for (;;) {
            if (!in.next()) throw new IOException("closed while waiting for a result");
            if (in.type() == 'E') state = field('C');
            if (in.type() == 'Z') return state;
        }
    }

    /**
     * The SQLSTATE of the next ErrorResponse the pooler sends unasked (a FATAL before it closes
     * the connection), or null if the connection closes without one.
     */
    String nextError() throws IOException {
        while (in.next()) {
            if (in.type() == 'E') return field('C');
        }
        return null;
    }

    /** Rows of a simple query (text values), or an exception naming the error. */
    List<List<String>> query(String sql) throws IOException {
        send(sql);
        List<List<String>> rows = new ArrayList<>();
        String error = null;
        for (;;) {
            if (!in.next()) throw new IOException("closed");
            switch (in.type()) {
                case 'D' -> {
                    int n = in.int16(0);
                    int at = 2;
                    List<String> row = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        int len = in.int32(at);
                        at += 4;
                        row.add(len < 0 ? null : new String(in.payload(), at, len, StandardCharsets.UTF_8));
                        at += Math.max(len, 0);
                    }
                    rows.add(row);
                }
                case 'E' -> error = error();
                case 'Z' -> {
                    if (error != null) throw new IOException(error);
                    return rows;
                }
                default -> { }
            }
        }
    }

    /** The current message's error fields as "SQLSTATE: message". */
    String error() {
        return field('C') + ": " + field('M');
    }

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
        return null;
    }

    /** Extended protocol: Parse of a named statement, then Sync; fails on an error. */
    void prepare(String name, String sql) throws IOException {
        out.parse(name, sql);
        out.sync();
        out.flush();
        String err = awaitResult();
        if (err != null) throw new IOException("prepare failed: " + err);
    }

    /** Parse of a named statement, then Sync: the ErrorResponse's SQLSTATE, or null on success. */
    String prepareError(String name, String sql) throws IOException {
        out.parse(name, sql);
        out.sync();
        out.flush();
        return awaitResult();
    }

    /** Bind (one text parameter), Execute, Sync on a named statement; the first column of the first row. */
    String executePrepared(String name, String param) throws IOException {
        bindExecute(name, param);
        String value = null;
        String error = null;
        for (;;) {
            if (!in.next()) throw new IOException("closed");
            switch (in.type()) {
                case 'D' -> {
                    int len = in.int32(2);
                    value = new String(in.payload(), 6, len, StandardCharsets.UTF_8);
                }
                case 'E' -> error = error();
                case 'Z' -> {
                    if (error != null) throw new IOException(error);
                    return value;
                }
                default -> { }
            }
        }
    }

    /** Like {@link #executePrepared} for a statement expected to fail: the SQLSTATE. */
    String executePreparedError(String name, String param) throws IOException {
        bindExecute(name, param);
        return awaitResult();
    }

    private void bindExecute(String name, String param) throws IOException {
        byte[] p = param.getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream d = new java.io.DataOutputStream(b);
        d.write(0); // unnamed portal
        d.write(name.getBytes(StandardCharsets.UTF_8));
        d.write(0);
        d.writeShort(0); // parameter formats: all text
        d.writeShort(1);
        d.writeInt(p.length);
        d.write(p);
        d.writeShort(0); // result formats: all text
        out.write((byte) 'B', b.toByteArray(), 0, b.size());
        out.write((byte) 'E', new byte[] {0, 0, 0, 0, 0}, 0, 5);
        out.sync();
        out.flush();
    }

    /** Close of a named statement, then Sync. */
    void closeStatement(String name) throws IOException {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[n.length + 2];
        payload[0] = 'S';
        System.arraycopy(n, 0, payload, 1, n.length);
        out.write((byte) 'C', payload, 0, payload.length);
        out.sync();
        out.flush();
        String err = awaitResult();
        if (err != null) throw new IOException("close failed: " + err);
    }

    /** Sends a CancelRequest for this client's key on a new connection, as libpq does. */
    static void cancel(int port, int pid, int secret) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            PgWriter w = new PgWriter(s.getOutputStream());
            w.cancelRequest(pid, secret);
            w.flush();
            s.setSoTimeout(10_000);
            s.getInputStream().read(); // the pooler closes when it has passed it on
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
