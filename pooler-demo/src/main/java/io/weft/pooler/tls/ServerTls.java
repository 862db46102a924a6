package io.weft.pooler.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS from the pooler to PostgreSQL, as libpq's sslmode does it: SSLRequest, then on 'S' a
 * client-mode handshake over the same socket, checking the server's certificate as the mode
 * says. Made when the configuration is loaded, so a bad CA file is a configuration error.
 */
public final class ServerTls {
    private static final int SSL_REQUEST = 80877103;

    private final ServerTlsMode mode;
    private final SSLContext context;

    private ServerTls(ServerTlsMode mode, SSLContext context) {
        this.mode = mode;
        this.context = context;
    }

    public static final ServerTls DISABLED = new ServerTls(ServerTlsMode.DISABLE, null);

    /** {@code caFile} is needed for verify-ca and verify-full, and ignored otherwise. */
    public static ServerTls load(ServerTlsMode mode, Path caFile) throws TlsFileException {
        if (mode == ServerTlsMode.DISABLE) return DISABLED;
        try {
            SSLContext ctx = Protocols.newContext();
            TrustManager[] trust;
            if (mode == ServerTlsMode.VERIFY_CA || mode == ServerTlsMode.VERIFY_FULL) {
                List<X509Certificate> cas = PemFiles.certificates(caFile);
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                for (int i = 0; i < cas.size(); i++) store.setCertificateEntry("ca" + i, cas.get(i));
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(store);
                trust = tmf.getTrustManagers();
            } else {
                trust = new TrustManager[] {new TrustAnyServer()};
            }
            ctx.init(null, trust, null);
            return new ServerTls(mode, ctx);
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsFileException(caFile, "cannot make a trust store of it: " + e.getMessage());
        }
    }

    public ServerTlsMode mode() {
        return mode;
    }

    /**
     * Asks the server for TLS on the connected {@code plain} socket and returns the socket to
     * speak the protocol on: an {@link SSLSocket} layered over {@code plain} (closing it closes
     * {@code plain}), or {@code plain} itself when TLS is off or the server declined under prefer.
     *
     * @param host the server's configured host name, checked against its certificate under verify-full
     */
    public Socket negotiate(Socket plain, String host, int port) throws IOException {
        if (mode == ServerTlsMode.DISABLE) return plain;
        OutputStream out = plain.getOutputStream();
        out.write(ByteBuffer.allocate(8).putInt(8).putInt(SSL_REQUEST).array());
        out.flush();
        InputStream in = plain.getInputStream();
        int answer = in.read();
        switch (answer) {
            case 'S' -> { }
            case 'N' -> {
                if (mode == ServerTlsMode.PREFER) return plain;
                throw new IOException("server " + host + ":" + port + " does not support TLS (it answered 'N' to"
                        + " SSLRequest) and server_tls is " + mode.configName());
            }
            case -1 -> throw new IOException("server " + host + ":" + port + " closed the connection after SSLRequest");
            default -> throw new IOException("server " + host + ":" + port + " answered SSLRequest with "
                    + (answer == 'E' ? "an error (a server without TLS support)" : "byte " + answer));
        }
        // Bytes after 'S' and before the handshake would be spoofable plaintext (CVE-2021-23222).
        if (in.available() > 0) {
            throw new IOException("server " + host + ":" + port + " sent unencrypted data after its SSL response");
        }
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
        s.setUseClientMode(true);
        Protocols.restrict(s);
        if (mode == ServerTlsMode.VERIFY_FULL) {
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS"); // host name or IP against the subject alternative names
            s.setSSLParameters(p);
        }
        try {
            s.startHandshake();
        } catch (IOException e) {
            throw new IOException("TLS handshake with server " + host + ":" + port + " failed (server_tls = "
                    + mode.configName() + "): " + e.getMessage(), e);
        }
        return s;
    }

    @Override
    public String toString() {
        return "server TLS " + mode.configName();
    }
}
