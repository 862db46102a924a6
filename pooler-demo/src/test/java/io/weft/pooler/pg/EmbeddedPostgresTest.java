package io.weft.pooler.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real throwaway server. Skipped only when no PostgreSQL server is installed at all.
 * One shared server (host auth md5, so both md5- and scram-stored passwords log in) for most
 * tests; the close test and the scram-only test start their own.
 */
class EmbeddedPostgresTest {
    private static final Duration PSQL_TIMEOUT = Duration.ofSeconds(30);

    private static EmbeddedPostgres pg;

    @BeforeAll
    static void startServer() {
        // Skip only when there is no PostgreSQL at all; a wrong -Dweft.pg.bin or PG_BIN fails loudly.
        Assumptions.assumeTrue(PgTools.findBinDir().isPresent(),
                "no PostgreSQL server installed: " + PgTools.INSTALL_HINT);
        long t0 = System.nanoTime();
        pg = EmbeddedPostgres.start(EmbeddedPostgres.Options.defaults()
                .withHostAuth(EmbeddedPostgres.HostAuth.MD5)
                .withSetting("log_connections", "on"));
        System.out.printf("server up in %d ms: %s (runs as %s)%n",
                (System.nanoTime() - t0) / 1_000_000, pg, pg.serverOsUser());
    }

    @AfterAll
    static void stopServer() {
        if (pg != null) {
            pg.close();
        }
    }

    /** psql over TCP with PGPASSWORD, as a client of the pooler would connect. */
    private static CommandResult psqlTcp(EmbeddedPostgres server, String user, String password, String db, String sql) {
        return server.tools().psql(server.tcpTarget(user, password, db), sql, PSQL_TIMEOUT);
    }

