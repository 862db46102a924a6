package io.weft.pooler.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * TLS between clients and the pooler: the pooler's certificate and key, and the handshake
 * that turns an accepted socket into an {@link SSLSocket} once SSLRequest was answered 'S'.
 * Made when the configuration is loaded, so a bad file is a configuration error.
 */
public final class ClientTls {
    private final ClientTlsMode mode;
    private final SSLContext context;
    private final Path certFile;

    private ClientTls(ClientTlsMode mode, SSLContext context, Path certFile) {
        this.mode = mode;
        this.context = context;
        this.certFile = certFile;
    }

    /** No TLS: every SSLRequest is answered 'N'. */
    public static final ClientTls DISABLED = new ClientTls(ClientTlsMode.DISABLE, null, null);

    /** TLS with the certificate chain in {@code certFile} and the PKCS#8 key in {@code keyFile}. */
    public static ClientTls load(ClientTlsMode mode, Path certFile, Path keyFile) throws TlsFileException {
        if (mode == ClientTlsMode.DISABLE) return DISABLED;
        List<X509Certificate> chain = PemFiles.certificates(certFile);
        PrivateKey key = PemFiles.privateKey(keyFile);
        if (!belongTogether(key, chain.get(0))) {
            throw new TlsFileException(keyFile, "this key does not belong to the certificate in " + certFile
                    + " (its public key does not verify what the key signs)");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] none = new char[0];
            store.setKeyEntry("pooler", key, none, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, none);
            SSLContext ctx = Protocols.newContext();
            ctx.init(kmf.getKeyManagers(), null, null);
            return new ClientTls(mode, ctx, certFile);
        } catch (GeneralSecurityException | IOException e) {
            // The usual cause: a key that does not belong to the certificate.
            throw new TlsFileException(keyFile, "cannot use this key with the certificate " + certFile + ": " + e.getMessage());
        }
    }

    /**
     * Whether {@code key} is the private half of the certificate's public key: the JDK would
     * take a mismatched pair and fail every handshake, so check by signing and verifying.
     */
    private static boolean belongTogether(PrivateKey key, X509Certificate cert) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null;
        };
        if (algorithm == null) return true; // RSASSA-PSS and others: the handshake will tell
        if (!key.getAlgorithm().equals(cert.getPublicKey().getAlgorithm())) return false;
        try {
            byte[] probe = "weft pooler key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            java.security.Signature signer = java.security.Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    public ClientTlsMode mode() {
        return mode;
    }

    /** Whether an SSLRequest is answered 'S'. */
    public boolean offered() {
        return context != null;
    }

    /** Whether a client that did not ask for TLS is refused. */
    public boolean required() {
        return mode == ClientTlsMode.REQUIRE;
    }

    /**
     * Runs the server side of the handshake over {@code accepted}, after the pooler answered 'S'.
     * Closing the returned socket closes {@code accepted} too.
     */
    public SSLSocket handshake(Socket accepted) throws IOException {
        if (context == null) throw new IllegalStateException("client_tls is disable");
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(accepted, null, accepted.getPort(), true);
        try {
            s.setUseClientMode(false);
            Protocols.restrict(s);
            s.startHandshake();
            return s;
        } catch (IOException | RuntimeException e) {
            try {
                accepted.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    @Override
    public String toString() {
        return mode == ClientTlsMode.DISABLE ? "client TLS off" : "client TLS " + mode + " with " + certFile;
    }
}
