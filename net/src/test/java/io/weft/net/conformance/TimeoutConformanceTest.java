package io.weft.net.conformance;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** SO_TIMEOUT on read and accept: the timeout, and the socket still usable after it. */
@ConformanceSuite
class TimeoutConformanceTest {
    private static final int TIMEOUT_MS = 200;

    @ConformanceTest
    void readTimesOutAndTheSocketStaysUsable(Row row) throws Exception {
        row.run(c -> {
            Pair p = c.pair();
            p.client().setSoTimeout(TIMEOUT_MS);
            c.expect("getSoTimeout", TIMEOUT_MS, p.client()::getSoTimeout);
            InputStream in = p.clientIn();
            c.expectTimesOut("read()", SocketTimeoutException.class, "Read timed out", TIMEOUT_MS, in::read);
            c.expectTimesOut("read(byte[])", SocketTimeoutException.class, "Read timed out", TIMEOUT_MS,
                    () -> in.read(new byte[16]));
            c.expectState("after the timeouts", p.client(),
                    "connected bound open remote=127.0.0.1:<server> local=127.0.0.1:<ephemeral>");
            p.serverOut().write(new byte[] {1, 2, 3});
            byte[] buf = new byte[16];
            c.expect("read after the timeouts gets the data", 3, () -> in.readNBytes(buf, 0, 3));
            c.expect("the bytes", "[1, 2, 3]", () -> java.util.Arrays.toString(java.util.Arrays.copyOf(buf, 3)));
            p.serverOut().write(4);
            c.expect("read() after data", 4, in::read);
            c.expectTimesOut("timeout again when the data is used up", SocketTimeoutException.class, "Read timed out",
                    TIMEOUT_MS, in::read);
            p.client().setSoTimeout(0);
            c.expect("timeout 0 is infinite", 0, p.client()::getSoTimeout);
            p.serverOut().write(5);
            c.expect("read with no timeout", 5, in::read);
        });
    }

    @ConformanceTest
    void dataArrivingBeforeTheTimeoutIsRead(Row row) throws Exception {
        row.run(c -> {
            Pair p = c.pair();
            p.client().setSoTimeout(5000);
            Forked<Integer> reader = c.fork("reader", () -> p.clientIn().read());
            reader.awaitBlocked();
            p.serverOut().write(42);
            c.expect("timed read woken by data", 42, reader::join);
        });
    }

    @ConformanceTest
    void acceptTimesOutAndTheServerStaysUsable(Row row) throws Exception {
        row.run(c -> {
            ServerSocket server = c.listen();
            server.setSoTimeout(TIMEOUT_MS);
            c.expect("getSoTimeout", TIMEOUT_MS, server::getSoTimeout);
            c.expectTimesOut("accept", SocketTimeoutException.class, "Accept timed out", TIMEOUT_MS, server::accept);
            c.expectState("after the timeout", server, "bound open local=127.0.0.1:<server>");
            Socket client = c.socket(Conformance.IPV4, server.getLocalPort());
            c.expectState("accept after the timeout", c.accept(server),
                    "connected bound open remote=127.0.0.1:<ephemeral> local=127.0.0.1:<server>");
            c.expectTimesOut("accept times out again", SocketTimeoutException.class, "Accept timed out", TIMEOUT_MS,
                    server::accept);
            c.expect("client still connected", true, client::isConnected);
        });
    }

    @ConformanceTest
    void negativeTimeoutsAreRefused(Row row) throws Exception {
        row.run(c -> {
            Socket s = c.socket();
            c.expectThrows("Socket.setSoTimeout(-1)", IllegalArgumentException.class, "timeout can't be negative", () -> {
                s.setSoTimeout(-1);
                return s;
            });
            ServerSocket server = c.serverSocket();
            c.expectThrows("ServerSocket.setSoTimeout(-1)", IllegalArgumentException.class, "timeout < 0", () -> {
                server.setSoTimeout(-1);
                return server;
            });
        });
    }
}
