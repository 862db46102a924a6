package io.weft.pooler.tls;

import io.weft.pooler.TestDirs;
import io.weft.pooler.pg.CommandResult;
import io.weft.pooler.pg.PgTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Throwaway certificates made with the {@code openssl} command into a temporary directory: a
 * test CA, a server certificate it signed for localhost, 127.0.0.1 and ::1 (RSA key), the same
 * with an EC key, and a second CA that signed nothing (for verification failures).
 */
public final class TestCerts {
    public final Path dir;
    public final Path caCert;
    public final Path serverCert;
    public final Path serverKey;
    public final Path ecCert;
    public final Path ecKey;
    public final Path otherCaCert;

    private TestCerts(Path dir) {
        this.dir = dir;
        this.caCert = dir.resolve("ca.crt");
        this.serverCert = dir.resolve("server.crt");
        this.serverKey = dir.resolve("server.key");
        this.ecCert = dir.resolve("server-ec.crt");
        this.ecKey = dir.resolve("server-ec.key");
        this.otherCaCert = dir.resolve("other-ca.crt");
    }

    public static TestCerts make() throws IOException {
        TestCerts c = new TestCerts(TestDirs.create("weft-test-certs-"));
        Files.writeString(c.dir.resolve("server.ext"), """
                basicConstraints = CA:FALSE
                keyUsage = digitalSignature, keyEncipherment
                extendedKeyUsage = serverAuth
                subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
                """);
        c.ca("ca");
        c.ca("other-ca");
        c.openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
                "-subj", "/CN=localhost");
        c.sign("server.csr", "server.crt");
        c.openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "server-ec.key");
        c.openssl("req", "-new", "-key", "server-ec.key", "-out", "server-ec.csr", "-subj", "/CN=localhost");
        c.sign("server-ec.csr", "server-ec.crt");
        return c;
    }

    /** An RSA key in the old PKCS#1 format ("BEGIN RSA PRIVATE KEY"), which the pooler refuses. */
    public Path pkcs1Key() throws IOException {
        openssl("rsa", "-in", "server.key", "-traditional", "-out", "server-pkcs1.key");
        return dir.resolve("server-pkcs1.key");
    }

    private void ca(String name) {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-keyout", name + ".key",
                "-out", name + ".crt", "-subj", "/CN=weft test " + name,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    private void sign(String csr, String crt) {
        openssl("x509", "-req", "-in", csr, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-out", crt, "-extfile", "server.ext");
    }

    /** An encrypted PKCS#8 key ("BEGIN ENCRYPTED PRIVATE KEY"), which the pooler refuses. */
    public Path encryptedKey() throws IOException {
        openssl("pkcs8", "-topk8", "-in", "server.key", "-passout", "pass:secret", "-out", "server-enc.key");
        return dir.resolve("server-enc.key");
    }

    private void openssl(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        CommandResult r = PgTools.run(cmd, Map.of(), dir, null, Duration.ofSeconds(60));
        r.requireOk("openssl " + args[0] + " (the tests need the openssl command)");
    }
}