    @Test
    void describesItself() throws IOException {
        assertEquals("127.0.0.1", pg.host());
        assertEquals("postgres", pg.superuser());
        assertTrue(pg.port() > 0);
        assertTrue(Files.isDirectory(pg.dataDir()));
        assertTrue(Files.exists(pg.logFile()));
        assertEquals(List.of(List.of("200", "off", "off", "off", "127.0.0.1")), pg.query(
                "select current_setting('max_connections'), current_setting('fsync'),"
                        + " current_setting('synchronous_commit'), current_setting('full_page_writes'),"
                        + " current_setting('listen_addresses')"));
        assertEquals(List.of(List.of("UTF8")), pg.query("select pg_encoding_to_char(encoding) from pg_database where datname = 'postgres'"));
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", pg.port()), 2000);
        }
    }

    @Test
    void queryReturnsRowsOfEveryStatement() {
        List<List<String>> rows = pg.query("""
                create table q(a int, b text);
                insert into q values (1, 'comma, "quote" and | bar'), (2, E'two\\nlines'), (3, null);
                select a, b from q order by a;
                select 'last';
                """);
        assertEquals(List.of(
                List.of("1", "comma, \"quote\" and | bar"),
                List.of("2", "two\nlines"),
                List.of("3", ""),
                List.of("last")), rows);
        pg.execute("drop table q");
    }

    @Test
    void sqlErrorsNameTheCommandExitCodeAndMessage() {
        PgException e = assertThrows(PgException.class, () -> pg.query("selec 1"));
        String m = e.getMessage();
        assertTrue(m.contains("psql"), m);
        assertTrue(m.contains("exit code 3"), m);
        assertTrue(m.contains("syntax error"), m);
        assertTrue(m.contains("server log"), m);
    }

    @Test
    void md5AndScramUsersLogInOverTcpWithTheirPasswords() {
        pg.createUser("u_md5", "md5 pass'word", "md5");
        pg.createUser("u_scram", "scram pass\"word", "scram-sha-256");
        pg.createDatabase("db_md5", "u_md5");
        pg.createDatabase("db_scram", "u_scram");
        assertEquals(List.of(List.of("u_md5", "md5"), List.of("u_scram", "SCRAM-SHA-256")), pg.query(
                "select rolname, substring(rolpassword from '^(md5|SCRAM-SHA-256)')"
                        + " from pg_authid where rolname like 'u\\_%' order by rolname"));

        CommandResult md5 = psqlTcp(pg, "u_md5", "md5 pass'word", "db_md5", "select 1, current_user");
        assertTrue(md5.ok(), md5.describe(20));
        assertEquals("1,u_md5\n", md5.stdout());
        CommandResult scram = psqlTcp(pg, "u_scram", "scram pass\"word", "db_scram", "select 1, current_user");
        assertTrue(scram.ok(), scram.describe(20));
        assertEquals("1,u_scram\n", scram.stdout());

        for (String[] wrong : new String[][] {{"u_md5", "db_md5"}, {"u_scram", "db_scram"}}) {
            CommandResult bad = psqlTcp(pg, wrong[0], "wrong", wrong[1], "select 1");
            assertFalse(bad.ok(), bad.describe(20));
            assertEquals(2, bad.exitCode(), bad.describe(20));
            assertTrue(bad.stderr().contains("password authentication failed for user \"" + wrong[0] + "\""),
                    bad.stderr());
        }
        CommandResult none = psqlTcp(pg, "u_md5", null, "db_md5", "select 1");
        assertFalse(none.ok(), none.describe(20));
    }

    @Test
    void pgbenchAgainstTheServer() {
        pg.createUser("bench", "bench-pw", "scram-sha-256");
        pg.createDatabase("bench", "bench");
        List<String> conn = List.of("-h", pg.host(), "-p", Integer.toString(pg.port()), "-U", "bench");

        long t0 = System.nanoTime();
        PgbenchResult init = pg.pgbench(concat(List.of("-i", "-s", "1", "-q"), conn, List.of("bench")), "bench-pw");
        init.requireOk();
        long t1 = System.nanoTime();
        PgbenchResult run = pg.pgbench(concat(List.of("-c", "4", "-j", "2", "-T", "2"), conn, List.of("bench")), "bench-pw");
        long t2 = System.nanoTime();
        System.out.printf("pgbench -i -s 1: %d ms; -c 4 -T 2: %d ms: %s%n",
                (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, run.summary());
        run.requireOk();
        assertTrue(run.tps() > 0, run.summary());
        assertTrue(run.transactionsProcessed() > 0, run.summary());
        assertEquals(0, run.failedTransactions(), run.summary());
        assertTrue(run.latencyAverageMs() > 0, run.summary());
        assertTrue(run.initialConnectionTimeMs() >= 0, run.summary());
        assertEquals(List.of(List.of("100000")), pg.query("bench", "select count(*) from pgbench_accounts"));

        PgbenchResult wrong = pg.pgbench(concat(List.of("-c", "1", "-t", "1"), conn, List.of("bench")), "nope");
        assertFalse(wrong.ok());
        assertNotEquals(0, wrong.exitCode());
        assertTrue(wrong.stderr().contains("password authentication failed"), wrong.stderr());
    }

    @Test
    void defaultScramServerRejectsMd5StoredPasswordsAndCloseLeavesNothing() throws Exception {
        EmbeddedPostgres own = EmbeddedPostgres.start();
        Path base = own.baseDir();
        Path data = own.dataDir();
        int port = own.port();
        long pid = own.pid();
        try {
            assertNotEquals(pg.port(), port);
            assertTrue(pgrep(data), "pgrep -f should see the running server");
            own.createUser("s_md5", "pw1", "md5");
            own.createUser("s_scram", "pw2", "scram-sha-256");
            own.createDatabase("sdb", "s_scram");
            CommandResult scram = psqlTcp(own, "s_scram", "pw2", "sdb", "select 1");
            assertTrue(scram.ok(), scram.describe(20));
            CommandResult md5 = psqlTcp(own, "s_md5", "pw1", "sdb", "select 1");
            assertFalse(md5.ok(), "scram-sha-256 in pg_hba.conf cannot check an md5-stored password");
            assertTrue(md5.stderr().contains("password authentication failed"), md5.stderr());
        } finally {
            long t0 = System.nanoTime();
            own.close();
            System.out.printf("close: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        }
        assertFalse(pgrep(data), "a postgres process survived close()");
        assertTrue(ProcessHandle.of(pid).map(h -> !PgTools.isRunning(h)).orElse(true), "the postmaster survived close()");
        assertFalse(Files.exists(base), base + " survived close()");
        try (Socket s = new Socket()) {
            assertThrows(IOException.class, () -> s.connect(new InetSocketAddress("127.0.0.1", port), 1000));
        }
        own.close(); // idempotent
    }

    @Test
    void startFailureSaysWhatFailed() {
        PgException e = assertThrows(PgException.class, () -> EmbeddedPostgres.start(
                EmbeddedPostgres.Options.defaults().withSetting("shared_buffers", "not-a-size")));
        String m = e.getMessage();
        assertTrue(m.contains("pg_ctl"), m);
        assertTrue(m.contains("exit code"), m);
        assertTrue(m.contains("shared_buffers"), m);
    }

    /** Whether {@code pgrep -f DIR} finds a process (exit 0), as an operator would check. */
    private static boolean pgrep(Path dataDir) {
        CommandResult r = PgTools.run(List.of("pgrep", "-f", dataDir.toString()), Map.of(), null, null,
                Duration.ofSeconds(10));
        assertTrue(r.exitCode() == 0 || r.exitCode() == 1, r.describe(10));
        return r.exitCode() == 0;
    }

    private static List<String> concat(List<String> a, List<String> b, List<String> c) {
        return java.util.stream.Stream.of(a, b, c).flatMap(List::stream).toList();
    }
}
