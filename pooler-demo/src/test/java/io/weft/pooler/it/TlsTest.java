package io.weft.pooler.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.pooler.PoolerServer;
import io.weft.pooler.pg.CommandResult;
import io.weft.pooler.pg.EmbeddedPostgres;
import io.weft.pooler.pg.PgTools;
import io.weft.pooler.pg.PgbenchResult;
import io.weft.pooler.tls.TestCerts;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS with real clients: psql and pgbench to the pooler (sslmode require and verify-full against
 * the test CA), client_tls = require, the CVE-2021-23214 guard, and the pooler's own TLS to a
 * PostgreSQL started with ssl = on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsTest {
    private static final Duration T = Duration.ofSeconds(60);
    private EmbeddedPostgres pg;
    private TestCerts certs;

    @BeforeAll
    void start() throws Exception {
        certs = TestCerts.make();
        pg = PoolerFixture.startServer();
    }

    @AfterAll
    void stop() {
        if (pg != null) pg.close();
    }

    private PoolerServer pooler(String backend, String... extra) throws Exception {
        List<String> options = new java.util.ArrayList<>(List.of(
                "tls_cert_file = " + certs.serverCert, "tls_key_file = " + certs.serverKey));
        options.addAll(List.of(extra));
        return PoolerFixture.startPooler(pg, "session", backend, "scram-sha-256", 4, options.toArray(String[]::new));
    }

    private CommandResult psql(PoolerServer pooler, String sql, Map<String, String> env) {
        return pg.tools().psql(PoolerFixture.through(pooler), sql, env, T);
    }

    @ParameterizedTest(name = "backend {0}")
    @ValueSource(strings = {"auto", "epoll", "jdk"})
    void psqlWithSslmodeRequireRunsOverTls(String backend) throws Exception {
        try (PoolerServer pooler = pooler(backend)) {
            CommandResult r = psql(pooler, "\\conninfo\nselect 'over tls', current_user;", Map.of("PGSSLMODE", "require"));
            assertEquals(0, r.exitCode(), () -> r.describe(40));
            // libpq's own view of the connection: TLS 1.3 with the pooler
            assertTrue(r.stdout().contains("SSL connection (protocol: TLSv1.3"), r.stdout());
            assertTrue(r.stdout().contains("over tls," + PoolerFixture.USER), r.stdout());
        }
    }

    @Test
    void verifyFullChecksThePoolersCertificateAgainstTheTestCa() throws Exception {
        try (PoolerServer pooler = pooler("auto")) {
            CommandResult ok = psql(pooler, "select 1;", Map.of("PGSSLMODE", "verify-full",
                    "PGSSLROOTCERT", certs.caCert.toString()));
            assertEquals(0, ok.exitCode(), () -> ok.describe(40));
            CommandResult wrongCa = psql(pooler, "select 1;", Map.of("PGSSLMODE", "verify-full",
                    "PGSSLROOTCERT", certs.otherCaCert.toString()));
            assertNotEquals(0, wrongCa.exitCode());
            assertTrue(wrongCa.stderr().contains("certificate verify failed"), () -> wrongCa.describe(40));
        }
    }

    @Test
    void anEcKeyWorksAndTls12CanBeForced() throws Exception {
        try (PoolerServer pooler = PoolerFixture.startPooler(pg, "transaction", "auto", "scram-sha-256", 4,
                "tls_cert_file = " + certs.ecCert, "tls_key_file = " + certs.ecKey)) {
            CommandResult r = psql(pooler, "\\conninfo\nselect 1;", Map.of("PGSSLMODE", "verify-full",
                    "PGSSLROOTCERT", certs.caCert.toString(), "PGSSLMAXPROTOCOLVERSION", "TLSv1.2"));
            assertEquals(0, r.exitCode(), () -> r.describe(40));
            assertTrue(r.stdout().contains("SSL connection (protocol: TLSv1.2"), r.stdout());
            CommandResult old = psql(pooler, "select 1;", Map.of("PGSSLMODE", "require",
                    "PGSSLMINPROTOCOLVERSION", "TLSv1", "PGSSLMAXPROTOCOLVERSION", "TLSv1.1"));
            assertNotEquals(0, old.exitCode(), "TLS 1.1 must be refused");
        }
    }

    @Test
    void clientTlsRequireRefusesAClientInTheClear() throws Exception {
        try (PoolerServer pooler = pooler("auto", "client_tls = require")) {
            CommandResult clear = psql(pooler, "select 1;", Map.of("PGSSLMODE", "disable"));
            assertNotEquals(0, clear.exitCode());
            assertTrue(clear.stderr().contains("FATAL:  SSL required"), () -> clear.describe(40));
            CommandResult tls = psql(pooler, "select 1;", Map.of("PGSSLMODE", "require"));
            assertEquals(0, tls.exitCode(), () -> tls.describe(40));
        }
    }

    @Test
    void withoutTlsConfiguredSslRequestIsAnsweredN() throws Exception {
        try (PoolerServer pooler = PoolerFixture.startPooler(pg, "session", "auto", "scram-sha-256", 4);
             Socket s = new Socket(InetAddress.getLoopbackAddress(), pooler.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(ByteBuffer.allocate(8).putInt(8).putInt(80877103).array());
            assertEquals((int) 'N', s.getInputStream().read());
            CommandResult r = psql(pooler, "select 1;", Map.of("PGSSLMODE", "require"));
            assertNotEquals(0, r.exitCode());
            assertTrue(r.stderr().contains("server does not support SSL"), () -> r.describe(40));
        }
    }

    /** CVE-2021-23214: what came after SSLRequest in the clear must not be taken as the start-up. */
    @Test
    void bytesSentAfterSslRequestBeforeTheHandshakeAreRefused() throws Exception {
        try (PoolerServer pooler = pooler("auto");
             Socket s = new Socket(InetAddress.getLoopbackAddress(), pooler.port())) {
            s.setSoTimeout(10_000);
            s.setTcpNoDelay(true);
            byte[] startup = startupPacket(PoolerFixture.USER, PoolerFixture.DATABASE);
            ByteBuffer b = ByteBuffer.allocate(8 + startup.length).putInt(8).putInt(80877103).put(startup);
            OutputStream out = s.getOutputStream();
            out.write(b.array()); // one write: the pooler reads both at once
            out.flush();
            InputStream in = s.getInputStream();
            byte[] reply = in.readAllBytes();
            assertTrue(reply.length > 0 && reply[0] == 'E', "expected an ErrorResponse, not 'S'");
            String text = new String(reply, StandardCharsets.UTF_8);
            assertTrue(text.contains("08P01") && text.contains("received unencrypted data after SSL request"), text);
        }
    }

    @ParameterizedTest(name = "{0} pipeline")
    @ValueSource(strings = {"session", "transaction"})
    void pgbenchSelectOnlyOverTlsThroughThePooler(String pipeline) throws Exception {
        try (PoolerServer pooler = PoolerFixture.startPooler(pg, pipeline, "auto", "scram-sha-256", 4,
                "tls_cert_file = " + certs.serverCert, "tls_key_file = " + certs.serverKey, "client_tls = require")) {
            Map<String, String> tls = Map.of("PGSSLMODE", "require");
            PgbenchResult init = pg.tools().pgbench(PoolerFixture.through(pooler), List.of("-i", "-s", "1", "-q"), tls,
                    Duration.ofSeconds(120));
            assertEquals(0, init.exitCode(), init::stderr);
            PgbenchResult r = pg.tools().pgbench(PoolerFixture.through(pooler),
                    List.of("-S", "-c", "4", "-j", "2", "-t", "200"), tls, Duration.ofSeconds(120));
            assertEquals(0, r.exitCode(), r::stderr);
            assertEquals(0, r.failedTransactions(), r::stdout);
            assertEquals(800, r.transactionsProcessed(), r::stdout);
        }
    }

    /** A TLS client that drops its connection mid-query: its server connection and its count come back. */
    @ParameterizedTest(name = "{0} pipeline")
    @ValueSource(strings = {"session", "transaction"})
    void aTlsClientThatVanishesMidQueryGivesItsServerConnectionBack(String pipeline) throws Exception {
        try (PoolerServer pooler = PoolerFixture.startPooler(pg, pipeline, "auto", "scram-sha-256", 1,
                "tls_cert_file = " + certs.serverCert, "tls_key_file = " + certs.serverKey)) {
            RawClient gone = RawClient.loginTls(pooler.port(), certs.caCert, PoolerFixture.USER, PoolerFixture.PASSWORD,
                    PoolerFixture.DATABASE);
            gone.send("select pg_sleep(1)");
            Thread.sleep(200);
            gone.close(); // closes the TLS socket and the socket below it, without Terminate
            // the pool has one server connection: the next client gets it only if it came back
            try (RawClient next = RawClient.loginTls(pooler.port(), certs.caCert, PoolerFixture.USER,
                    PoolerFixture.PASSWORD, PoolerFixture.DATABASE)) {
                assertEquals("1", next.query("select 1").get(0).get(0));
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (pooler.context().clients() != 1 && System.nanoTime() < deadline) Thread.sleep(20);
                assertEquals(1, pooler.context().clients());
            }
        }
    }

    @Test
    void thePoolerSpeaksTlsToAServerWithSslOn() throws Exception {
        try (EmbeddedPostgres tlsPg = EmbeddedPostgres.start(EmbeddedPostgres.Options.defaults()
                .withHostAuth(EmbeddedPostgres.HostAuth.MD5).withTls(certs.serverCert, certs.serverKey))) {
            tlsPg.createUser(PoolerFixture.USER, PoolerFixture.PASSWORD, "scram-sha-256");
            tlsPg.createDatabase(PoolerFixture.DATABASE, PoolerFixture.USER);
            String ssl = "select ssl, version from pg_stat_ssl where pid = pg_backend_pid();";
            for (String mode : List.of("require", "verify-ca", "verify-full")) {
                try (PoolerServer pooler = PoolerFixture.startPooler(tlsPg, "session", "auto", "scram-sha-256", 4,
                        "server_tls = " + mode, "server_tls_ca_file = " + certs.caCert)) {
                    List<List<String>> rows = tlsPg.tools().query(PoolerFixture.through(pooler), ssl, T);
                    assertEquals("t", rows.get(0).get(0), mode + ": the server sees no TLS: " + rows);
                    assertTrue(rows.get(0).get(1).startsWith("TLSv1."), rows.toString());
                }
            }
            // prefer takes TLS when the server has it
            try (PoolerServer pooler = PoolerFixture.startPooler(tlsPg, "transaction", "auto", "scram-sha-256", 4,
                    "server_tls = prefer")) {
                assertEquals("t", tlsPg.tools().query(PoolerFixture.through(pooler), ssl, T).get(0).get(0));
            }
            // verify-ca with a CA that did not sign the server's certificate
            try (PoolerServer pooler = PoolerFixture.startPooler(tlsPg, "session", "auto", "scram-sha-256", 4,
                    "server_tls = verify-ca", "server_tls_ca_file = " + certs.otherCaCert)) {
                CommandResult r = tlsPg.tools().psql(PoolerFixture.through(pooler), "select 1;", T);
                assertNotEquals(0, r.exitCode());
                assertTrue(r.stderr().contains("TLS handshake with server") && r.stderr().contains("verify-ca"),
                        () -> r.describe(40));
            }
        }
    }

    @Test
    void serverTlsRequireFailsClearlyAgainstAServerWithoutTls() throws Exception {
        try (PoolerServer pooler = PoolerFixture.startPooler(pg, "session", "auto", "scram-sha-256", 4,
                "server_tls = require")) {
            CommandResult r = pg.tools().psql(PoolerFixture.through(pooler), "select 1;", T);
            assertNotEquals(0, r.exitCode());
            assertTrue(r.stderr().contains("does not support TLS") && r.stderr().contains("server_tls is require"),
                    () -> r.describe(40));
        }
        try (PoolerServer pooler = PoolerFixture.startPooler(pg, "session", "auto", "scram-sha-256", 4,
                "server_tls = prefer")) {
            assertEquals("f", pg.tools().query(PoolerFixture.through(pooler),
                    "select ssl from pg_stat_ssl where pid = pg_backend_pid();", T).get(0).get(0));
        }
    }

    @Test
    void theAdminConsoleShowsWhichClientsAndServersUseTls() throws Exception {
        try (EmbeddedPostgres tlsPg = EmbeddedPostgres.start(EmbeddedPostgres.Options.defaults()
                .withHostAuth(EmbeddedPostgres.HostAuth.MD5).withTls(certs.serverCert, certs.serverKey))) {
            tlsPg.createUser(PoolerFixture.USER, PoolerFixture.PASSWORD, "scram-sha-256");
            tlsPg.createDatabase(PoolerFixture.DATABASE, PoolerFixture.USER);
            try (PoolerServer pooler = PoolerFixture.startPooler(tlsPg, "session", "auto", "scram-sha-256", 4,
                    "tls_cert_file = " + certs.serverCert, "tls_key_file = " + certs.serverKey,
                    "server_tls = require", "admin_users = " + PoolerFixture.USER)) {
                List<List<String>> rows = tlsPg.tools().query(PoolerFixture.through(pooler), "select 1", T);
                assertEquals("1", rows.get(0).get(0));
                List<Map<String, String>> servers = AdminPsql.show(tlsPg, pooler, "SHOW SERVERS");
                assertTrue(!servers.isEmpty() && servers.stream().allMatch(s -> s.get("tls").startsWith("TLSv1.")),
                        servers.toString());
                // libpq's default sslmode (prefer) takes the TLS the pooler offers: the console's own row says so
                List<Map<String, String>> clients = AdminPsql.show(tlsPg, pooler, "SHOW CLIENTS");
                assertTrue(clients.stream().anyMatch(c -> c.get("database").equals(AdminPsql.ADMIN_DATABASE)
                        && c.get("tls").equals("TLSv1.3")), clients.toString());
            }
        }
    }

    static byte[] startupPacket(String user, String database) {
        String params = "user\0" + user + "\0database\0" + database + "\0\0";
        byte[] p = params.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + p.length).putInt(8 + p.length).putInt(196608).put(p).array();
    }
}
