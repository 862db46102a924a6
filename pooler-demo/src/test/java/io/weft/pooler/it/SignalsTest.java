package io.weft.pooler.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.pooler.pg.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Real signals to {@code weft pooler --config} in a child JVM: SIGHUP reloads (a bad file is
 * logged and the configuration in force kept), SIGTERM shuts down gracefully and the process
 * exits, a second stop signal closes at once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignalsTest {
    private static final int SIGINT = 2;
    private static final String LATE_USER = "weft_hup";
    private static final String LATE_PASSWORD = "hup-secret";
    private EmbeddedPostgres pg;

    @BeforeAll
    void startServer() {
        pg = PoolerFixture.startServer();
        pg.createUser(LATE_USER, LATE_PASSWORD, "scram-sha-256");
        pg.execute(PoolerFixture.DATABASE, "create table signal_rows (run text, step int);"
                + " alter table signal_rows owner to " + PoolerFixture.USER);
    }

    @AfterAll
    void stopServer() {
        if (pg != null) pg.close();
    }

    private PoolerFiles files(String pipeline) throws IOException {
        return new PoolerFiles(pipeline).server("primary", pg.port()).option("log_level", "info").write();
    }

    private static RawClient login(PoolerProcess child) throws IOException {
        return RawClient.login(child.port, PoolerFixture.USER, PoolerFixture.PASSWORD, PoolerFixture.DATABASE);
    }

    private static boolean refused(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private String count(String run) {
        return pg.query(PoolerFixture.DATABASE, "select count(*) from signal_rows where run = '" + run + "'").get(0).get(0);
    }

    @Test
    void sighupReloadsAndABadFileKeepsTheConfigurationInForce() throws Exception {
        PoolerFiles files = files("transaction");
        try (PoolerProcess child = PoolerProcess.start(files.conf())) {
            assertThrows(IOException.class, () -> RawClient.login(child.port, LATE_USER, LATE_PASSWORD,
                    PoolerFixture.DATABASE).close());
            files.users += LATE_USER + " " + LATE_PASSWORD + "\n";
            files.write();
            child.signal("HUP");
            PoolerFiles.await(() -> {
                try (RawClient c = RawClient.login(child.port, LATE_USER, LATE_PASSWORD, PoolerFixture.DATABASE)) {
                    return c.query("select current_user").get(0).get(0).equals(LATE_USER);
                } catch (IOException e) {
                    return false;
                }
            }, Duration.ofSeconds(20), "the new user to log in after SIGHUP");
            assertTrue(child.log().contains("users: 1 added [" + LATE_USER + "]"), child::toString);

            files.databases = "all all 4\nweft weft 1 2 3 4 5 6\n";
            files.write();
            child.signal("HUP");
            PoolerFiles.await(() -> {
                try {
                    return child.log().contains("reload failed");
                } catch (IOException e) {
                    return false;
                }
            }, Duration.ofSeconds(20), "the bad reload to be logged");
            String log = child.log();
            assertTrue(log.contains("reload failed, the configuration in force is kept: " + files.databasesFile() + ":2:"), log);
            try (RawClient c = login(child)) {
                assertEquals("1", c.query("select 1").get(0).get(0), "the old configuration still serves");
            }
            try (RawClient c = RawClient.login(child.port, LATE_USER, LATE_PASSWORD, PoolerFixture.DATABASE)) {
                assertEquals("1", c.query("select 1").get(0).get(0), "the last good reload is still in force");
            }
            assertTrue(child.process.isAlive());
            child.signal("TERM");
            assertEquals(0, child.awaitExit(Duration.ofSeconds(20)), child.log());
        }
    }

    @Test
    void sigtermLetsTransactionsInFlightCommitAndTheProcessExits() throws Exception {
        String run = "term";
        try (PoolerProcess child = PoolerProcess.start(files("session").option("shutdown_timeout", "30").write().conf());
             RawClient a = login(child);
             RawClient b = login(child)) {
            a.query("begin");
            a.query("insert into signal_rows values ('" + run + "', 1)");
            b.query("begin");
            b.query("insert into signal_rows values ('" + run + "', 1)");
            child.signal("TERM");
            PoolerFiles.await(() -> refused(child.port), Duration.ofSeconds(10), "the listener to close");
            assertTrue(child.process.isAlive(), "the transactions in flight hold the shutdown");
            for (RawClient c : List.of(a, b)) {
                c.query("insert into signal_rows values ('" + run + "', 2)");
                c.query("commit");
                GracefulShutdownTest.assertTerminatedByAdministrator(c);
            }
            assertEquals(0, child.awaitExit(Duration.ofSeconds(20)), child.log());
            assertEquals("4", count(run), "both transactions committed whole");
        }
    }

    /** The no-config demo: SIGTERM stops the pooler, the throwaway PostgreSQL and removes its directory. */
    @Test
    void theDemoRemovesItsPostgresAndDirectoryOnSigterm() throws Exception {
        java.util.Set<String> before = demoDirs();
        try (PoolerProcess child = PoolerProcess.start("--port", "0", "--backend", "jdk")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("throwaway PostgreSQL on 127.0.0.1:(\\d+)")
                    .matcher(child.log());
            assertTrue(m.find(), child.log());
            int pgPort = Integer.parseInt(m.group(1));
            assertTrue(!refused(pgPort), "the throwaway PostgreSQL runs");
            java.util.Set<String> made = demoDirs();
            made.removeAll(before);
            assertEquals(1, made.size(), "one demo directory: " + made);
            try (RawClient c = RawClient.login(child.port, "weft", "weft", "weft")) {
                assertEquals("1", c.query("select 1").get(0).get(0));
            }
            child.signal("TERM");
            assertEquals(0, child.awaitExit(Duration.ofSeconds(60)), child.log());
            assertTrue(refused(pgPort), "the throwaway PostgreSQL is stopped");
            java.util.Set<String> left = demoDirs();
            left.retainAll(made);
            assertEquals(java.util.Set.of(), left, "the demo directory is removed");
        }
    }

    /** The demo's configuration directories (weft-pooler-NNN) in the temporary folder. */
    private static java.util.Set<String> demoDirs() throws IOException {
        try (var s = java.nio.file.Files.list(java.nio.file.Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("weft-pooler-\\d+"))
                    .collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
        }
    }

    @Test
    void aSecondStopSignalClosesAtOnce() throws Exception {
        String run = "twice";
        try (PoolerProcess child = PoolerProcess.start(files("transaction").option("shutdown_timeout", "60").write().conf());
             RawClient a = login(child)) {
            a.query("begin");
            a.query("insert into signal_rows values ('" + run + "', 1)");
            // SIGINT as Ctrl-C sends it, unless this test runs where SIGINT is ignored (a
            // background job of a non-interactive shell): then SIGTERM, handled the same way.
            String stop = child.ignores(SIGINT) ? "TERM" : "INT";
            child.signal(stop);
            PoolerFiles.await(() -> refused(child.port), Duration.ofSeconds(10), "the graceful shutdown to start");
            Thread.sleep(500);
            assertTrue(child.process.isAlive(), "the open transaction holds the graceful shutdown");
            long t0 = System.nanoTime();
            child.signal(stop);
            assertEquals(0, child.awaitExit(Duration.ofSeconds(10)), child.log());
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(8).toNanos(), "the second signal is immediate");
            assertTrue(child.log().contains("second stop signal"), child.log());
            PoolerFiles.await(() -> pg.query("select count(*) from pg_stat_activity where application_name = 'weft-pooler'")
                    .get(0).get(0).equals("0"), Duration.ofSeconds(10), "the server connection to be gone");
            assertEquals("0", count(run), "the open transaction was rolled back");
        }
    }
}
