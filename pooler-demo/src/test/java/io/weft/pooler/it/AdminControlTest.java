package io.weft.pooler.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.pooler.PoolerServer;
import io.weft.pooler.pg.CommandResult;
import io.weft.pooler.pg.EmbeddedPostgres;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The admin console's RELOAD, PAUSE, RESUME and SHUTDOWN against a real pooler and PostgreSQL,
 * as an operator uses them: what each does to the clients, not only what the console answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminControlTest {
    private static final String NEWBIE = "weft_newbie";
    private static final String NEWBIE_PASSWORD = "newbie-secret";
    private EmbeddedPostgres pg;

    @BeforeAll
    void start() {
        pg = PoolerFixture.startServer();
        pg.createUser(NEWBIE, NEWBIE_PASSWORD, "scram-sha-256");
        pg.execute("GRANT ALL ON DATABASE " + PoolerFixture.DATABASE + " TO " + NEWBIE);
    }

    @AfterAll
    void stop() {
        if (pg != null) pg.close();
    }

    private PoolerFiles files(String pipeline) throws IOException {
        return new PoolerFiles(pipeline).server("primary", pg.port()).option("admin_users", PoolerFixture.USER);
    }

    private static RawClient admin(PoolerServer pooler) throws IOException {
        return RawClient.login(pooler.port(), PoolerFixture.USER, PoolerFixture.PASSWORD, AdminPsql.ADMIN_DATABASE);
    }

    private static RawClient client(PoolerServer pooler) throws IOException {
        return RawClient.login(pooler.port(), PoolerFixture.USER, PoolerFixture.PASSWORD, PoolerFixture.DATABASE);
    }

    @Test
    void reloadTakesANewUserAndABadFileChangesNothing() throws Exception {
        PoolerFiles files = files("transaction");
        try (PoolerServer pooler = files.start()) {
            IOException before = assertThrows(IOException.class,
                    () -> RawClient.login(pooler.port(), NEWBIE, NEWBIE_PASSWORD, PoolerFixture.DATABASE).close());
            assertTrue(before.getMessage().contains("28P01"), before.getMessage());

            files.users += NEWBIE + " " + NEWBIE_PASSWORD + "\n";
            files.write();
            CommandResult r = AdminPsql.run(pg, pooler, PoolerFixture.USER, PoolerFixture.PASSWORD, "RELOAD;");
            assertEquals(0, r.exitCode(), () -> r.describe(20));
            assertTrue(r.stderr().contains("NOTICE:  reloaded"), r::stderr); // what changed, for the operator
            try (RawClient newbie = RawClient.login(pooler.port(), NEWBIE, NEWBIE_PASSWORD, PoolerFixture.DATABASE)) {
                assertEquals(List.of(List.of(NEWBIE)), newbie.query("select current_user"));
            }

            files.option("pipeline", "sideways").write();
            try (RawClient admin = admin(pooler)) {
                IOException bad = assertThrows(IOException.class, () -> admin.query("RELOAD"));
                assertTrue(bad.getMessage().startsWith("F0000") && bad.getMessage().contains("weft-pooler.conf:")
                        && bad.getMessage().contains("pipeline"), bad.getMessage());
                assertFalse(admin.query("SHOW HELP").isEmpty(), "the console goes on");
            }
            try (RawClient newbie = RawClient.login(pooler.port(), NEWBIE, NEWBIE_PASSWORD, PoolerFixture.DATABASE)) {
                assertEquals(List.of(List.of("1")), newbie.query("select 1"), "the old configuration stays in force");
            }
        }
    }

    @Test
    void pauseHoldsNewWorkUntilResume() throws Exception {
        try (PoolerServer pooler = files("transaction").start();
             RawClient admin = admin(pooler);
             RawClient c = client(pooler)) {
            assertEquals(List.of(List.of("1")), c.query("select 1"));
            admin.query("PAUSE"); // nothing in flight: returns at once
            c.send("select 42");
            CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.awaitResult();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Thread.sleep(700);
            assertFalse(answer.isDone(), "a query while paused waits for RESUME");
            try (RawClient other = admin(pooler)) {
                other.query("RESUME");
            }
            assertEquals(null, answer.get(10, TimeUnit.SECONDS), "after RESUME the query runs, without error");
        }
    }

    @Test
    void shutdownEndsEveryoneAfterTheirTransactionAndStopsThePooler() throws Exception {
        pg.execute(PoolerFixture.DATABASE, "CREATE TABLE IF NOT EXISTS admin_shutdown (n int)");
        pg.execute(PoolerFixture.DATABASE, "GRANT ALL ON admin_shutdown TO " + PoolerFixture.USER);
        PoolerServer pooler = files("session").option("shutdown_timeout", "60").start();
        try (RawClient idleAdmin = admin(pooler);
             RawClient inTransaction = client(pooler);
             RawClient admin = admin(pooler)) {
            inTransaction.query("begin");
            inTransaction.query("insert into admin_shutdown values (1)");
            long start = System.nanoTime();
            admin.query("SHUTDOWN");
            // the console that asked gets its answer, then, like every idle console, 57P01
            assertEquals("57P01", admin.nextError());
            assertEquals("57P01", idleAdmin.nextError());
            assertThrows(IOException.class, () -> RawClient.connect(pooler.port()).query("select 1"),
                    "new clients are refused");
            // the transaction in flight finishes, then its client is ended too
            inTransaction.query("insert into admin_shutdown values (2)");
            inTransaction.query("commit");
            assertEquals("57P01", inTransaction.nextError());
            assertTrue(pooler.awaitTermination(Duration.ofSeconds(20)),
                    "nobody left: the pooler stops long before shutdown_timeout (60 s)");
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20));
        } finally {
            pooler.close();
        }
        assertEquals(List.of(List.of("2")), pg.query(PoolerFixture.DATABASE, "select count(*) from admin_shutdown"));
    }
}
