package io.weft.pooler.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.pooler.PoolerServer;
import io.weft.pooler.pg.CommandResult;
import io.weft.pooler.pg.EmbeddedPostgres;
import io.weft.pooler.pg.PgTools;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * max_connections, max_db_connections and max_user_connections: the client over the limit gets
 * FATAL 53300 with PostgreSQL's text, the slot comes back when a client leaves, and the counts
 * return to zero.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LimitsTest {
    private EmbeddedPostgres pg;

    @BeforeAll
    void start() {
        pg = PoolerFixture.startServer();
        pg.execute("GRANT CONNECT ON DATABASE postgres TO " + PoolerFixture.MD5_USER);
    }

    @AfterAll
    void stop() {
        if (pg != null) pg.close();
    }

    private static RawClient weft(PoolerServer pooler) throws IOException {
        return RawClient.login(pooler.port(), PoolerFixture.USER, PoolerFixture.PASSWORD, PoolerFixture.DATABASE);
    }

    private static RawClient md5User(PoolerServer pooler, String database) throws IOException {
        return RawClient.login(pooler.port(), PoolerFixture.MD5_USER, PoolerFixture.MD5_PASSWORD, database);
    }

    @Test
    void perDatabaseLimit() throws Exception {
        try (PoolerServer pooler = PoolerFixture.startPooler(pg, "transaction", "auto", "scram-sha-256", 4,
                "max_db_connections = 2")) {
            try (RawClient a = weft(pooler); RawClient b = md5User(pooler, PoolerFixture.DATABASE)) {
                IOException e = assertThrows(IOException.class, () -> weft(pooler));
                assertEquals("login failed: 53300: too many connections for database \"weft\"", e.getMessage());
                // psql shows the same FATAL
                CommandResult r = pg.tools().psql(PoolerFixture.through(pooler), "select 1;", Duration.ofSeconds(30));
                assertTrue(r.stderr().contains("FATAL:  too many connections for database \"weft\""), r.stderr());
                // another database has its own count
                try (RawClient other = md5User(pooler, "postgres")) {
                    assertEquals("1", other.query("select 1").get(0).get(0));
                }
                assertEquals(2, pooler.context().limits().database(PoolerFixture.DATABASE));
                assertEquals("1", a.query("select 1").get(0).get(0));
            }
            // both left: the slots are free again
            awaitZero(pooler);
            try (RawClient a = weft(pooler); RawClient b = weft(pooler)) {
                assertEquals("1", b.query("select 1").get(0).get(0));
            }
        }
    }

    @Test
    void perUserLimit() throws Exception {
        try (PoolerServer pooler = PoolerFixture.startPooler(pg, "session", "auto", "scram-sha-256", 4,
                "max_user_connections = 1")) {
            try (RawClient a = weft(pooler)) {
                IOException e = assertThrows(IOException.class, () -> weft(pooler));
                assertEquals("login failed: 53300: too many connections for role \"weft\"", e.getMessage());
                // another user has its own count
                try (RawClient b = md5User(pooler, PoolerFixture.DATABASE)) {
                    assertEquals("1", b.query("select 1").get(0).get(0));
                }
                // a failed login counts nothing
                assertThrows(IOException.class, () -> RawClient.login(pooler.port(), PoolerFixture.MD5_USER, "wrong",
                        PoolerFixture.DATABASE));
                assertEquals(1, pooler.context().limits().user(PoolerFixture.USER));
            }
            awaitZero(pooler);
            try (RawClient again = weft(pooler)) {
                assertEquals("1", again.query("select 1").get(0).get(0));
            }
        }
    }

    @Test
    void overallLimit() throws Exception {
        try (PoolerServer pooler = PoolerFixture.startPooler(pg, "transaction", "auto", "scram-sha-256", 4,
                "max_connections = 2")) {
            try (RawClient a = weft(pooler); RawClient b = weft(pooler)) {
                IOException e = assertThrows(IOException.class, () -> weft(pooler));
                assertEquals("login failed: 53300: sorry, too many clients already", e.getMessage());
            }
            awaitZero(pooler);
            CommandResult r = pg.tools().psql(PoolerFixture.through(pooler), "select 1;", Duration.ofSeconds(30));
            assertEquals(0, r.exitCode(), () -> r.describe(40));
        }
    }

    /** The pooler notices a client's close on its own thread: wait until every count is back at zero. */
    private static void awaitZero(PoolerServer pooler) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (pooler.context().clients() != 0 || pooler.context().limits().database(PoolerFixture.DATABASE) != 0
                || pooler.context().limits().user(PoolerFixture.USER) != 0
                || pooler.context().limits().user(PoolerFixture.MD5_USER) != 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("counts not back at zero: clients " + pooler.context().clients()
                        + ", database " + pooler.context().limits().database(PoolerFixture.DATABASE));
            }
            Thread.sleep(20);
        }
    }
}
