package io.weft.pooler.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.pooler.PoolerServer;
import io.weft.pooler.pg.EmbeddedPostgres;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PAUSE waits for the transaction in flight; new work waits while paused and goes on after RESUME. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PauseResumeTest {
    private EmbeddedPostgres pg;

    @BeforeAll
    void startServer() {
        pg = PoolerFixture.startServer();
    }

    @AfterAll
    void stopServer() {
        if (pg != null) pg.close();
    }

    private static RawClient login(PoolerServer pooler) throws IOException {
        return RawClient.login(pooler.port(), PoolerFixture.USER, PoolerFixture.PASSWORD, PoolerFixture.DATABASE);
    }

    /** Nothing arrived for the client within {@code millis}. */
    private static void assertNoReply(RawClient c, long millis) throws Exception {
        Thread.sleep(millis);
        assertEquals(0, c.socket.getInputStream().available(), "the client got a reply while the pooler was paused");
    }

    @ParameterizedTest(name = "blocking_timeout {0}")
    @ValueSource(strings = {"1", "0"})
    void pauseWaitsForTheTransactionAndNewWorkWaitsForResume(String blockingTimeout) throws Exception {
        try (PoolerServer pooler = new PoolerFiles("transaction").server("primary", pg.port())
                .option("blocking_timeout", blockingTimeout).start();
             RawClient inFlight = login(pooler);
             RawClient later = login(pooler)) {
            inFlight.query("begin");
            inFlight.query("select 1");
            CompletableFuture<Boolean> paused = CompletableFuture.supplyAsync(() -> {
                try {
                    return pooler.pause(Duration.ofSeconds(20));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(300);
            assertFalse(paused.isDone(), "pause must wait for the transaction in flight");
            later.send("select 42");
            inFlight.query("select 2"); // the transaction in flight goes on
            inFlight.query("commit");
            assertTrue(paused.get(10, TimeUnit.SECONDS), "pause returns once the transaction is done");
            // Longer than blocking_timeout: a paused client is not timed out (PgBouncer lets it wait).
            assertNoReply(later, 1500);
            pooler.resume();
            assertEquals(null, later.awaitResult(), "the waiting query runs after resume");
            assertEquals("43", later.query("select 43").get(0).get(0));
        }
    }

    @ParameterizedTest(name = "{0} pipeline")
    @ValueSource(strings = {"session", "transaction"})
    void pauseReturnsFalseWhenTheTimeoutPassesFirst(String pipeline) throws Exception {
        try (PoolerServer pooler = new PoolerFiles(pipeline).server("primary", pg.port()).start();
             RawClient c = login(pooler)) {
            c.query("begin");
            long t0 = System.nanoTime();
            assertFalse(pooler.pause(Duration.ofMillis(300)));
            assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(290).toNanos());
            pooler.resume();
            c.query("commit");
            if (pipeline.equals("session")) {
                // session pipeline: pause waits for sessions to end
                assertFalse(pooler.pause(Duration.ofMillis(200)), "a session holds its connection until it ends");
                c.close();
                assertTrue(pooler.pause(Duration.ofSeconds(10)), "the session ended: every connection is idle");
                pooler.resume();
            } else {
                assertTrue(pooler.pause(Duration.ofSeconds(10)));
                pooler.resume();
                assertEquals("1", c.query("select 1").get(0).get(0));
            }
        }
    }
}
