package io.weft.pooler.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** weft-pooler.conf and its users and databases files: values, defaults, and errors with file and line. */
class PoolerConfigTest {
    @TempDir
    Path dir;

    private Path write(String pooler, String users, String databases) throws Exception {
        Files.writeString(dir.resolve("weft-pooler.conf"), pooler);
        Files.writeString(dir.resolve("weft-users.conf"), users);
        Files.writeString(dir.resolve("weft-databases.conf"), databases);
        return dir.resolve("weft-pooler.conf");
    }

    private static final String SERVER = "[server primary]\nhost = 127.0.0.1\nport = 5432\n";

    @Test
    void everyOptionIsReadAndDefaultsAreSane() throws Exception {
        PoolerConfig c = PoolerConfig.load(write("""
                # a comment
                [pooler]
                host = 0.0.0.0
                port = 7000
                pipeline = transaction
                max_connections = 50
                backend = epoll
                carriers = 3
                log_level = debug
                auth_method = md5
                blocking_timeout = 500ms
                idle_timeout = 2m
                validation = on
                connect_timeout = 3
                max_message_length = 2048
                write_behind = off
                """ + SERVER, "alice secret\nbob md5aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", "db alice 10 2 1\nall all 5\n"));
        assertEquals(7000, c.port());
        assertEquals(Pipeline.TRANSACTION, c.pipeline());
        assertEquals(AuthMethod.MD5, c.authMethod());
        assertEquals(500, c.blockingTimeoutMillis());
        assertEquals(120_000, c.idleTimeoutMillis());
        assertTrue(c.validation());
        assertFalse(c.writeBehind());
        assertEquals("epoll", c.backend());
        assertEquals(10, c.rule("db", "alice").orElseThrow().maxSize());
        assertEquals(5, c.rule("other", "bob").orElseThrow().maxSize());
        assertEquals("secret", c.users().get("alice"));
        PoolerConfig d = PoolerConfig.load(write("[pooler]\n" + SERVER, "a b\n", "all all 1\n"));
        assertEquals(6432, d.port());
        assertEquals(Pipeline.SESSION, d.pipeline());
        assertEquals(AuthMethod.SCRAM_SHA_256, d.authMethod());
        assertEquals("auto", d.backend());
        assertTrue(d.writeBehind(), "write_behind is on by default");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "port = 70000                | weft-pooler.conf:3: port: must be from 0 to 65535",
        "pipeline = statement        | weft-pooler.conf:3: pipeline: expected one of [session, transaction]",
        "backend = iouring           | weft-pooler.conf:3: backend: expected one of",
        "auth_method = ldap          | weft-pooler.conf:3: auth_method: expected trust, password, md5 or scram-sha-256",
        "blocking_timeout = soon     | weft-pooler.conf:3: blocking_timeout: not a duration",
        "colour = blue               | weft-pooler.conf:3: unknown option 'colour' in [pooler]",
        "write_behind = yes          | weft-pooler.conf:3: write_behind: expected one of [off, on]",
        "port                        | weft-pooler.conf:3: expected 'key = value'",
    })
    void aBadValueIsReportedWithFileAndLine(String line, String expected) throws Exception {
        Path conf = write("[pooler]\nhost = 127.0.0.1\n" + line + "\n" + SERVER, "a b\n", "all all 1\n");
        ConfigException e = assertThrows(ConfigException.class, () -> PoolerConfig.load(conf));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void badUsersAndDatabasesFilesNameTheirLine() throws Exception {
        Path conf = write("[pooler]\n" + SERVER, "alice secret\nbob\n", "all all 1\n");
        ConfigException e = assertThrows(ConfigException.class, () -> PoolerConfig.load(conf));
        assertTrue(e.getMessage().contains("weft-users.conf:2"), e.getMessage());
        Path conf2 = write("[pooler]\n" + SERVER, "a b\n", "all all 10\ndb u 5 9\n");
        ConfigException e2 = assertThrows(ConfigException.class, () -> PoolerConfig.load(conf2));
        assertTrue(e2.getMessage().contains("weft-databases.conf:2") && e2.getMessage().contains("max_size"), e2.getMessage());
        Path conf3 = write("[pooler]\n", "a b\n", "all all 1\n");
        ConfigException e3 = assertThrows(ConfigException.class, () -> PoolerConfig.load(conf3));
        assertTrue(e3.getMessage().contains("no [server NAME] section"), e3.getMessage());
    }

    @Test
    void lifecycleAndFailoverOptions() throws Exception {
        PoolerConfig d = PoolerConfig.load(write("[pooler]\n" + SERVER, "a b\n", "all all 1\n"));
        assertEquals(30_000, d.shutdownTimeoutMillis());
        assertEquals(5_000, d.healthCheckPeriodMillis());
        assertTrue(d.primary().serves("anything"), "a server without databases serves every database");
        PoolerConfig c = PoolerConfig.load(write("""
                [pooler]
                shutdown_timeout = 2m
                health_check_period = 0
                [server main]
                host = 10.0.0.1
                [server reports]
                host = 10.0.0.2
                databases = sales, stock
                [server standby]
                host = 10.0.0.3
                port = 5433
                databases = all
                """, "a b\n", "all all 1\n"));
        assertEquals(120_000, c.shutdownTimeoutMillis());
        assertEquals(0, c.healthCheckPeriodMillis());
        assertEquals(java.util.List.of("main", "reports", "standby"),
                c.servers("stock").stream().map(ServerAddress::name).toList(), "file order is failover order");
        assertEquals(java.util.List.of("main", "standby"), c.servers("web").stream().map(ServerAddress::name).toList());
        assertEquals(java.util.List.of("sales", "stock"), c.servers().get(1).databases());
    }

    @Test
    void badLifecycleValuesAndOverridesAreNamed() throws Exception {
        Path conf = write("[pooler]\nshutdown_timeout = later\n" + SERVER, "a b\n", "all all 1\n");
        ConfigException e = assertThrows(ConfigException.class, () -> PoolerConfig.load(conf));
        assertTrue(e.getMessage().contains("weft-pooler.conf:2: shutdown_timeout: not a duration"), e.getMessage());
        Path conf2 = write("[pooler]\n[server x]\nhost = h\ndatabases = ,\n", "a b\n", "all all 1\n");
        ConfigException e2 = assertThrows(ConfigException.class, () -> PoolerConfig.load(conf2));
        assertTrue(e2.getMessage().contains("weft-pooler.conf:4: databases: expected database names"), e2.getMessage());
        Path conf3 = write("[pooler]\nport = 7000\n" + SERVER, "a b\n", "all all 1\n");
        assertEquals(7001, PoolerConfig.load(conf3, java.util.Map.of("port", "7001")).port(), "the command line wins");
        ConfigException e3 = assertThrows(ConfigException.class,
                () -> PoolerConfig.load(conf3, java.util.Map.of("pipeline", "statement")));
        assertTrue(e3.getMessage().startsWith("--pipeline (command line): "), e3.getMessage());
    }
}
