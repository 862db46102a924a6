package io.weft.pooler.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.pooler.tls.ClientTlsMode;
import io.weft.pooler.tls.ServerTlsMode;
import io.weft.pooler.tls.TestCerts;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The TLS, hba and limit options: values, defaults, and every error with its file and line. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityOptionsTest {
    private static final String SERVER = "[server primary]\nhost = 127.0.0.1\n";
    @TempDir
    Path dir;
    private TestCerts certs;

    @BeforeAll
    void makeCerts() throws Exception {
        certs = TestCerts.make();
    }

    private Path conf(String poolerLines) throws Exception {
        Files.writeString(dir.resolve("weft-users.conf"), "alice secret\n");
        Files.writeString(dir.resolve("weft-databases.conf"), "all all 5\n");
        Path f = dir.resolve("weft-pooler.conf");
        Files.writeString(f, "[pooler]\nport = 0\n" + poolerLines + SERVER);
        return f;
    }

    private String error(String poolerLines) throws Exception {
        Path f = conf(poolerLines);
        return assertThrows(ConfigException.class, () -> PoolerConfig.load(f)).getMessage();
    }

    @Test
    void defaultsAreNoTlsNoHbaNoLimits() throws Exception {
        SecurityOptions s = PoolerConfig.load(conf("")).security();
        assertFalse(s.clientTls().offered());
        assertEquals(ServerTlsMode.DISABLE, s.serverTls().mode());
        assertNull(s.hba());
        assertEquals(0, s.maxDbConnections());
        assertEquals(0, s.maxUserConnections());
    }

    @Test
    void everyOptionIsRead() throws Exception {
        Files.writeString(dir.resolve("hba.conf"), "host all all all md5\n");
        SecurityOptions s = PoolerConfig.load(conf("tls_cert_file = " + certs.serverCert + "\ntls_key_file = "
                + certs.serverKey + "\nclient_tls = require\nserver_tls = verify-full\nserver_tls_ca_file = "
                + certs.caCert + "\nhba_file = hba.conf\nmax_db_connections = 7\nmax_user_connections = 3\n")).security();
        assertTrue(s.clientTls().offered());
        assertEquals(ClientTlsMode.REQUIRE, s.clientTls().mode());
        assertEquals(ServerTlsMode.VERIFY_FULL, s.serverTls().mode());
        assertEquals(dir.resolve("hba.conf"), s.hba().path()); // relative to the configuration's folder
        assertEquals(1, s.hba().rules().size());
        assertEquals(7, s.maxDbConnections());
        assertEquals(3, s.maxUserConnections());
        // a certificate alone means allow; an EC key works as well as RSA
        SecurityOptions ec = PoolerConfig.load(conf("tls_cert_file = " + certs.ecCert + "\ntls_key_file = "
                + certs.ecKey + "\n")).security();
        assertEquals(ClientTlsMode.ALLOW, ec.clientTls().mode());
    }

    @Test
    void keyFormatsOtherThanPkcs8AreNamedWithTheFile() throws Exception {
        Path pkcs1 = certs.pkcs1Key();
        String e = error("tls_cert_file = " + certs.serverCert + "\ntls_key_file = " + pkcs1 + "\n");
        assertTrue(e.startsWith(dir.resolve("weft-pooler.conf") + ":4: tls_key_file: " + pkcs1 + ": the key is in the"
                + " old 'RSA PRIVATE KEY' format"), e);
        assertTrue(e.contains("openssl pkcs8 -topk8 -nocrypt"), e);
        Path encrypted = certs.encryptedKey();
        String enc = error("tls_cert_file = " + certs.serverCert + "\ntls_key_file = " + encrypted + "\n");
        assertTrue(enc.contains(encrypted + ": the key is encrypted with a passphrase"), enc);
        // the key of another certificate
        String mismatch = error("tls_cert_file = " + certs.serverCert + "\ntls_key_file = " + certs.ecKey + "\n");
        assertTrue(mismatch.contains(":4: tls_key_file: " + certs.ecKey + ": this key does not belong to the certificate"),
                mismatch);
        // a key where the certificate should be
        String notCert = error("tls_cert_file = " + certs.serverKey + "\ntls_key_file = " + certs.serverKey + "\n");
        assertTrue(notCert.contains(":3: tls_cert_file: " + certs.serverKey + ": no '-----BEGIN CERTIFICATE-----'"),
                notCert);
        String missing = error("tls_cert_file = nowhere.crt\ntls_key_file = " + certs.serverKey + "\n");
        assertTrue(missing.contains(":3: tls_cert_file: " + dir.resolve("nowhere.crt") + ": cannot read"), missing);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "client_tls = require|:3: client_tls: require needs tls_cert_file and tls_key_file",
        "client_tls = sometimes|:3: client_tls: expected one of [allow, disable, require], got 'sometimes'",
        "server_tls = verify-ca|:3: server_tls: verify-ca needs server_tls_ca_file",
        "server_tls = always|:3: server_tls: expected one of [disable, prefer, require, verify-ca, verify-full]",
        "max_db_connections = -1|:3: max_db_connections: must be from 0 to 100000, got -1",
        "max_user_connections = many|:3: max_user_connections: not an integer: 'many'",
        "hba_file = missing-hba.conf|missing-hba.conf: cannot read"})
    void badOptionsNameTheLine(String line, String expected) throws Exception {
        String e = error(line + "\n");
        assertTrue(e.contains(expected), e);
    }

    @Test
    void badCaFileNamesTheLine() throws Exception {
        Files.writeString(dir.resolve("empty.crt"), "nothing here\n");
        String e = error("server_tls = verify-full\nserver_tls_ca_file = empty.crt\n");
        assertTrue(e.contains(":4: server_tls_ca_file: " + dir.resolve("empty.crt") + ": no '-----BEGIN CERTIFICATE"), e);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "host all all 127.0.0.1/32 md5 clientcert=verify-ca|:2: expected 'TYPE DATABASE USER ADDRESS METHOD'",
        "host all all 127.0.0.1/33 md5|:2: invalid CIDR mask in address \"127.0.0.1/33\" (0 to 32)",
        "host all all ::1/129 md5|:2: invalid CIDR mask in address \"::1/129\" (0 to 128)",
        "host all all db.example.com md5|:2: invalid IP address \"db.example.com\"",
        "host all all 300.0.0.1 md5|:2: invalid IP address \"300.0.0.1\"",
        "host all all all ident|:2: invalid authentication method \"ident\"",
        "hostgssenc all all all md5|:2: invalid connection type \"hostgssenc\"",
        "local all all md5|:2: 'local' lines do not apply",
        "host all,weft all all md5|:2: \"all\" in a database list with other names",
        "host weft,,x all all md5|:2: empty database name",
        "host all @admins all md5|:2: user \"@admins\": @file"})
    void badHbaLinesNameFileAndLine(String line, String expected) throws Exception {
        Files.writeString(dir.resolve("hba.conf"), "# first line is a comment\n" + line + "\n");
        String e = error("hba_file = hba.conf\n");
        assertTrue(e.startsWith(dir.resolve("hba.conf").toString()), e);
        assertTrue(e.contains(expected), e);
    }

    @Test
    void anHbaFileWithoutRulesIsAnError() throws Exception {
        Files.writeString(dir.resolve("hba.conf"), "# nothing\n\n");
        String e = error("hba_file = hba.conf\n");
        assertTrue(e.contains("hba.conf: no rules"), e);
    }
}
