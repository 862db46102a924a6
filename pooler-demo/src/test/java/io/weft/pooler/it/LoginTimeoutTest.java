package io.weft.pooler.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.pooler.PoolerServer;
import io.weft.pooler.pg.EmbeddedPostgres;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * client_login_timeout: a client that connects and says nothing, or stops half-way through
 * start-up or authentication, is disconnected, so it cannot hold a thread and a descriptor for
 * ever; a client that has logged in may then stay idle.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoginTimeoutTest {
    private static final int PROTOCOL_3_0 = 196608;
    private static final int SSL_REQUEST = 80877103;
    private EmbeddedPostgres pg;
    private PoolerServer pooler;

    @BeforeAll
    void start() throws Exception {
        pg = PoolerFixture.startServer();
        pooler = PoolerFixture.startPooler(pg, "transaction", "auto", "scram-sha-256", 2, "client_login_timeout = 500ms");
    }

    @AfterAll
    void stop() {
        if (pooler != null) pooler.close();
        if (pg != null) pg.close();
    }

    /** Seconds until the pooler closed the connection; fails if it sent anything but an error first. */
    private static double secondsUntilClosed(Socket s) throws Exception {
        long start = System.nanoTime();
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        int b;
        while ((b = in.read()) >= 0) {
            // an authentication request ('R') or the FATAL ('E') that may precede the close
            assertTrue(b != 'Z', "the client was let in");
        }
        return (System.nanoTime() - start) / 1e9;
    }

    @Test
    void aClientThatSaysNothingIsDisconnected() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), pooler.port())) {
            double waited = secondsUntilClosed(s);
            assertTrue(waited >= 0.4 && waited < 5, "closed after " + waited + " s");
        }
    }

    @Test
    void aClientThatStopsInTheMiddleOfScramIsDisconnected() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), pooler.port())) {
            s.getOutputStream().write(TlsTest.startupPacket(PoolerFixture.USER, PoolerFixture.DATABASE));
            // the pooler asks for SASL; the client never answers
            double waited = secondsUntilClosed(s);
            assertTrue(waited >= 0.4 && waited < 5, "closed after " + waited + " s");
        }
    }

    @Test
    void aStartupMessageCutShortIsDisconnected() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), pooler.port())) {
            byte[] startup = TlsTest.startupPacket(PoolerFixture.USER, PoolerFixture.DATABASE);
            s.getOutputStream().write(startup, 0, startup.length / 2);
            double waited = secondsUntilClosed(s);
            assertTrue(waited >= 0.4 && waited < 5, "closed after " + waited + " s");
        }
    }

    @Test
    void aClientThatLoggedInMayStayIdle() throws Exception {
        try (RawClient c = RawClient.login(pooler.port(), PoolerFixture.USER, PoolerFixture.PASSWORD,
                PoolerFixture.DATABASE)) {
            // a client connecting after it and saying nothing is cut off: the login timeout has
            // passed for the logged-in client too, which must not have been cut off
            try (Socket silent = new Socket(InetAddress.getLoopbackAddress(), pooler.port())) {
                secondsUntilClosed(silent);
            }
            assertEquals(List.of(List.of("1")), c.query("select 1"));
        }
    }

    @Test
    void theThreadsOfTimedOutClientsAreGone() throws Exception {
        // the pooler's own threads only (acceptor, pool maintenance): earlier tests' clients have ended
        long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pooler.liveThreads() > 2 && System.nanoTime() < settle) TimeUnit.MILLISECONDS.sleep(50);
        int before = pooler.liveThreads();
        assertEquals(2, before, "threads of earlier clients still running");
        for (int i = 0; i < 20; i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), pooler.port())) {
                s.getOutputStream().write(ByteBuffer.allocate(8).putInt(8).putInt(i % 2 == 0 ? PROTOCOL_3_0 : SSL_REQUEST)
                        .array(), 0, 6); // half a packet
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pooler.liveThreads() > before && System.nanoTime() < deadline) TimeUnit.MILLISECONDS.sleep(50);
        assertEquals(before, pooler.liveThreads(), "client threads left behind");
    }
}
