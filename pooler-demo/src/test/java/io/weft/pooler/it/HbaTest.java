package io.weft.pooler.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.pooler.PoolerServer;
import io.weft.pooler.TestDirs;
import io.weft.pooler.pg.CommandResult;
import io.weft.pooler.pg.EmbeddedPostgres;
import io.weft.pooler.pg.PgTools;
import io.weft.pooler.tls.TestCerts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The hba file with psql and raw clients: first match wins, CIDR match and mismatch, reject,
 * no matching line, hostssl against host, and the method coming from the matching line; the
 * refusals carry PostgreSQL's texts and SQLSTATE 28000.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HbaTest {
    private static final Duration T = Duration.ofSeconds(60);
    private static final String HBA = """
            # TYPE     DATABASE  USER      ADDRESS        METHOD
            host       all       weft_md5  127.0.0.1/32   reject
            host       weft      weft      10.0.0.0/8     reject
            host       weft      weft      127.0.0.0/8    trust
            hostssl    postgres  weft      ::1/128        trust
            hostssl    postgres  weft      all            scram-sha-256
            hostnossl  template1 all       0.0.0.0/0      md5
            """;

    private EmbeddedPostgres pg;
    private TestCerts certs;
    private PoolerServer pooler;

    @BeforeAll
    void start() throws Exception {
        certs = TestCerts.make();
        pg = PoolerFixture.startServer();
        pg.execute("GRANT CONNECT ON DATABASE postgres TO " + PoolerFixture.USER);
        Path hba = TestDirs.create("weft-hba-test-").resolve("weft-hba.conf");
        Files.writeString(hba, HBA);
        pooler = PoolerFixture.startPooler(pg, "session", "auto", "scram-sha-256", 4, "hba_file = " + hba,
                "tls_cert_file = " + certs.serverCert, "tls_key_file = " + certs.serverKey);
    }

    @AfterAll
    void stop() {
        if (pooler != null) pooler.close();
        if (pg != null) pg.close();
    }

    private CommandResult psql(String user, String password, String database, String sslmode) {
        return pg.tools().psql(new PgTools.Target("127.0.0.1", pooler.port(), user, database, password),
                "select current_user, current_database();", Map.of("PGSSLMODE", sslmode), T);
    }

    @Test
    void theFirstMatchingLineWinsAndAMismatchedCidrIsSkipped() {
        // line 3 (10.0.0.0/8, reject) does not match 127.0.0.1; line 4 (127.0.0.0/8, trust) does:
        // no password is asked, so a wrong one still gets in
        CommandResult r = psql(PoolerFixture.USER, "not-the-password", PoolerFixture.DATABASE, "disable");
        assertEquals(0, r.exitCode(), () -> r.describe(40));
        assertTrue(r.stdout().contains("weft,weft"), r.stdout());
    }

    @Test
    void aRejectLineRefusesWithPostgresText() throws IOException {
        CommandResult r = psql(PoolerFixture.MD5_USER, PoolerFixture.MD5_PASSWORD, PoolerFixture.DATABASE, "disable");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.stderr().contains("FATAL:  pg_hba.conf rejects connection for host \"127.0.0.1\", user \"weft_md5\","
                + " database \"weft\", no encryption"), () -> r.describe(40));
        IOException e = assertThrows(IOException.class, () -> RawClient.login(pooler.port(), PoolerFixture.MD5_USER,
                PoolerFixture.MD5_PASSWORD, PoolerFixture.DATABASE));
        assertTrue(e.getMessage().contains("28000: pg_hba.conf rejects connection"), e.getMessage());
        // over TLS the text says so
        CommandResult tls = psql(PoolerFixture.MD5_USER, PoolerFixture.MD5_PASSWORD, PoolerFixture.DATABASE, "require");
        assertTrue(tls.stderr().contains("database \"weft\", SSL encryption"), () -> tls.describe(40));
    }

    @Test
    void noMatchingLineRefusesWithPostgresText() throws IOException {
        // postgres is only allowed over TLS: in the clear no line matches
        CommandResult r = psql(PoolerFixture.USER, PoolerFixture.PASSWORD, "postgres", "disable");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.stderr().contains("FATAL:  no pg_hba.conf entry for host \"127.0.0.1\", user \"weft\","
                + " database \"postgres\", no encryption"), () -> r.describe(40));
        IOException e = assertThrows(IOException.class, () -> RawClient.login(pooler.port(), PoolerFixture.USER,
                PoolerFixture.PASSWORD, "postgres"));
        assertTrue(e.getMessage().startsWith("login failed: 28000: no pg_hba.conf entry"), e.getMessage());
    }

    @Test
    void hostsslMatchesOnlyEncryptedClientsAndItsMethodApplies() {
        // line 6 (hostssl, all addresses, scram-sha-256); line 5 is for ::1 only
        CommandResult ok = psql(PoolerFixture.USER, PoolerFixture.PASSWORD, "postgres", "require");
        assertEquals(0, ok.exitCode(), () -> ok.describe(40));
        assertTrue(ok.stdout().contains("weft,postgres"), ok.stdout());
        CommandResult wrong = psql(PoolerFixture.USER, "wrong", "postgres", "require");
        assertNotEquals(0, wrong.exitCode());
        assertTrue(wrong.stderr().contains("password authentication failed for user \"weft\""),
                () -> wrong.describe(40));
    }

    @Test
    void hostnosslMatchesOnlyClientsInTheClear() {
        // line 7: template1 in the clear with md5 (the pooler asks for md5, the server side is the pool's business)
        CommandResult clear = psql(PoolerFixture.MD5_USER, PoolerFixture.MD5_PASSWORD, "template1", "disable");
        // weft_md5 is rejected by line 2 before line 7: first match wins
        assertTrue(clear.stderr().contains("pg_hba.conf rejects connection"), () -> clear.describe(40));
        CommandResult weft = psql(PoolerFixture.USER, PoolerFixture.PASSWORD, "template1", "disable");
        assertEquals(0, weft.exitCode(), () -> weft.describe(40));
        CommandResult tls = psql(PoolerFixture.USER, PoolerFixture.PASSWORD, "template1", "require");
        assertTrue(tls.stderr().contains("no pg_hba.conf entry for host \"127.0.0.1\", user \"weft\", database"
                + " \"template1\", SSL encryption"), () -> tls.describe(40));
    }
}
