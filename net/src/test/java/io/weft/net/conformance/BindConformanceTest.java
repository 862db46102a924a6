package io.weft.net.conformance;

import static io.weft.net.conformance.Conformance.IPV4;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;

/** bind: explicit binds, binding twice, and ports already in use. */
@ConformanceSuite
class BindConformanceTest {

    @ConformanceTest
    void serverSocketBindsThenListens(Row row) throws Exception {
        row.run(c -> {
            ServerSocket server = c.serverSocket();
            c.expectState("new ServerSocket()", server, "unbound open local=null:-1");
            server.bind(new InetSocketAddress(IPV4, 0), 10);
            c.namePort(server.getLocalPort(), "server");
            c.expectState("bound", server, "bound open local=127.0.0.1:<server>");
            c.expectAddress("getLocalSocketAddress", "127.0.0.1:<server>", server::getLocalSocketAddress);
            c.expectThrows("bind again", SocketException.class, "Already bound", () -> {
                server.bind(new InetSocketAddress(IPV4, 0));
                return server;
            });
            Socket client = c.socket(IPV4, server.getLocalPort());
            c.expectState("accepted", c.accept(server),
                    "connected bound open remote=127.0.0.1:<ephemeral> local=127.0.0.1:<server>");
            c.expect("client's local port is ephemeral", true, () -> client.getLocalPort() > 0);
        });
    }

    @ConformanceTest
    void serverSocketBindToAPortInUse(Row row) throws Exception {
        row.run(c -> {
            ServerSocket first = c.listen();
            ServerSocket second = c.serverSocket();
            c.expectThrows("bind to the port in use", BindException.class, "Address already in use", () -> {
                second.bind(new InetSocketAddress(IPV4, first.getLocalPort()));
                return second;
            });
            // Unlike a failed connect, a failed bind leaves the socket open (and unbound).
            c.expectState("after failed bind", second, "unbound open local=null:-1");
            c.expectThrows("constructor on the port in use", BindException.class, "Address already in use",
                    () -> c.serverSocket(first.getLocalPort(), 50, IPV4));
            c.expectState("the first still listens", first, "bound open local=127.0.0.1:<server>");
        });
    }

    @ConformanceTest
    void socketBindToAPortInUse(Row row) throws Exception {
        row.run(c -> {
            ServerSocket server = c.listen();
            Socket s = c.socket();
            c.expectThrows("bind to a listener's port", BindException.class, "Address already in use", () -> {
                s.bind(new InetSocketAddress(IPV4, server.getLocalPort()));
                return s;
            });
            // Unlike a failed connect, a failed bind leaves the socket open (and unbound).
            c.expectState("after failed bind", s, "unconnected unbound open remote=null:0 local=0.0.0.0:-1");
        });
    }

    @ConformanceTest
    void socketBindsBeforeConnecting(Row row) throws Exception {
        row.run(c -> {
            ServerSocket server = c.listen();
            Socket s = c.socket();
            s.bind(new InetSocketAddress(IPV4, 0));
            c.namePort(s.getLocalPort(), "client");
            c.expectState("bound", s, "unconnected bound open remote=null:0 local=127.0.0.1:<client>");
            c.expectThrows("bind again", SocketException.class, "Already bound", () -> {
                s.bind(new InetSocketAddress(IPV4, 0));
                return s;
            });
            s.connect(server.getLocalSocketAddress());
            c.expectState("connected from the bound port", s,
                    "connected bound open remote=127.0.0.1:<server> local=127.0.0.1:<client>");
            c.expectState("accepted", c.accept(server),
                    "connected bound open remote=127.0.0.1:<client> local=127.0.0.1:<server>");
        });
    }
}
