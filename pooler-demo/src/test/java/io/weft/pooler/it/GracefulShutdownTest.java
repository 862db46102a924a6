package io.weft.pooler.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.pooler.PoolerServer;
import io.weft.pooler.pg.EmbeddedPostgres;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PoolerControl.shutdown: transactions in flight finish and commit, then their clients get
 * FATAL 57P01; new clients are refused; a transaction still open at shutdown_timeout is
 * rolled back, never half-committed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GracefulShutdownTest {
    private EmbeddedPostgres pg;

    @BeforeAll
    void startServer() {
        pg = PoolerFixture.startServer();
        pg.execute(PoolerFixture.DATABASE, "create table shutdown_rows (run text, client int, step int);"
                + " alter table shutdown_rows owner to " + PoolerFixture.USER
                + "; create table shutdown_pairs (run text, tx bigint, step int);"
                + " alter table shutdown_pairs owner to " + PoolerFixture.USER);
    }

    @AfterAll
    void stopServer() {
        if (pg != null) pg.close();
    }

    private static RawClient login(PoolerServer pooler) throws IOException {
        return RawClient.login(pooler.port(), PoolerFixture.USER, PoolerFixture.PASSWORD, PoolerFixture.DATABASE);
    }

    /** The client's next message is FATAL 57P01 and then the connection ends. */
    static void assertTerminatedByAdministrator(RawClient c) throws IOException {
        assertTrue(c.in.next(), "expected FATAL 57P01, the connection closed first");
        assertEquals('E', (char) c.in.type());
        assertEquals("FATAL", c.field('S'));
        assertEquals("57P01", c.field('C'));
        assertEquals("terminating connection due to administrator command", c.field('M'));
        boolean more;
        try {
            more = c.in.next();
        } catch (IOException reset) {
            more = false;
        }
        assertFalse(more, "nothing may follow the FATAL");
    }

    static void assertRefused(int port) {
        assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close(),
                "a new client must get connection refused");
    }

    private List<List<String>> rows(String run) {
        return pg.query(PoolerFixture.DATABASE, "select client, count(*) from shutdown_rows where run = '" + run
                + "' group by client order by client");
    }

    @ParameterizedTest(name = "{0} pipeline")
    @ValueSource(strings = {"session", "transaction"})
    void transactionsInFlightCommitThenTheirClientsAreTerminated(String pipeline) throws Exception {
        String run = "flight-" + pipeline;
        int n = 4;
        PoolerFiles files = new PoolerFiles(pipeline).server("primary", pg.port()).option("shutdown_timeout", "20");
        files.databases = "all all " + (n + 1) + "\n"; // the session pipeline gives the idle client one too
        PoolerServer pooler = files.start();
        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) clients.add(login(pooler));
            RawClient idle = login(pooler);
            for (int i = 0; i < n; i++) {
                clients.get(i).query("begin");
                clients.get(i).query("insert into shutdown_rows values ('" + run + "', " + i + ", 1)");
            }
            pooler.shutdown();
            assertTerminatedByAdministrator(idle); // idle: ended at once
            assertRefused(pooler.port());
            for (int i = 0; i < n; i++) {
                RawClient c = clients.get(i);
                c.query("insert into shutdown_rows values ('" + run + "', " + i + ", 2)");
                c.query("commit");
                assertTerminatedByAdministrator(c);
            }
            assertTrue(pooler.awaitTermination(Duration.ofSeconds(10)), "the pooler stops once every client is gone");
            List<List<String>> rows = rows(run);
            assertEquals(n, rows.size(), rows::toString);
            for (List<String> r : rows) assertEquals("2", r.get(1), "both rows of client " + r.get(0) + ": " + rows);
        } finally {
            for (RawClient c : clients) c.close();
            pooler.close();
        }
    }

    /**
     * pgbench clients running two-row transactions when the shutdown starts: every
     * transaction pgbench counts is in the table whole, and no transaction is there by half.
     */
    @ParameterizedTest(name = "{0} pipeline")
    @ValueSource(strings = {"session", "transaction"})
    void pgbenchUnderShutdownLosesNoTransactionAndHalvesNone(String pipeline) throws Exception {
        String run = "pgbench-" + pipeline;
        java.nio.file.Path script = java.nio.file.Files.createTempFile("weft-pairs-", ".sql");
        java.nio.file.Files.writeString(script, """
                BEGIN;
                INSERT INTO shutdown_pairs VALUES ('%1$s', txid_current(), 1);
                SELECT pg_sleep(0.002);
                INSERT INTO shutdown_pairs VALUES ('%1$s', txid_current(), 2);
                COMMIT;
                """.formatted(run));
        PoolerFiles files = new PoolerFiles(pipeline).server("primary", pg.port()).option("shutdown_timeout", "20");
        files.databases = "all all " + (pipeline.equals("session") ? 8 : 4) + "\n";
        PoolerServer pooler = files.start();
        try {
            var bench = java.util.concurrent.CompletableFuture.supplyAsync(() -> PoolerFixture.pgbench(pg, pooler,
                    "-n", "-c", "8", "-j", "2", "-T", "60", "-f", script.toString()));
            // shut down once every pgbench client is in and transactions are committing
            PoolerFiles.await(() -> pooler.context().clients() == 8 && !pg.query(PoolerFixture.DATABASE,
                    "select 1 from shutdown_pairs where run = '" + run + "' limit 1").isEmpty(),
                    Duration.ofSeconds(30), "pgbench's 8 clients committing");
            pooler.shutdown();
            io.weft.pooler.pg.PgbenchResult r = bench.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(pooler.awaitTermination(Duration.ofSeconds(10)));
            assertTrue(r.transactionsProcessed() > 0, r::summary);
            assertTrue(r.stdout().contains("aborted") || r.stderr().contains("administrator command"), r.stderr());
            String half = pg.query(PoolerFixture.DATABASE, "select count(*) from (select tx from shutdown_pairs where run = '"
                    + run + "' group by tx having count(*) <> 2) h").get(0).get(0);
            assertEquals("0", half, "no transaction is in the table by half");
            String whole = pg.query(PoolerFixture.DATABASE, "select count(distinct tx) from shutdown_pairs where run = '"
                    + run + "'").get(0).get(0);
            assertEquals(Long.toString(r.transactionsProcessed()), whole,
                    "every transaction pgbench counted committed, and no other: " + r.summary());
        } finally {
            pooler.close();
            java.nio.file.Files.deleteIfExists(script);
        }
    }

    @Test
    void aTransactionOpenPastShutdownTimeoutIsRolledBack() throws Exception {
        String run = "timeout";
        PoolerServer pooler = new PoolerFiles("transaction").server("primary", pg.port())
                .option("shutdown_timeout", "1").start();
        try (RawClient c = login(pooler)) {
            c.query("begin");
            c.query("insert into shutdown_rows values ('" + run + "', 1, 1)");
            long t0 = System.nanoTime();
            pooler.shutdown();
            assertRefused(pooler.port());
            assertTrue(pooler.awaitTermination(Duration.ofSeconds(15)), "shutdown_timeout ends the wait");
            long took = System.nanoTime() - t0;
            assertTrue(took >= Duration.ofMillis(900).toNanos(), "the client had shutdown_timeout to finish");
            boolean open;
            try {
                open = c.in.next() && c.in.type() != 'E';
            } catch (IOException closed) {
                open = false;
            }
            assertFalse(open, "the client's connection is closed");
            PoolerFiles.await(() -> pg.query("select count(*) from pg_stat_activity where application_name = 'weft-pooler'")
                    .get(0).get(0).equals("0"), Duration.ofSeconds(10), "the server connection to be gone");
            assertEquals(List.of(), rows(run), "the open transaction was rolled back");
        } finally {
            pooler.close();
        }
    }

    @Test
    void aClientWaitingForAServerConnectionEndsAtOnce() throws Exception {
        PoolerFiles files = new PoolerFiles("transaction").server("primary", pg.port()).option("shutdown_timeout", "20");
        files.databases = "all all 1\n";
        PoolerServer pooler = files.start();
        try (RawClient holder = login(pooler); RawClient waiter = login(pooler)) {
            holder.query("begin");
            waiter.send("select 1"); // waits for the only connection
            Thread.sleep(200);
            pooler.shutdown();
            assertTerminatedByAdministrator(waiter); // its transaction had not started
            holder.query("commit");
            assertTerminatedByAdministrator(holder);
            assertTrue(pooler.awaitTermination(Duration.ofSeconds(10)));
        } finally {
            pooler.close();
        }
    }
}
