package io.weft.pooler.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.pooler.PoolerServer;
import io.weft.pooler.TestDirs;
import io.weft.pooler.pg.EmbeddedPostgres;
import io.weft.pooler.pg.PgbenchResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Prometheus endpoint scraped with the JDK's HttpClient after pgbench ran through the pooler
 * (transaction pipeline, more clients than server connections, so clients wait): the text is
 * valid exposition format 0.0.4 and the values agree with pgbench and pg_stat_activity.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsEndpointTest {
    private static final int CLIENTS = 6;
    private static final int POOL = 3;
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"(,|$)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private EmbeddedPostgres pg;

    @BeforeAll
    void startServer() {
        pg = PoolerFixture.startServer();
    }

    @AfterAll
    void stopServer() {
        if (pg != null) pg.close();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The samples of a scrape by "name{labels}" (labels in their order), after checking the format. */
    static Map<String, Double> parse(String text) {
        Map<String, String> types = new HashMap<>();
        Set<String> helped = new HashSet<>();
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) continue;
            if (line.startsWith("# HELP ")) {
                String name = line.substring(7).split(" ", 2)[0];
                assertTrue(NAME.matcher(name).matches(), "HELP of a bad name: " + line);
                assertTrue(helped.add(name), "HELP twice: " + line);
            } else if (line.startsWith("# TYPE ")) {
                String[] f = line.substring(7).split(" ");
                assertEquals(2, f.length, line);
                assertTrue(NAME.matcher(f[0]).matches(), "TYPE of a bad name: " + line);
                assertTrue(Set.of("counter", "gauge", "histogram", "summary", "untyped").contains(f[1]), line);
                assertTrue(types.put(f[0], f[1]) == null, "TYPE twice: " + line);
                if (f[1].equals("counter")) assertTrue(f[0].endsWith("_total"), "a counter without _total: " + line);
            } else {
                assertFalse(line.startsWith("#"), "a comment that is neither HELP nor TYPE: " + line);
                Matcher m = SAMPLE.matcher(line);
                assertTrue(m.matches(), "not a sample line: " + line);
                String name = m.group(1);
                assertNotNull(types.get(name), "a sample without a TYPE before it: " + line);
                if (m.group(3) != null) {
                    Matcher l = LABEL.matcher(m.group(3));
                    int at = 0;
                    while (at < m.group(3).length()) {
                        assertTrue(l.find(at) && l.start() == at, "bad labels in: " + line);
                        at = l.end();
                    }
                }
                double value = Double.parseDouble(m.group(4));
                assertTrue(samples.put(name + (m.group(2) == null ? "" : m.group(2)), value) == null, "twice: " + line);
            }
        }
        return samples;
    }

    private static double value(Map<String, Double> samples, String key) {
        Double v = samples.get(key);
        if (v == null) throw new AssertionError("no sample " + key + " in " + samples.keySet());
        return v;
    }

    @Test
    void aScrapeAfterPgbenchIsValidAndAgreesWithPgbenchAndPostgres() throws Exception {
        int port = freePort();
        try (PoolerServer pooler = PoolerFixture.startPooler(pg, "transaction", "auto", "scram-sha-256", POOL,
                "metrics_port = " + port)) {
            assertEquals(port, pooler.metricsPort());
            assertEquals(0, PoolerFixture.pgbench(pg, pooler, "-i", "-s", "1", "-q").exitCode());
            PgbenchResult bench = PoolerFixture.pgbench(pg, pooler, "-c", Integer.toString(CLIENTS), "-j", "2",
                    "-t", "50", "-M", "prepared");
            assertEquals(0, bench.exitCode(), bench::stderr);
            // one failed login, counted as an auth failure
            assertThrows(IOException.class, () -> RawClient.login(pooler.port(), PoolerFixture.USER, "wrong",
                    PoolerFixture.DATABASE).close());

            HttpResponse<String> r = get(port, "/metrics");
            assertEquals(200, r.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
            Map<String, Double> m = parse(r.body());
            String pool = "{database=\"weft\",user=\"weft\"}";
            assertTrue(value(m, "weft_pooler_transactions_total" + pool) >= bench.transactionsProcessed(), r.body());
            // -M prepared: seven statements per transaction, each ended by a Sync
            assertTrue(value(m, "weft_pooler_queries_total" + pool) >= 7.0 * bench.transactionsProcessed(), r.body());
            assertTrue(value(m, "weft_pooler_received_bytes_total" + pool) > 0, r.body());
            assertTrue(value(m, "weft_pooler_sent_bytes_total" + pool) > 50.0 * bench.transactionsProcessed(), r.body());
            assertEquals(0, value(m, "weft_pooler_server_errors_total" + pool));
            assertEquals(POOL, value(m, "weft_pooler_pool_max_size" + pool));
            assertTrue(value(m, "weft_pooler_waits_total" + pool) >= CLIENTS, r.body());
            assertTrue(value(m, "weft_pooler_wait_seconds_total" + pool) > 0, r.body());
            assertTrue(value(m, "weft_pooler_wait_max_seconds" + pool) > 0, r.body());
            assertEquals(1, value(m, "weft_pooler_failures_total{kind=\"auth\"}"));
            assertEquals(0, value(m, "weft_pooler_failures_total{kind=\"protocol\"}"));

            double servers = value(m, "weft_pooler_server_connections{database=\"weft\",user=\"weft\",state=\"active\"}")
                    + value(m, "weft_pooler_server_connections{database=\"weft\",user=\"weft\",state=\"idle\"}");
            assertTrue(servers >= 1 && servers <= POOL, r.body());
            long inPostgres = Long.parseLong(pg.query("select count(*) from pg_stat_activity where backend_type ="
                    + " 'client backend' and usename = 'weft' and datname = 'weft'").get(0).get(0));
            assertEquals(inPostgres, (long) servers, "the pool's connections are the ones PostgreSQL has");
            assertEquals(0, value(m, "weft_pooler_client_connections{database=\"weft\",user=\"weft\",state=\"waiting\"}"));

            for (String carrier : new String[] {"0", "1"}) { // carriers = 2 in the fixture
                assertTrue(value(m, "weft_carrier_tasks_run_total{carrier=\"" + carrier + "\"}") > 0, r.body());
                assertTrue(value(m, "weft_carrier_polls_total{carrier=\"" + carrier + "\"}") > 0, r.body());
                assertTrue(m.containsKey("weft_carrier_completions_total{carrier=\"" + carrier + "\"}"), r.body());
            }
            assertFalse(m.containsKey("weft_carrier_tasks_run_total{carrier=\"2\"}"));

            // counters only grow from one scrape to the next
            Map<String, Double> again = parse(get(port, "/metrics").body());
            for (Map.Entry<String, Double> e : m.entrySet()) {
                if (e.getKey().contains("_total")) {
                    assertTrue(again.get(e.getKey()) >= e.getValue(), e.getKey() + " went down");
                }
            }

            assertEquals(404, get(port, "/").statusCode());
            assertEquals(404, get(port, "/metricsx").statusCode());
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
        }
        // closed with the pooler: the port is free again and no HTTP thread is left
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(port, again.getLocalPort());
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> t.getName().startsWith("HTTP-Dispatcher") || t.getName().equals("weft-pooler-stats")),
                "a metrics or stats thread outlived the pooler");
    }

    @Test
    void protocolViolationsAndServerConnectFailuresAreCountedByKind() throws Exception {
        int port = freePort();
        try (PoolerServer pooler = PoolerFixture.startPooler(pg, "session", "auto", "scram-sha-256", 2,
                "metrics_port = " + port)) {
            try (RawClient c = RawClient.loginWith(pooler.port(), java.util.List.of())) {
                // a Query whose length field is below 4: the client is dropped with 08P01
                c.socket.getOutputStream().write(new byte[] {'Q', 0, 0, 0, 2});
                c.socket.getOutputStream().flush();
                assertTrue(c.in.next());
                assertEquals('E', (char) c.in.type());
                assertEquals("08P01", c.field('C'));
            }
            Map<String, Double> m = parse(get(port, "/metrics").body());
            assertEquals(1, value(m, "weft_pooler_failures_total{kind=\"protocol\"}"));
            assertEquals(1, value(m, "weft_pooler_errors_total{database=\"weft\",user=\"weft\"}"),
                    "the violation counts in the client's pool");
        }
        // a pooler whose server is not there: every attempt to connect fails and is counted
        java.nio.file.Path dir = TestDirs.create("weft-metrics-dead-server-");
        java.nio.file.Files.writeString(dir.resolve("weft-pooler.conf"), """
                [pooler]
                port = 0
                backend = jdk
                blocking_timeout = 2
                connect_timeout = 2
                metrics_port = %d
                [server primary]
                host = 127.0.0.1
                port = %d
                """.formatted(port, freePort()));
        java.nio.file.Files.writeString(dir.resolve("weft-users.conf"), PoolerFixture.USER + " " + PoolerFixture.PASSWORD + "\n");
        java.nio.file.Files.writeString(dir.resolve("weft-databases.conf"), "all all 2\n");
        try (PoolerServer pooler = PoolerServer.start(io.weft.pooler.config.PoolerConfig.load(dir.resolve("weft-pooler.conf")))) {
            IOException e = assertThrows(IOException.class, () -> RawClient.login(pooler.port(), PoolerFixture.USER,
                    PoolerFixture.PASSWORD, PoolerFixture.DATABASE).close());
            assertTrue(e.getMessage().contains("08006"), e.getMessage());
            Map<String, Double> m = parse(get(port, "/metrics").body());
            assertTrue(value(m, "weft_pooler_failures_total{kind=\"server_connect\"}") >= 1, m.toString());
            assertTrue(value(m, "weft_pooler_errors_total{database=\"weft\",user=\"weft\"}") >= 1, m.toString());
        }
    }

    @Test
    void withMetricsPortZeroThereIsNoEndpoint() throws Exception {
        try (PoolerServer pooler = PoolerFixture.startPooler(pg, "session", "jdk", "scram-sha-256", 2)) {
            assertEquals(0, pooler.metricsPort());
            assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("HTTP-Dispatcher")));
        }
    }

    @Test
    void onTheJdksThreadsThereAreNoCarrierSamplesButTheFamiliesAreDeclared() throws Exception {
        int port = freePort();
        try (PoolerServer pooler = PoolerFixture.startPooler(pg, "session", "jdk", "scram-sha-256", 2,
                "metrics_port = " + port)) {
            String body = get(port, "/metrics").body();
            Map<String, Double> m = parse(body);
            assertTrue(body.contains("# TYPE weft_carrier_tasks_run_total counter"), body);
            assertTrue(m.keySet().stream().noneMatch(k -> k.startsWith("weft_carrier_")), body);
            assertEquals(0, value(m, "weft_pooler_clients_connected"));
        }
    }

    @Test
    void aTakenMetricsPortFailsTheStartWithAClearMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            IOException e = assertThrows(IOException.class, () -> PoolerFixture.startPooler(pg, "session", "jdk",
                    "scram-sha-256", 2, "metrics_port = " + taken.getLocalPort()).close());
            assertTrue(e.getMessage().contains("metrics_port") && e.getMessage().contains(":" + taken.getLocalPort()),
                    e.getMessage());
        }
    }
}
