package io.weft.pooler.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The admin console, metrics and statistics options, and the settings SHOW CONFIG lists. */
class OpsOptionsTest {
    @TempDir
    Path dir;

    private static final String SERVER = "[server primary]\nhost = 127.0.0.1\nport = 5432\n";

    private Path write(String pooler) throws Exception {
        Files.writeString(dir.resolve("weft-pooler.conf"), pooler);
        Files.writeString(dir.resolve("weft-users.conf"), "alice secret\nbob s3cret-password\n");
        Files.writeString(dir.resolve("weft-databases.conf"), "all all 5\n");
        return dir.resolve("weft-pooler.conf");
    }

    @Test
    void defaultsKeepTheConsoleClosedAndTheMetricsOff() throws Exception {
        PoolerConfig c = PoolerConfig.load(write("[pooler]\n" + SERVER));
        assertEquals("weft_admin", c.adminDatabase());
        assertEquals(List.of(), c.adminUsers());
        assertEquals(0, c.metricsPort());
        assertEquals("127.0.0.1", c.metricsHost());
        assertEquals(60_000, c.statsPeriodMillis());
    }

    @Test
    void theOptionsAreReadAndShowConfigSeesEveryOneWithItsValueInForce() throws Exception {
        PoolerConfig c = PoolerConfig.load(write("""
                [pooler]
                port = 7000
                admin_database = pgbouncer
                admin_users = alice , bob
                metrics_port = 9187
                metrics_host = 0.0.0.0
                stats_period = 500ms
                idle_timeout = 2m
                """ + SERVER));
        assertEquals("pgbouncer", c.adminDatabase());
        assertEquals(List.of("alice", "bob"), c.adminUsers());
        assertEquals(9187, c.metricsPort());
        assertEquals("0.0.0.0", c.metricsHost());
        assertEquals(500, c.statsPeriodMillis());
        // every [pooler] option, given or defaulted, in the form it is in force
        assertEquals("7000", c.settings().get("port"));
        assertEquals("120s", c.settings().get("idle_timeout"));
        assertEquals("30s", c.settings().get("blocking_timeout"));
        assertEquals("500ms", c.settings().get("stats_period"));
        assertEquals("scram-sha-256", c.settings().get("auth_method"));
        assertEquals("weft-users.conf", c.settings().get("users_file"));
        for (String key : List.of("host", "pipeline", "max_connections", "backend", "carriers", "log_level",
                "validation", "connect_timeout", "max_message_length", "databases_file", "admin_database",
                "admin_users", "metrics_host", "metrics_port")) {
            assertTrue(c.settings().containsKey(key), key + " missing from " + c.settings());
        }
        assertTrue(c.settings().values().stream().noneMatch(v -> v.contains("secret")), "no password: " + c.settings());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "admin_users = alice,,bob     | weft-pooler.conf:3: admin_users: expected a comma-separated list of names",
        "admin_users = 'al ice'       | weft-pooler.conf:3: admin_users: expected a comma-separated list of names",
        "admin_database = ''          | weft-pooler.conf:3: admin_database: expected a name without spaces",
        "metrics_port = 70000         | weft-pooler.conf:3: metrics_port: must be from 0 to 65535",
        "metrics_port = lots          | weft-pooler.conf:3: metrics_port: not an integer",
        "metrics_host = ''            | weft-pooler.conf:3: metrics_host: expected a name without spaces",
        "stats_period = 0             | weft-pooler.conf:3: stats_period: must be at least 100ms",
        "stats_period = often         | weft-pooler.conf:3: stats_period: not a duration",
    })
    void aBadValueIsReportedWithFileAndLine(String line, String expected) throws Exception {
        Path conf = write("[pooler]\nhost = 127.0.0.1\n" + line + "\n" + SERVER);
        ConfigException e = assertThrows(ConfigException.class, () -> PoolerConfig.load(conf));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
