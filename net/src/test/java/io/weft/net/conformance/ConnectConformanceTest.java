package io.weft.net.conformance;

import static io.weft.net.conformance.Conformance.IPV4;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.testkit.KqueueTesting;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/** connect: the states a socket goes through, refusal, connect timeouts, connecting twice. */
@ConformanceSuite
class ConnectConformanceTest {

    @ConformanceTest
    void connectAcceptShutdownCloseStates(Row row) throws Exception {
        row.run(c -> {
            Socket s = c.socket();
            c.expectState("new Socket()", s, "unconnected unbound open remote=null:0 local=0.0.0.0:-1");
            ServerSocket server = c.listen();
            c.expectState("listening", server, "bound open local=127.0.0.1:<server>");

            s.connect(server.getLocalSocketAddress());
            c.expectState("connected", s, "connected bound open remote=127.0.0.1:<server> local=127.0.0.1:<ephemeral>");
            Socket accepted = c.accept(server);
            c.expect("accept returns the flavour's socket class", true,
                    () -> c.sockets().socketClass() == accepted.getClass());
            c.expectState("accepted", accepted,
                    "connected bound open remote=127.0.0.1:<ephemeral> local=127.0.0.1:<server>");
            c.expect("accepted's remote port is the client's local port", true,
                    () -> accepted.getPort() == s.getLocalPort());
            c.expectAddress("getRemoteSocketAddress", "127.0.0.1:<server>", s::getRemoteSocketAddress);
            c.expectAddress("getLocalSocketAddress", "127.0.0.1:<ephemeral>", s::getLocalSocketAddress);
            c.expectAddress("accepted's getRemoteSocketAddress", "127.0.0.1:<ephemeral>", accepted::getRemoteSocketAddress);
            c.expectAddress("accepted's getLocalSocketAddress", "127.0.0.1:<server>", accepted::getLocalSocketAddress);

            s.shutdownInput();
            c.expectState("after shutdownInput", s,
                    "connected bound open input-shutdown remote=127.0.0.1:<server> local=127.0.0.1:<ephemeral>");
            s.shutdownOutput();
            c.expectState("after shutdownOutput", s,
                    "connected bound open input-shutdown output-shutdown remote=127.0.0.1:<server> local=127.0.0.1:<ephemeral>");
            s.close();
            c.expectState("after close", s,
                    "connected bound closed input-shutdown output-shutdown remote=127.0.0.1:<server> local=0.0.0.0:<ephemeral>");
            c.expect("close again is a no-op", "closed", () -> {
                s.close();
                return "closed";
            });
            server.close();
            c.expectState("server after close", server, "bound closed local=127.0.0.1:<server>");
        });
    }

    /**
     * A client that connects and resets (SO_LINGER 0, close) before the server accepts: accept
     * still returns that connection, with the client's address, and its first read reports the
     * reset. Weft's accept threw {@code ErrnoException: getpeername: ENOTCONN} instead (found by
     * the soak, {@code ./weft stress soak}), which ends a typical server's accept loop.
     */
    @ConformanceTest
    void aConnectionResetBeforeAcceptIsStillAccepted(Row row) throws Exception {
        row.run(c -> {
            ServerSocket server = c.listen();
            Socket early = c.socket(IPV4, server.getLocalPort()); // handshake done: in the backlog
            int earlyPort = early.getLocalPort();
            early.setSoLinger(true, 0);
            early.close(); // RST before anybody accepted it
            Socket accepted = c.accept(server);
            c.expect("accept returns the reset connection, with its peer's port", true,
                    () -> accepted.getPort() == earlyPort);
            c.expectThrows("its first read", SocketException.class, "Connection reset",
                    () -> accepted.getInputStream().read());
            Socket next = c.socket(IPV4, server.getLocalPort());
            Socket second = c.accept(server);
            c.expect("the next accept returns the next connection", true, () -> second.getPort() == next.getLocalPort());
        });
    }

