package io.weft.pooler.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.pooler.PoolerServer;
import io.weft.pooler.pg.EmbeddedPostgres;
import io.weft.pooler.pg.PgbenchResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Failover between two servers the harness starts (the same users and database on each):
 * stopping the first sends new clients and pgbench to the second, logged and counted; a
 * server that never answers costs a client at most connect_timeout; a reload that changes a
 * server's address moves new connections and closes the old ones.
 */
class FailoverTest {
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) warnings.add(r.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private final Logger log = Logger.getLogger("io.weft.pooler");
    private EmbeddedPostgres first;
    private EmbeddedPostgres second;

    @BeforeEach
    void listen() {
        log.addHandler(capture);
    }

    @AfterEach
    void stop() {
        log.removeHandler(capture);
        if (first != null) first.close();
        if (second != null) second.close();
    }

    private static RawClient login(PoolerServer pooler) throws IOException {
        return RawClient.login(pooler.port(), PoolerFixture.USER, PoolerFixture.PASSWORD, PoolerFixture.DATABASE);
    }

    private static int serverPort(RawClient c) throws IOException {
        return Integer.parseInt(c.query("select inet_server_port()").get(0).get(0));
    }

    @ParameterizedTest(name = "{0} pipeline")
    @ValueSource(strings = {"session", "transaction"})
    void stoppingTheFirstServerSendsNewClientsToTheSecond(String pipeline) throws Exception {
        first = PoolerFixture.startServer();
        second = PoolerFixture.startServer();
        try (PoolerServer pooler = new PoolerFiles(pipeline).option("connect_timeout", "2")
                .option("health_check_period", "1")
                .server("primary", first.port()).server("standby", second.port()).start()) {
            try (RawClient c = login(pooler)) {
                assertEquals(first.port(), serverPort(c), "the first server is the first choice");
            }
            assertEquals(0, pooler.pools().failovers());
            first.close();
            try (RawClient c = login(pooler)) {
                assertEquals(second.port(), serverPort(c), "a new client goes on through the second server");
            }
            assertEquals(1, pooler.pools().failovers(), "one failover, counted once: " + warnings);
            assertTrue(warnings.stream().anyMatch(w -> w.startsWith("failover: server primary (127.0.0.1:" + first.port()
                    + ") is down (") && w.contains("go to server standby (127.0.0.1:" + second.port() + ")")), warnings::toString);
            PgbenchResult init = PoolerFixture.pgbench(second, pooler, "-i", "-s", "1", "-q");
            assertTrue(init.ok(), init::summary);
            PgbenchResult run = PoolerFixture.pgbench(second, pooler, "-c", "4", "-j", "2", "-t", "50");
            assertTrue(run.ok(), run::summary);
            long checks = pooler.pools().healthChecks();
            PoolerFiles.await(() -> pooler.pools().healthChecks() >= checks + 2, Duration.ofSeconds(10),
                    "two more health checks");
            assertEquals(1, pooler.pools().failovers());
        }
    }

    @Test
    void theHealthCheckFailsOverWithNoClientAsking() throws Exception {
        first = PoolerFixture.startServer();
        second = PoolerFixture.startServer();
        try (PoolerServer pooler = new PoolerFiles("transaction").option("health_check_period", "1")
                .option("metrics_port", Integer.toString(freePort())).option("admin_users", PoolerFixture.USER)
                .server("primary", first.port()).server("standby", second.port()).start()) {
            try (RawClient c = login(pooler)) {
                assertEquals(first.port(), serverPort(c));
                assertTrue(scrape(pooler).contains("weft_pooler_failovers_total 0\n"));
                first.close();
                PoolerFiles.await(() -> pooler.pools().failovers() == 1, Duration.ofSeconds(10), "the health check");
                assertTrue(warnings.stream().anyMatch(w -> w.contains("health check")), warnings::toString);
                assertEquals(second.port(), serverPort(c), "the same client's next transaction goes to the second");
                // what an operator sees: the metrics and the admin console
                String metrics = scrape(pooler);
                assertTrue(metrics.contains("weft_pooler_failovers_total 1\n"), metrics);
                assertTrue(metrics.contains("weft_pooler_server_up{server=\"primary\",address=\"127.0.0.1:" + first.port()
                        + "\"} 0\n"), metrics);
                assertTrue(metrics.contains("weft_pooler_server_up{server=\"standby\",address=\"127.0.0.1:" + second.port()
                        + "\"} 1\n"), metrics);
                assertTrue(AdminPsql.show(second, pooler, "SHOW TOTALS").stream()
                        .anyMatch(r -> r.get("name").equals("failovers") && r.get("value").equals("1")));
            }
        }
    }

    @Test
    void aServerThatNeverAnswersCostsAClientAtMostConnectTimeout() throws Exception {
        second = PoolerFixture.startServer();
        // Accepts TCP connections (the kernel does, into the backlog) and never says a word.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             PoolerServer pooler = new PoolerFiles("transaction").option("connect_timeout", "1")
                     .option("health_check_period", "0")
                     .server("silent", silent.getLocalPort()).server("standby", second.port()).start()) {
            long t0 = System.nanoTime();
            try (RawClient c = login(pooler)) {
                long took = System.nanoTime() - t0;
                assertTrue(took < Duration.ofSeconds(4).toNanos(), "took " + took / 1_000_000 + " ms");
                assertEquals(second.port(), serverPort(c));
            }
            long t1 = System.nanoTime();
            try (RawClient c = login(pooler)) {
                assertEquals(second.port(), serverPort(c));
            }
            assertTrue(System.nanoTime() - t1 < Duration.ofMillis(900).toNanos(),
                    "the silent server is marked down: the next client does not wait for it");
            assertEquals(1, pooler.pools().failovers());
        }
    }

    @Test
    void aServerThatHangsItsProbeHoldsUpNeitherThePoolMaintenanceNorTheClose() throws Exception {
        second = PoolerFixture.startServer();
        // Accepts TCP connections and never answers: every probe of it waits connect_timeout (5 s).
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            PoolerServer pooler = new PoolerFiles("transaction").option("connect_timeout", "5")
                    .option("health_check_period", "1")
                    .server("standby", second.port()).server("silent", silent.getLocalPort()).start();
            silent.setSoTimeout(10_000);
            Socket probe;
            try {
                probe = silent.accept(); // the first health check's probe is waiting for its answer
                assertEquals(8, probe.getInputStream().readNBytes(8).length, "the probe's SSLRequest");
                long passes = pooler.pools().maintenancePasses();
                Thread.sleep(3_500);
                assertTrue(pooler.pools().maintenancePasses() >= passes + 2, "the maintenance loop went on while the"
                        + " probe hung: " + (pooler.pools().maintenancePasses() - passes) + " passes in 3.5 s");
                assertEquals(0, pooler.pools().healthChecks(), "the check waits for its last probe");
                try (RawClient c = login(pooler)) {
                    assertEquals(second.port(), serverPort(c), "clients are served meanwhile");
                }
            } finally {
                pooler.close();
            }
            probe.setSoTimeout(2_000);
            long t0 = System.nanoTime();
            assertEquals(-1, probe.getInputStream().read(), "close ends the hanging probe (its socket is closed)");
            assertTrue(System.nanoTime() - t0 < Duration.ofMillis(1_500).toNanos(), "the probe did not wait it out");
            assertEquals(0, pooler.pools().failovers(), "a probe cut short by the close marks nothing down");
        }
    }

    @Test
    void aReloadedServerAddressMovesNewConnectionsAndClosesTheOldOnes() throws Exception {
        first = PoolerFixture.startServer();
        second = PoolerFixture.startServer();
        PoolerFiles files = new PoolerFiles("transaction").server("primary", first.port());
        try (PoolerServer pooler = files.start(); RawClient c = login(pooler)) {
            c.query("begin");
            assertEquals(first.port(), serverPort(c));
            files.server("primary", second.port()).write();
            String result = pooler.reload();
            assertTrue(result.contains("server primary (127.0.0.1:" + second.port() + ") added"), result);
            c.query("commit"); // the connection to the old address is closed as it comes back
            assertEquals(second.port(), serverPort(c));
            PoolerFiles.await(() -> first.query("select count(*) from pg_stat_activity where application_name = 'weft-pooler'")
                    .get(0).get(0).equals("0"), Duration.ofSeconds(10), "no connection left to the old address");
        }
    }

    /**
     * No automatic fail-back: the first server coming back is noticed and logged but not used
     * until a reload, which puts it back first; pooled connections to the second then close.
     */
    @Test
    void aReturningServerIsUsedAgainOnlyAfterReload() throws Exception {
        first = PoolerFixture.startServer();
        second = PoolerFixture.startServer();
        try (TcpProxy proxy = new TcpProxy(first.port());
             PoolerServer pooler = new PoolerFiles("transaction").option("health_check_period", "1")
                     .option("log_level", "info")
                     .server("primary", proxy.port).server("standby", second.port()).start()) {
            List<String> infos = new CopyOnWriteArrayList<>();
            Handler info = new Handler() {
                @Override
                public void publish(LogRecord r) {
                    infos.add(r.getMessage());
                }

                @Override
                public void flush() {}

                @Override
                public void close() {}
            };
            log.addHandler(info);
            try (RawClient c = login(pooler)) {
                assertEquals(first.port(), serverPort(c));
                proxy.stop();
                PoolerFiles.await(() -> pooler.pools().failovers() == 1, Duration.ofSeconds(10), "the failover");
                assertEquals(second.port(), serverPort(c));
                proxy.restart();
                PoolerFiles.await(() -> infos.stream().anyMatch(m -> m.contains("server primary (127.0.0.1:" + proxy.port
                        + ") answers again; it stays out of the failover order until RELOAD")), Duration.ofSeconds(10),
                        "the health check to notice the first server is back");
                assertEquals(second.port(), serverPort(c), "no automatic fail-back");
                String result = pooler.reload();
                assertTrue(result.contains("server primary (127.0.0.1:" + proxy.port + ") is back in the failover order"),
                        result);
                assertEquals(first.port(), serverPort(c), "after the reload the first server is first again");
                PoolerFiles.await(() -> second.query("select count(*) from pg_stat_activity where application_name"
                        + " = 'weft-pooler'").get(0).get(0).equals("0"), Duration.ofSeconds(10),
                        "pooled connections to the second server to close");
                assertEquals(1, pooler.pools().failovers(), "a fail-back is not a failover");
            } finally {
                log.removeHandler(info);
            }
        }
    }

    @Test
    void perServerDatabasesChooseTheOrder() throws Exception {
        first = PoolerFixture.startServer();
        second = PoolerFixture.startServer();
        try (PoolerServer pooler = new PoolerFiles("transaction")
                .server("reports", first.port(), "databases = reporting")
                .server("main", second.port()).start();
             RawClient c = login(pooler)) {
            assertEquals(second.port(), serverPort(c), "the first server does not serve this database");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The pooler's Prometheus text, as a scraper gets it. */
    private static String scrape(PoolerServer pooler) throws IOException, InterruptedException {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + pooler.metricsPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }
}
