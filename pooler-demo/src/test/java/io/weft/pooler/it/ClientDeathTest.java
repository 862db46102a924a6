package io.weft.pooler.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weft.pooler.PoolerServer;
import io.weft.pooler.auth.ScramClient;
import io.weft.pooler.pg.EmbeddedPostgres;
import io.weft.pooler.pool.ServerPool;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Clients that die at awkward moments, as {@code ./weft stress pooler} makes them die: what
 * they had not committed stays uncommitted, and their server connection goes back to the pool.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientDeathTest {
    private EmbeddedPostgres pg;

    @BeforeAll
    void startServer() {
        pg = PoolerFixture.startServer();
        pg.execute(PoolerFixture.DATABASE, "create table death (id int primary key); alter table death owner to "
                + PoolerFixture.USER);
    }

    @AfterAll
    void stopServer() {
        if (pg != null) pg.close();
    }

    /**
     * PostgreSQL rolls back the implicit transaction of an Execute whose Sync never came when
     * its client goes away. The pooler ends a departed client's session with a Sync of its own,
     * which would commit that transaction: work the client never committed.
     */
    @ParameterizedTest(name = "{0} pipeline")
    @ValueSource(strings = {"session", "transaction"})
    void anExecuteWithoutSyncIsNotCommittedWhenItsClientDies(String pipeline) throws Exception {
        int id = pipeline.equals("session") ? 1 : 2;
        try (PoolerServer pooler = PoolerFixture.startPooler(pg, pipeline, "auto", "scram-sha-256", 1)) {
            try (RawClient c = RawClient.login(pooler.port(), PoolerFixture.USER, PoolerFixture.PASSWORD,
                    PoolerFixture.DATABASE)) {
                c.out.parse("", "insert into death values (" + id + ")");
                c.out.bind("", "");
                c.out.execute("", 0);
                c.out.flushMessage(); // run it now; the Sync that would commit it never comes
                c.out.flush();
                for (;;) { // ParseComplete, BindComplete, CommandComplete: the insert ran
                    if (!c.in.next()) throw new AssertionError("closed");
                    if (c.in.type() == 'E') throw new AssertionError(c.error());
                    if (c.in.type() == 'C') break;
                }
                c.socket.setSoLinger(true, 0); // dies with a reset
            }
            awaitIdle(pooler);
            assertEquals("0", pg.query(PoolerFixture.DATABASE, "select count(*) from death where id = " + id).get(0).get(0),
                    "the insert of a client that died before Sync was committed");
            assertEquals(0, stuckSessions(), "a server session was left in a transaction");
        }
    }

    /**
     * Session pipeline: a client that dies while it waits for its server connection (after
     * authenticating) makes the pooler's greeting fail. The connection attached for it must still
     * go back to the pool, not stay attached to a relay that never runs.
     */
    @Test
    void aClientThatDiesWaitingForItsSessionGivesTheConnectionBack() throws Exception {
        try (PoolerServer pooler = PoolerFixture.startPooler(pg, "session", "auto", "scram-sha-256", 1,
                "blocking_timeout = 5")) {
            try (RawClient holder = RawClient.login(pooler.port(), PoolerFixture.USER, PoolerFixture.PASSWORD,
                    PoolerFixture.DATABASE)) {
                RawClient waiter = authenticateWithoutWaiting(pooler.port());
                Thread.sleep(300); // the pooler has the proof and waits for the only connection
                waiter.socket.setSoLinger(true, 0);
                waiter.close(); // a reset: the pooler's greeting will fail
                Thread.sleep(300);
                holder.send("select 1");
                holder.awaitResult();
            } // the holder leaves; its connection goes to the dead waiter's session
            Thread.sleep(500);
            try (RawClient next = RawClient.login(pooler.port(), PoolerFixture.USER, PoolerFixture.PASSWORD,
                    PoolerFixture.DATABASE)) {
                assertEquals("1", next.query("select 1").get(0).get(0));
            }
            awaitIdle(pooler);
        }
    }

    /** Starts up and sends the SCRAM proof, without reading what the pooler answers to it. */
    private static RawClient authenticateWithoutWaiting(int port) throws Exception {
        RawClient c = RawClient.connect(port);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("user", PoolerFixture.USER);
        p.put("database", PoolerFixture.DATABASE);
        c.out.startupMessage(p);
        c.out.flush();
        ScramClient scram = new ScramClient(PoolerFixture.PASSWORD);
        for (;;) {
            if (!c.in.next()) throw new AssertionError("closed during login");
            if (c.in.type() != 'R') throw new AssertionError("unexpected " + (char) c.in.type());
            int code = c.in.int32(0);
            byte[] data = Arrays.copyOfRange(c.in.payload(), 4, c.in.length());
            if (code == 10) {
                c.out.saslInitialResponse("SCRAM-SHA-256", scram.clientFirst());
            } else if (code == 11) {
                c.out.saslResponse(scram.handleServerFirst(data));
                c.out.flush();
                return c;
            }
            c.out.flush();
        }
    }

    private int stuckSessions() {
        return Integer.parseInt(pg.query("select count(*) from pg_stat_activity where usename = '" + PoolerFixture.USER
                + "' and (state <> 'idle' or xact_start is not null)").get(0).get(0));
    }

    private static void awaitIdle(PoolerServer pooler) throws InterruptedException {
        await(() -> {
            ServerPool.PoolStats s = pooler.pools().stats().getFirst();
            return s.active() == 0 && s.idle() == s.total();
        }, "every server connection back in the pool: " + pooler.pools().stats());
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(50);
        }
    }
}
