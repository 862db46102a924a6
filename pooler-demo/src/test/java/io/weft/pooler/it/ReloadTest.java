package io.weft.pooler.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.pooler.PoolerServer;
import io.weft.pooler.config.ConfigException;
import io.weft.pooler.config.PoolerConfig;
import io.weft.pooler.pg.EmbeddedPostgres;
import io.weft.pooler.pool.ServerPool;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** RELOAD through the API (PoolerControl.reload): users, pool sizes, bad files, start-only options, removed pools. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReloadTest {
    private static final String LATE_USER = "weft_late";
    private static final String LATE_PASSWORD = "late-secret";
    private EmbeddedPostgres pg;

    @BeforeAll
    void startServer() {
        pg = PoolerFixture.startServer();
        pg.createUser(LATE_USER, LATE_PASSWORD, "scram-sha-256");
    }

    @AfterAll
    void stopServer() {
        if (pg != null) pg.close();
    }

    private static RawClient login(PoolerServer pooler) throws IOException {
        return RawClient.login(pooler.port(), PoolerFixture.USER, PoolerFixture.PASSWORD, PoolerFixture.DATABASE);
    }

    private static ServerPool.PoolStats stats(PoolerServer pooler) {
        return pooler.pools().stats().stream().filter(s -> s.user().equals(PoolerFixture.USER)).findFirst().orElseThrow();
    }

    @Test
    void aUserAddedToTheUsersFileCanLogInAfterReload() throws Exception {
        PoolerFiles files = new PoolerFiles("transaction").server("primary", pg.port());
        try (PoolerServer pooler = files.start()) {
            IOException refused = assertThrows(IOException.class,
                    () -> RawClient.login(pooler.port(), LATE_USER, LATE_PASSWORD, PoolerFixture.DATABASE).close());
            assertTrue(refused.getMessage().contains("28P01"), refused.getMessage());
            files.users += LATE_USER + " " + LATE_PASSWORD + "\n";
            files.write();
            String result = pooler.reload();
            assertTrue(result.contains("users: 1 added [" + LATE_USER + "]"), result);
            assertTrue(!result.contains(LATE_PASSWORD), "a reload must not print passwords: " + result);
            try (RawClient late = RawClient.login(pooler.port(), LATE_USER, LATE_PASSWORD, PoolerFixture.DATABASE)) {
                assertEquals(LATE_USER, late.query("select current_user").get(0).get(0));
            }
        }
    }

    @Test
    void aChangedMaxSizeAppliesToTheExistingPool() throws Exception {
        PoolerFiles files = new PoolerFiles("transaction").server("primary", pg.port()).option("blocking_timeout", "2");
        files.databases = "all all 1\n";
        try (PoolerServer pooler = files.start();
             RawClient a = login(pooler);
             RawClient b = login(pooler)) {
            a.query("begin"); // holds the only connection
            files.databases = "all all 2\n";
            files.write();
            String grown = pooler.reload();
            assertTrue(grown.contains("max_size 1 -> 2"), grown);
            assertEquals("1", b.query("select 1").get(0).get(0), "a second connection is allowed now");
            a.query("commit");
            PoolerFiles.await(() -> stats(pooler).total() == 2 && stats(pooler).idle() == 2, Duration.ofSeconds(5),
                    "two idle connections");
            files.databases = "all all 1\n";
            files.write();
            String shrunk = pooler.reload();
            assertTrue(shrunk.contains("max_size 2 -> 1"), shrunk);
            assertEquals(1, stats(pooler).total(), "the surplus idle connection is closed at once");
            a.query("begin"); // the one connection again
            b.send("select 2");
            assertTrue(b.in.next());
            assertEquals("57P03", b.field('C'), "max_size 1 again: the second client times out");
            a.query("commit");
        }
    }

    @Test
    void aBadFileKeepsTheConfigurationInForceAndNamesFileAndLine() throws Exception {
        PoolerFiles files = new PoolerFiles("session").server("primary", pg.port());
        try (PoolerServer pooler = files.start()) {
            PoolerConfig before = pooler.context().config();
            files.databases = "all all 4\n" + "weft weft lots\n";
            files.write();
            ConfigException e = assertThrows(ConfigException.class, pooler::reload);
            assertTrue(e.getMessage().contains(files.databasesFile() + ":2:"), e.getMessage());
            assertTrue(e.getMessage().contains("max_size"), e.getMessage());
            assertSame(before, pooler.context().config(), "nothing changed");
            try (RawClient c = login(pooler)) {
                assertEquals("1", c.query("select 1").get(0).get(0));
            }
        }
    }

    @Test
    void startOnlyOptionsAreKeptAndNamed() throws Exception {
        PoolerFiles files = new PoolerFiles("transaction").server("primary", pg.port());
        try (PoolerServer pooler = files.start()) {
            int port = pooler.port();
            files.option("port", "1").option("backend", "jdk").option("idle_timeout", "7").write();
            String result = pooler.reload();
            assertTrue(result.contains("kept until restart: "), result);
            assertTrue(result.contains("port 1 (running with 0)"), result);
            assertTrue(result.contains("backend jdk (running with auto)"), result);
            assertTrue(result.contains("idle_timeout 600000 ms -> 7000 ms"), result);
            assertEquals(port, pooler.port());
            assertEquals(7000, pooler.context().config().idleTimeoutMillis());
            try (RawClient c = login(pooler)) {
                assertEquals("1", c.query("select 1").get(0).get(0));
            }
            assertTrue(pooler.reload().contains("nothing changed"), "a second reload of the same files changes nothing");
        }
    }

    @Test
    void aRemovedRuleRefusesNewClientsAndKeepsThoseAlreadyIn() throws Exception {
        PoolerFiles files = new PoolerFiles("session").server("primary", pg.port());
        files.databases = PoolerFixture.DATABASE + " " + PoolerFixture.USER + " 2\n";
        try (PoolerServer pooler = files.start(); RawClient in = login(pooler)) {
            in.query("begin");
            files.databases = PoolerFixture.DATABASE + " " + PoolerFixture.MD5_USER + " 2\n";
            files.write();
            String result = pooler.reload();
            assertTrue(result.contains("pool " + PoolerFixture.USER + "/" + PoolerFixture.DATABASE + " removed"), result);
            IOException refused = assertThrows(IOException.class, () -> login(pooler).close());
            assertTrue(refused.getMessage().contains("3D000"), refused.getMessage());
            assertEquals("1", in.query("select 1").get(0).get(0), "the client already in keeps its connection");
            in.query("commit");
            in.close();
            PoolerFiles.await(() -> pooler.pools().inUse() == 0, Duration.ofSeconds(10), "the retired pool to empty");
            PoolerFiles.await(() -> serverConnections() == 0, Duration.ofSeconds(10),
                    "the retired pool's connection to be closed");
        }
    }

    @Test
    void pauseStillSeesARetiredPoolWhoseClientStartsATransactionLater() throws Exception {
        PoolerFiles files = new PoolerFiles("transaction").server("primary", pg.port());
        files.databases = PoolerFixture.DATABASE + " " + PoolerFixture.USER + " 2\n";
        try (PoolerServer pooler = files.start(); RawClient in = login(pooler)) {
            assertEquals("1", in.query("select 1").get(0).get(0));
            files.databases = PoolerFixture.DATABASE + " " + PoolerFixture.MD5_USER + " 2\n";
            files.write();
            pooler.reload();
            // between transactions the retired pool has no connection in use; the pool
            // maintenance (once a second) must not forget it while its client is still there
            long passes = pooler.pools().maintenancePasses();
            PoolerFiles.await(() -> pooler.pools().maintenancePasses() >= passes + 2, Duration.ofSeconds(10),
                    "two passes of the pool maintenance");
            in.query("begin");
            in.query("select 1"); // a connection of the retired pool in use again
            assertFalse(pooler.pause(Duration.ofMillis(500)), "PAUSE must see the transaction in the retired pool");
            pooler.resume();
            in.query("commit");
            assertTrue(pooler.pause(Duration.ofSeconds(5)), "once the transaction is over, PAUSE is done");
            pooler.resume();
        }
    }

    private int serverConnections() {
        return Integer.parseInt(pg.query("select count(*) from pg_stat_activity where application_name = 'weft-pooler'")
                .get(0).get(0));
    }
}
