package io.weft.pooler.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.pooler.PoolerServer;
import io.weft.pooler.pg.CommandResult;
import io.weft.pooler.pg.EmbeddedPostgres;
import io.weft.pooler.pg.PgTools;
import io.weft.pooler.pg.PgbenchResult;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** psql logins over md5 and SCRAM, cancel requests, and bad input from raw sockets. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientBehaviourTest {
    private EmbeddedPostgres pg;

    @BeforeAll
    void startServer() {
        pg = PoolerFixture.startServer();
    }

    @AfterAll
    void stopServer() {
        if (pg != null) pg.close();
    }

    private CommandResult psql(PoolerServer pooler, String user, String password, String sql) {
        return pg.tools().psql(new PgTools.Target("127.0.0.1", pooler.port(), user, PoolerFixture.DATABASE, password),
                sql, Duration.ofSeconds(30));
    }

    @ParameterizedTest
    @ValueSource(strings = {"md5", "scram-sha-256", "password"})
    void psqlLogsInWithThePasswordAndIsRefusedWithoutIt(String method) throws Exception {
        try (PoolerServer pooler = PoolerFixture.startPooler(pg, "session", "auto", method, 4)) {
            CommandResult ok = psql(pooler, PoolerFixture.USER, PoolerFixture.PASSWORD, "select current_user");
            assertEquals(0, ok.exitCode(), ok::stderr);
            assertTrue(ok.stdout().contains(PoolerFixture.USER), ok::stdout);
            // the md5 user also reaches its server with md5
            CommandResult md5 = psql(pooler, PoolerFixture.MD5_USER, PoolerFixture.MD5_PASSWORD, "select current_user");
            assertEquals(0, md5.exitCode(), md5::stderr);
            CommandResult bad = psql(pooler, PoolerFixture.USER, "wrong", "select 1");
            assertNotEquals(0, bad.exitCode());
            assertTrue(bad.stderr().contains("password authentication failed for user \"" + PoolerFixture.USER + "\""),
                    bad::stderr);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"session", "transaction"})
    void aCancelReachesOnlyTheClientsOwnQuery(String pipeline) throws Exception {
        try (PoolerServer pooler = PoolerFixture.startPooler(pg, pipeline, "auto", "scram-sha-256", 4);
             RawClient a = RawClient.login(pooler.port(), PoolerFixture.USER, PoolerFixture.PASSWORD, PoolerFixture.DATABASE);
             RawClient b = RawClient.login(pooler.port(), PoolerFixture.USER, PoolerFixture.PASSWORD, PoolerFixture.DATABASE)) {
            assertNotEquals(a.pid, b.pid);
            a.send("select pg_sleep(20)");
            b.send("select pg_sleep(1)");
            Thread.sleep(300); // both queries running on their server connections
            long t0 = System.nanoTime();
            RawClient.cancel(pooler.port(), a.pid, a.secret);
            assertEquals("57014", a.awaitResult(), "a's query was not cancelled");
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos());
            assertNull(b.awaitResult(), "b's query must not be cancelled");
            // a wrong secret cancels nothing
            b.send("select pg_sleep(1)");
            RawClient.cancel(pooler.port(), b.pid, b.secret + 1);
            assertNull(b.awaitResult());
            assertEquals("1", a.query("select 1").get(0).get(0), "a's session goes on after the cancel");
        }
    }

    @Test
    void garbageAndTruncatedMessagesEndOnlyThatClient() throws Exception {
        try (PoolerServer pooler = PoolerFixture.startPooler(pg, "transaction", "auto", "scram-sha-256", 5)) {
            Random random = new Random(42);
            // 1. random bytes instead of a start-up packet
            for (int i = 0; i < 20; i++) {
                byte[] junk = new byte[1 + random.nextInt(200)];
                random.nextBytes(junk);
                sendAndExpectClose(pooler.port(), junk);
            }
            // 2. a start-up packet claiming to be huge
            sendAndExpectClose(pooler.port(), ByteBuffer.allocate(8).putInt(1 << 30).putInt(196608).array());
            // 3. logged in, then a truncated message, then the connection closes mid-message
            try (RawClient c = RawClient.login(pooler.port(), PoolerFixture.USER, PoolerFixture.PASSWORD,
                    PoolerFixture.DATABASE)) {
                OutputStream out = c.socket.getOutputStream();
                out.write(ByteBuffer.allocate(9).put((byte) 'Q').putInt(1000).putInt(0x41414141).array());
                out.flush();
            }
            // 4. logged in, then a message with an impossible length: ErrorResponse 08P01, then closed
            try (RawClient c = RawClient.login(pooler.port(), PoolerFixture.USER, PoolerFixture.PASSWORD,
                    PoolerFixture.DATABASE)) {
                OutputStream out = c.socket.getOutputStream();
                out.write(ByteBuffer.allocate(5).put((byte) 'Q').putInt(2).array());
                out.flush();
                assertTrue(c.in.next(), "expected an ErrorResponse");
                assertEquals('E', (char) c.in.type());
                assertEquals("08P01", c.field('C'));
                assertEquals(-1, c.socket.getInputStream().read(), "the pooler must close the connection");
            }
            // the pooler goes on serving everyone else
            PgbenchResult init = PoolerFixture.pgbench(pg, pooler, "-i", "-s", "1", "-q");
            assertEquals(0, init.exitCode(), init::stderr);
            PgbenchResult r = PoolerFixture.pgbench(pg, pooler, "-c", "10", "-j", "2", "-t", "20", "-M", "extended");
            assertEquals(0, r.exitCode(), r::stderr);
            assertEquals(200, r.transactionsProcessed());
        }
    }

    private static void sendAndExpectClose(int port, byte[] bytes) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(bytes);
            out.flush();
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            while (in.read() != -1) {
                // an ErrorResponse, then end of stream
            }
        }
    }
}
