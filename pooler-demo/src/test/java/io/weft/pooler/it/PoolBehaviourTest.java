package io.weft.pooler.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.pooler.PoolerServer;
import io.weft.pooler.TestDirs;
import io.weft.pooler.pg.CommandResult;
import io.weft.pooler.pg.EmbeddedPostgres;
import io.weft.pooler.pool.ServerPool;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Pool sizes, prefill, blocking_timeout, idle timeout, validation, and per-client parameters. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoolBehaviourTest {
    private EmbeddedPostgres pg;

    @BeforeAll
    void startServer() {
        pg = PoolerFixture.startServer();
    }

    @AfterAll
    void stopServer() {
        if (pg != null) pg.close();
    }

    private int serverConnections() {
        return Integer.parseInt(pg.query("select count(*) from pg_stat_activity where application_name = 'weft-pooler'"
                + " or (usename = '" + PoolerFixture.USER + "' and backend_type = 'client backend')").get(0).get(0));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    private ServerPool.PoolStats stats(PoolerServer pooler) {
        return pooler.pools().stats().stream()
                .filter(s -> s.user().equals(PoolerFixture.USER)).findFirst().orElseThrow();
    }

    @Test
    void aClientWaitsAtMostBlockingTimeoutAndGetsAClearError() throws Exception {
        try (PoolerServer pooler = PoolerFixture.startPooler(pg, "transaction", "auto", "scram-sha-256", 1,
                "blocking_timeout = 1");
             RawClient holder = RawClient.login(pooler.port(), PoolerFixture.USER, PoolerFixture.PASSWORD, PoolerFixture.DATABASE);
             RawClient waiter = RawClient.login(pooler.port(), PoolerFixture.USER, PoolerFixture.PASSWORD, PoolerFixture.DATABASE)) {
            holder.query("begin"); // holds the only server connection
            long t0 = System.nanoTime();
            waiter.send("select 1");
            assertTrue(waiter.in.next());
            assertEquals('E', (char) waiter.in.type());
            assertEquals("57P03", waiter.field('C'));
            assertTrue(waiter.field('M').contains("blocking_timeout"), waiter.field('M'));
            assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(900).toNanos(), "gave up before blocking_timeout");
            holder.query("commit");
            assertEquals("1", holder.query("select 1").get(0).get(0));
        }
    }

    @Test
    void initialSizePrefillsAndIdleTimeoutShrinksToMinSize() throws Exception {
        // a rule naming the database and user: max 6, initial 3, min 1
        java.nio.file.Path dir = TestDirs.create("weft-pool-sizes-");
        java.nio.file.Files.writeString(dir.resolve("weft-pooler.conf"), """
                [pooler]
                port = 0
                pipeline = transaction
                auth_method = scram-sha-256
                idle_timeout = 1
                [server primary]
                host = 127.0.0.1
                port = %d
                """.formatted(pg.port()));
        java.nio.file.Files.writeString(dir.resolve("weft-users.conf"), PoolerFixture.USER + " " + PoolerFixture.PASSWORD + "\n");
        java.nio.file.Files.writeString(dir.resolve("weft-databases.conf"),
                PoolerFixture.DATABASE + " " + PoolerFixture.USER + " 6 3 1\n");
        try (PoolerServer pooler = PoolerServer.start(io.weft.pooler.config.PoolerConfig.load(dir.resolve("weft-pooler.conf")))) {
            await(() -> stats(pooler).total() == 3, "prefill to initial_size 3");
            await(() -> serverConnections() >= 3, "3 server connections in pg_stat_activity");
            // idle for longer than idle_timeout: down to min_size
            await(() -> stats(pooler).total() == 1, "idle connections closed down to min_size 1");
        }
    }

    @Test
    void validationReplacesAConnectionTheServerKilled() throws Exception {
        try (PoolerServer pooler = PoolerFixture.startPooler(pg, "transaction", "auto", "scram-sha-256", 1,
                "validation = on")) {
            try (RawClient c = RawClient.login(pooler.port(), PoolerFixture.USER, PoolerFixture.PASSWORD, PoolerFixture.DATABASE)) {
                assertEquals("1", c.query("select 1").get(0).get(0));
                // kill the pooled server connection behind the pooler's back
                pg.execute("select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'weft-pooler'");
                assertEquals("2", c.query("select 2").get(0).get(0), "validation should replace the dead connection");
            }
        }
    }

    @Test
    void eachClientKeepsItsStartupParametersAcrossServerConnections() throws Exception {
        try (PoolerServer pooler = PoolerFixture.startPooler(pg, "transaction", "auto", "scram-sha-256", 1)) {
            CommandResult a = pg.tools().psql(PoolerFixture.through(pooler).withDatabase(PoolerFixture.DATABASE),
                    "show application_name", Duration.ofSeconds(30));
            assertEquals(0, a.exitCode(), a::stderr);
            try (RawClient one = RawClient.loginWith(pooler.port(), List.of("application_name", "alpha", "TimeZone", "UTC"));
                 RawClient two = RawClient.loginWith(pooler.port(), List.of("application_name", "beta", "TimeZone", "Asia/Tokyo"))) {
                for (int i = 0; i < 3; i++) { // one server connection, taken in turns
                    assertEquals("alpha", one.query("show application_name").get(0).get(0));
                    assertEquals("beta", two.query("show application_name").get(0).get(0));
                    assertEquals("UTC", one.query("show timezone").get(0).get(0));
                    assertEquals("Asia/Tokyo", two.query("show timezone").get(0).get(0));
                }
            }
        }
    }

    @Test
    void namedPreparedStatementsFollowTheClientAcrossServerConnections() throws Exception {
        try (PoolerServer pooler = PoolerFixture.startPooler(pg, "transaction", "auto", "scram-sha-256", 2);
             RawClient a = RawClient.login(pooler.port(), PoolerFixture.USER, PoolerFixture.PASSWORD, PoolerFixture.DATABASE);
             RawClient b = RawClient.login(pooler.port(), PoolerFixture.USER, PoolerFixture.PASSWORD, PoolerFixture.DATABASE)) {
            a.prepare("s1", "select $1::int + 1");
            b.prepare("s1", "select $1::int * 10"); // same client name, different statement
            for (int i = 0; i < 5; i++) {
                assertEquals(Integer.toString(i + 1), a.executePrepared("s1", Integer.toString(i)));
                assertEquals(Integer.toString(i * 10), b.executePrepared("s1", Integer.toString(i)));
            }
            assertEquals("42P05", a.prepareError("s1", "select $1::int - 1"),
                    "a name in use is refused, as PostgreSQL does");
            assertEquals("43", a.executePrepared("s1", "42"), "the refused Parse left the statement as it was");
            a.closeStatement("s1");
            assertEquals("26000", a.executePreparedError("s1", "1"), "a closed statement must be gone for its client");
            assertEquals("30", b.executePrepared("s1", "3"), "another client's statement of the same name survives");
        }
    }

    @Test
    void copyOutAndNoticesPassThrough() throws Exception {
        try (PoolerServer pooler = PoolerFixture.startPooler(pg, "session", "auto", "scram-sha-256", 2)) {
            CommandResult copy = pg.tools().psql(PoolerFixture.through(pooler),
                    "copy (select g from generate_series(1, 3) g) to stdout", Duration.ofSeconds(30));
            assertEquals(0, copy.exitCode(), copy::stderr);
            assertEquals(List.of("1", "2", "3"), copy.stdout().lines().toList());
            CommandResult notice = pg.tools().psql(PoolerFixture.through(pooler),
                    "do $$ begin raise notice 'hello from the server'; end $$", Duration.ofSeconds(30));
            assertEquals(0, notice.exitCode(), notice::stderr);
            assertTrue(notice.stderr().contains("hello from the server"), notice::stderr);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"session", "transaction"})
    void anUnreachableServerIsReportedToTheClient(String pipeline) throws Exception {
        java.nio.file.Path dir = TestDirs.create("weft-unreachable-");
        int deadPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            deadPort = s.getLocalPort(); // closed again: nothing listens there
        }
        java.nio.file.Files.writeString(dir.resolve("weft-pooler.conf"), """
                [pooler]
                port = 0
                pipeline = %s
                auth_method = scram-sha-256
                connect_timeout = 2
                [server primary]
                host = 127.0.0.1
                port = %d
                """.formatted(pipeline, deadPort));
        java.nio.file.Files.writeString(dir.resolve("weft-users.conf"), PoolerFixture.USER + " " + PoolerFixture.PASSWORD + "\n");
        java.nio.file.Files.writeString(dir.resolve("weft-databases.conf"), "all all 2\n");
        try (PoolerServer pooler = PoolerServer.start(io.weft.pooler.config.PoolerConfig.load(dir.resolve("weft-pooler.conf")))) {
            CommandResult r = pg.tools().psql(PoolerFixture.through(pooler), "select 1", Duration.ofSeconds(30));
            assertTrue(r.exitCode() != 0);
            assertTrue(r.stderr().contains("the pooler cannot reach the server"), r::stderr);
        }
    }
}
