package io.weft.pooler.it;

import static io.weft.pooler.it.AdminPsql.num;
import static io.weft.pooler.it.AdminPsql.real;
import static io.weft.pooler.it.AdminPsql.show;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.pooler.PoolerServer;
import io.weft.pooler.pg.CommandResult;
import io.weft.pooler.pg.EmbeddedPostgres;
import io.weft.pooler.pg.PgbenchResult;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The admin console end to end: psql on {@code weft_admin} against a pooler in front of a real
 * PostgreSQL, after pgbench ran through it. The numbers are checked against pgbench's report and
 * pg_stat_activity.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminConsoleTest {
    private static final int CLIENTS = 8;
    private static final int PER_CLIENT = 50;

    private EmbeddedPostgres pg;
    private PoolerServer pooler;
    private PgbenchResult bench;

    @BeforeAll
    void start() throws Exception {
        pg = PoolerFixture.startServer();
        pooler = PoolerFixture.startPooler(pg, "session", "auto", "scram-sha-256", CLIENTS,
                "admin_users = " + PoolerFixture.USER, "stats_period = 1");
        PgbenchResult init = PoolerFixture.pgbench(pg, pooler, "-i", "-s", "1", "-q");
        assertEquals(0, init.exitCode(), init::stderr);
        bench = PoolerFixture.pgbench(pg, pooler, "-c", Integer.toString(CLIENTS), "-j", "2",
                "-t", Integer.toString(PER_CLIENT), "-M", "extended");
        assertEquals(0, bench.exitCode(), bench::stderr);
        assertEquals(CLIENTS * PER_CLIENT, bench.transactionsProcessed(), bench::stdout);
        quiet();
    }

    /** Waits until no client is connected and every server connection is back in the pool (reset done). */
    private void quiet() throws InterruptedException {
        await(() -> pooler.context().clients() == 0 && pool().get("sv_active").equals("0"),
                "every client gone and its server connection back in the pool");
    }

    @AfterAll
    void stop() {
        if (pooler != null) pooler.close();
        if (pg != null) pg.close();
    }

    private Map<String, String> pool() {
        return show(pg, pooler, "SHOW POOLS").stream()
                .filter(r -> r.get("database").equals(PoolerFixture.DATABASE) && r.get("user").equals(PoolerFixture.USER))
                .findFirst().orElseThrow(() -> new AssertionError("no pool weft/weft in SHOW POOLS"));
    }

    /** The backend pids of the pooler's server connections for weft/weft, as PostgreSQL sees them. */
    private Set<String> serverBackends() {
        return pg.query("select pid from pg_stat_activity where backend_type = 'client backend' and usename = '"
                + PoolerFixture.USER + "' and datname = '" + PoolerFixture.DATABASE + "'").stream()
                .map(r -> r.get(0)).collect(Collectors.toSet());
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(100);
        }
    }

    @Test
    void showPoolsAndShowServersMatchPgStatActivity() throws Exception {
        quiet();
        Map<String, String> pool = pool();
        Set<String> backends = serverBackends();
        assertEquals(backends.size(), num(pool, "sv_total"), () -> "pool " + pool + " vs pg_stat_activity " + backends);
        assertEquals(num(pool, "sv_total"), num(pool, "sv_idle"), pool::toString);
        assertTrue(num(pool, "sv_total") >= 1 && num(pool, "sv_total") <= CLIENTS, pool::toString);
        assertEquals(CLIENTS, num(pool, "sv_max"));
        assertEquals(0, num(pool, "cl_active") + num(pool, "cl_waiting") + num(pool, "cl_idle"), pool::toString);
        assertEquals("session", pool.get("pool_mode"));

        List<Map<String, String>> servers = show(pg, pooler, "SHOW SERVERS");
        Set<String> pids = servers.stream().map(r -> r.get("remote_pid")).collect(Collectors.toSet());
        assertEquals(backends, pids, () -> "SHOW SERVERS " + servers);
        for (Map<String, String> s : servers) {
            assertEquals("idle", s.get("state"), s::toString);
            assertEquals(Integer.toString(pg.port()), s.get("port"));
            assertEquals("no", s.get("tls"));
            assertEquals("", s.get("client_id"), "an idle connection serves nobody");
        }
    }

    private Map<String, String> stats() {
        return show(pg, pooler, "SHOW STATS").stream()
                .filter(r -> r.get("database").equals(PoolerFixture.DATABASE)).findFirst().orElseThrow();
    }

    @Test
    void showStatsCountsAtLeastWhatPgbenchReports() throws Exception {
        await(() -> num(stats(), "stats_period_ms") > 0, "the first stats period to end");
        Map<String, String> s = stats();
        // each TPC-B transaction is one BEGIN..END block: one ReadyForQuery back to idle; -i and
        // psql's sessions add their own
        assertTrue(num(s, "total_xact_count") >= bench.transactionsProcessed(), s::toString);
        // -M extended: seven statements per transaction, each ended by a Sync
        assertTrue(num(s, "total_query_count") >= 7 * bench.transactionsProcessed(), s::toString);
        assertTrue(num(s, "total_received") > 100L * bench.transactionsProcessed(), s::toString);
        assertTrue(num(s, "total_sent") > 100L * bench.transactionsProcessed(), s::toString);
        // every client session took a server connection once (session pipeline)
        assertTrue(num(s, "total_wait_count") >= CLIENTS, s::toString);
        assertTrue(num(s, "max_wait_time") > 0 && num(s, "max_wait_time") <= num(s, "total_wait_time"), s::toString);
        assertEquals(0, num(s, "total_errors"), s::toString);
        // stats_period = 1: a pool's first period runs from its creation, the others a whole second
        assertTrue(num(s, "stats_period_ms") > 0 && num(s, "stats_period_ms") <= 1200, s::toString);
        assertTrue(real(s, "avg_xact_count") >= 0, s::toString);
    }

    @Test
    void theAveragesAreThoseOfTheLastPeriodWhileWorkRuns() throws Exception {
        CompletableFuture<PgbenchResult> load = CompletableFuture.supplyAsync(() -> PoolerFixture.pgbench(pg, pooler,
                "-c", "2", "-j", "1", "-T", "4", "-S", "-M", "prepared"));
        try {
            Thread.sleep(2500); // at least one whole period of 1 s under load
            Map<String, String> s = stats();
            assertTrue(real(s, "avg_xact_count") > 0, s::toString);
            // -S -M prepared: one Sync per transaction (a period may end between a query and its reply)
            assertEquals(real(s, "avg_xact_count"), real(s, "avg_query_count"), 0.05 * real(s, "avg_xact_count") + 2,
                    s::toString);
            assertTrue(real(s, "avg_recv") > 0 && real(s, "avg_sent") > 0, s::toString);
        } finally {
            PgbenchResult r = load.get();
            assertEquals(0, r.exitCode(), r::stderr);
        }
    }

    @Test
    void showClientsListsAClientWithItsServerAndTheAdminSessionItself() throws Exception {
        quiet();
        try (RawClient probe = RawClient.loginWith(pooler.port(), List.of("application_name", "weft-ops-probe"))) {
            String backendPid = probe.query("select pg_backend_pid()").get(0).get(0);
            List<Map<String, String>> clients = show(pg, pooler, "SHOW CLIENTS");
            Map<String, String> me = clients.stream().filter(r -> r.get("application_name").equals("weft-ops-probe"))
                    .findFirst().orElseThrow(() -> new AssertionError("the probe is not in SHOW CLIENTS: " + clients));
            assertEquals("C", me.get("type"));
            assertEquals(PoolerFixture.USER, me.get("user"));
            assertEquals(PoolerFixture.DATABASE, me.get("database"));
            assertEquals("active", me.get("state"), "session pipeline: its server connection is attached");
            assertEquals("127.0.0.1", me.get("addr"));
            assertEquals(Integer.toString(probe.socket.getLocalPort()), me.get("port"));
            assertEquals(Integer.toString(pooler.port()), me.get("local_port"));
            assertEquals(backendPid, me.get("server_pid"));
            assertEquals("no", me.get("tls"));
            assertTrue(num(me, "queries") >= 1 && num(me, "transactions") >= 1, me::toString);
            assertTrue(me.get("connect_time").endsWith("UTC"), me::toString);
            // the admin session asking is listed too
            assertTrue(clients.stream().anyMatch(r -> r.get("database").equals(AdminPsql.ADMIN_DATABASE)
                    && r.get("application_name").equals(AdminPsql.APPLICATION)), clients::toString);

            List<Map<String, String>> servers = show(pg, pooler, "SHOW SERVERS");
            Map<String, String> mine = servers.stream().filter(r -> r.get("remote_pid").equals(backendPid)).findFirst()
                    .orElseThrow(() -> new AssertionError("no server with pid " + backendPid + ": " + servers));
            assertEquals("active", mine.get("state"));
            assertEquals(me.get("id"), mine.get("client_id"));

            Map<String, String> pool = pool();
            assertEquals(1, num(pool, "cl_active"), pool::toString);
            assertEquals(1, num(pool, "sv_active"), pool::toString);
        }
        await(() -> show(pg, pooler, "SHOW CLIENTS").stream()
                .noneMatch(r -> r.get("application_name").equals("weft-ops-probe")), "the probe gone from SHOW CLIENTS");
    }

    @Test
    void showConfigListsEveryOptionAndNoPassword() {
        List<Map<String, String>> config = show(pg, pooler, "show config;");
        Map<String, String> byKey = config.stream().collect(Collectors.toMap(r -> r.get("key"), r -> r.get("value")));
        assertEquals("0", byKey.get("port"), "the configured value (0: any free port)");
        assertEquals(PoolerFixture.USER, byKey.get("admin_users"));
        assertEquals("weft_admin", byKey.get("admin_database"));
        assertEquals("0", byKey.get("metrics_port"));
        assertEquals("1s", byKey.get("stats_period"));
        assertEquals("127.0.0.1:" + pg.port(), byKey.get("server primary"));
        assertTrue(byKey.keySet().containsAll(List.of("host", "pipeline", "max_connections", "backend", "carriers",
                "auth_method", "blocking_timeout", "idle_timeout", "validation", "connect_timeout", "users_file")),
                byKey::toString);
        String all = config.toString();
        assertTrue(!all.contains(PoolerFixture.PASSWORD) && !all.contains(PoolerFixture.MD5_PASSWORD), all);
    }

    @Test
    void showCarriersGivesTheSchedulersCounters() {
        List<Map<String, String>> carriers = show(pg, pooler, "SHOW CARRIERS");
        assertEquals(2, carriers.size(), carriers::toString); // carriers = 2 in the fixture
        long tasks = 0;
        for (Map<String, String> c : carriers) {
            assertTrue(Set.of("io_uring", "epoll", "kqueue").contains(c.get("backend")), c::toString);
            tasks += num(c, "tasks_run");
            assertTrue(num(c, "polls") > 0, c::toString);
        }
        assertTrue(tasks > bench.transactionsProcessed(), carriers::toString);
    }

    @Test
    void showHelpAndTotalsWork() {
        Set<String> commands = show(pg, pooler, "SHOW HELP").stream().map(r -> r.get("command")).collect(Collectors.toSet());
        assertTrue(commands.containsAll(List.of("SHOW POOLS", "SHOW CLIENTS", "SHOW SERVERS", "SHOW STATS",
                "SHOW CONFIG", "SHOW CARRIERS", "RELOAD", "PAUSE", "RESUME", "SHUTDOWN")), commands::toString);
        Map<String, String> totals = show(pg, pooler, "SHOW TOTALS").stream()
                .collect(Collectors.toMap(r -> r.get("name"), r -> r.get("value")));
        assertTrue(Long.parseLong(totals.get("xact_count")) >= bench.transactionsProcessed(), totals::toString);
        assertTrue(totals.containsKey("failures_auth") && totals.containsKey("failures_server_connect"), totals::toString);
    }

    @Test
    void unknownCommandsAreErrorsAndTheConsoleGoesOn() {
        CommandResult r = AdminPsql.run(pg, pooler, PoolerFixture.USER, PoolerFixture.PASSWORD,
                "SHOW BANANAS;\nSHOW HELP;\n");
        assertTrue(r.stderr().contains("unknown admin command \"SHOW BANANAS\""), r::stderr);
        assertTrue(r.stdout().contains("SHOW CARRIERS"), "SHOW HELP still answered after the error: " + r.stdout());
        assertEquals(0, r.exitCode(), "psql goes on after errors without ON_ERROR_STOP");
        // RELOAD, PAUSE, RESUME and SHUTDOWN: AdminControlTest
    }

    @Test
    void aUserNotInAdminUsersGetsAClearFatal() throws Exception {
        CommandResult r = AdminPsql.run(pg, pooler, PoolerFixture.MD5_USER, PoolerFixture.MD5_PASSWORD, "SHOW POOLS");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.stderr().contains("FATAL:  permission denied for database \"weft_admin\""), r::stderr);
        assertTrue(r.stderr().contains("admin_users"), r::stderr);
        IOException e = assertThrows(IOException.class, () -> RawClient.login(pooler.port(), PoolerFixture.MD5_USER,
                PoolerFixture.MD5_PASSWORD, AdminPsql.ADMIN_DATABASE).close());
        assertTrue(e.getMessage().contains("42501"), e.getMessage());
        // a wrong password is refused before the console is reached, as for any database
        CommandResult bad = AdminPsql.run(pg, pooler, PoolerFixture.USER, "wrong", "SHOW POOLS");
        assertTrue(bad.stderr().contains("password authentication failed"), bad::stderr);
        Map<String, String> totals = show(pg, pooler, "SHOW TOTALS").stream()
                .collect(Collectors.toMap(x -> x.get("name"), x -> x.get("value")));
        assertTrue(Long.parseLong(totals.get("failures_auth")) >= 3, totals::toString);
    }

    @Test
    void onTheJdksThreadsShowCarriersIsEmptyWithANotice() throws Exception {
        try (PoolerServer jdk = PoolerFixture.startPooler(pg, "transaction", "jdk", "scram-sha-256", 2,
                "admin_users = " + PoolerFixture.USER)) {
            CommandResult r = AdminPsql.run(pg, jdk, PoolerFixture.USER, PoolerFixture.PASSWORD, "SHOW CARRIERS");
            assertEquals(0, r.exitCode(), r::stderr);
            assertTrue(r.stderr().contains("no Weft carriers to show"), r::stderr);
            List<String> lines = r.stdout().lines().toList();
            assertEquals(1, lines.size(), "the header only: " + r.stdout());
            assertTrue(lines.get(0).startsWith("carrier,name,backend"), r.stdout());
            // the rest of the console works the same on the JDK's threads
            PgbenchResult selects = PoolerFixture.pgbench(pg, jdk, "-c", "2", "-t", "20", "-S");
            assertEquals(0, selects.exitCode(), selects::stderr);
            Map<String, String> s = show(pg, jdk, "SHOW STATS").get(0);
            assertTrue(num(s, "total_xact_count") >= 40, s::toString);
        }
    }
}