    @ConformanceTest
    void connectingConstructors(Row row) throws Exception {
        row.run(c -> {
            ServerSocket server = c.listen();
            Socket byAddress = c.socket(IPV4, server.getLocalPort());
            c.expectState("new Socket(InetAddress, port)", byAddress,
                    "connected bound open remote=127.0.0.1:<server> local=127.0.0.1:<ephemeral>");
            Socket byName = c.socket("127.0.0.1", server.getLocalPort());
            c.expectState("new Socket(String, port)", byName,
                    "connected bound open remote=127.0.0.1:<server> local=127.0.0.1:<ephemeral>");
            c.expectState("first accepted", c.accept(server),
                    "connected bound open remote=127.0.0.1:<ephemeral> local=127.0.0.1:<server>");
            c.expectState("second accepted", c.accept(server),
                    "connected bound open remote=127.0.0.1:<ephemeral> local=127.0.0.1:<server>");
        });
    }

    @ConformanceTest
    void connectWithATimeoutToAListener(Row row) throws Exception {
        row.run(c -> {
            ServerSocket server = c.listen();
            Socket s = c.socket();
            s.connect(server.getLocalSocketAddress(), 5000);
            c.expectState("connected within the timeout", s,
                    "connected bound open remote=127.0.0.1:<server> local=127.0.0.1:<ephemeral>");
        });
    }

    @ConformanceTest
    void connectToAPortNobodyListensOnIsRefused(Row row) throws Exception {
        KqueueTesting.assumeSocketErrorsSurvive(row.threads().weftBackend());
        row.run(c -> {
            InetSocketAddress nobody = c.refusingAddress();
            Socket s = c.socket();
            c.expectThrows("connect", ConnectException.class, "Connection refused", () -> {
                s.connect(nobody);
                return s;
            });
            // The JDK closes a socket whose connect failed.
            c.expectState("after refused connect", s, "unconnected unbound closed remote=null:0 local=0.0.0.0:-1");

            Socket timed = c.socket();
            c.expectThrows("connect with timeout", ConnectException.class, "Connection refused", () -> {
                timed.connect(nobody, 5000);
                return timed;
            });
            c.expectState("after refused timed connect", timed, "unconnected unbound closed remote=null:0 local=0.0.0.0:-1");

            c.expectThrows("connecting constructor", ConnectException.class, "Connection refused",
                    () -> c.socket(nobody.getAddress(), nobody.getPort()));
        });
    }

    /**
     * A connect timeout on loopback: a listener with backlog 1 that never accepts
     * ({@link FullBacklog}); the next connect waits for a SYN-ACK that does not come.
     */
    @ConformanceTest
    void connectTimesOutWhenTheListenersBacklogIsFull(Row row) throws Exception {
        row.run(c -> {
            int[] connected = new int[1];
            ServerSocket server = FullBacklog.open(c, connected);
            assertTrue(c.observe("connects that completed before one timed out", connected[0]) >= 1);
            Socket s = c.socket();
            c.expectTimesOut("connect to the full backlog", SocketTimeoutException.class, "Connect timed out", 300, () -> {
                s.connect(server.getLocalSocketAddress(), 300);
                return s;
            });
            c.expectState("after connect timeout", s, "unconnected unbound closed remote=null:0 local=0.0.0.0:-1");
        });
    }

    @ConformanceTest
    void connectWhenConnectedOrClosedFails(Row row) throws Exception {
        row.run(c -> {
            ServerSocket server = c.listen();
            Socket s = c.socket();
            s.connect(server.getLocalSocketAddress());
            c.expectThrows("connect again", SocketException.class, "Already connected", () -> {
                s.connect(server.getLocalSocketAddress());
                return s;
            });
            c.expectState("after second connect", s,
                    "connected bound open remote=127.0.0.1:<server> local=127.0.0.1:<ephemeral>");

            Socket closed = c.socket();
            closed.close();
            c.expectThrows("connect a closed socket", SocketException.class, "Socket is closed", () -> {
                closed.connect(server.getLocalSocketAddress());
                return closed;
            });
            c.expectThrows("connect with a negative timeout", IllegalArgumentException.class, "connect: timeout can't be negative",
                    () -> {
                        c.socket().connect(server.getLocalSocketAddress(), -1);
                        return null;
                    });
            c.expectThrows("connect to an unresolved address", java.net.UnknownHostException.class, "nonexistent.invalid",
                    () -> {
                        c.socket().connect(InetSocketAddress.createUnresolved("nonexistent.invalid", 80));
                        return null;
                    });
        });
    }
}
