package io.weft.net.conformance;

import static io.weft.net.conformance.Conformance.IPV4;
import static io.weft.net.conformance.Conformance.IPV6;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;

/**
 * Under {@code -Djava.net.preferIPv4Stack=true} (net's {@code ipv4-stack} execution runs the
 * whole suite so): sockets are IPv4 sockets, and an IPv6 address is refused. Without the
 * property these cases skip.
 */
@ConformanceSuite
class Ipv4StackConformanceTest {

    static boolean ipv4Stack() {
        return Boolean.getBoolean("java.net.preferIPv4Stack");
    }

    @ConformanceTest
    void anIpv6AddressIsRefusedAndIpv4Works(Row row) throws Exception {
        row.run(c -> {
            // Inside the row, so the skip is recorded as the row's outcome.
            assumeTrue(ipv4Stack(), "runs under -Djava.net.preferIPv4Stack=true");
            ServerSocket server = c.serverSocket();
            c.expectThrows("bind a server socket to ::1", SocketException.class, "IPv6 protocol family unavailable", () -> {
                server.bind(new InetSocketAddress(IPV6, 0));
                return server;
            });
            c.expectState("after the failed bind", server, "unbound open local=null:-1");
            server.bind(new InetSocketAddress(IPV4, 0));
            c.namePort(server.getLocalPort(), "server");
            c.expectState("bound to 127.0.0.1", server, "bound open local=127.0.0.1:<server>");

            Socket bound = c.socket();
            c.expectThrows("bind a socket to ::1", SocketException.class, "IPv6 protocol family unavailable", () -> {
                bound.bind(new InetSocketAddress(IPV6, 0));
                return bound;
            });
            c.expectState("after the failed bind", bound, "unconnected unbound open remote=null:0 local=0.0.0.0:-1");

            Socket s = c.socket();
            c.expectThrows("connect to ::1", SocketException.class, "IPv6 protocol family unavailable", () -> {
                s.connect(new InetSocketAddress(IPV6, server.getLocalPort()));
                return s;
            });
            c.expectState("after the failed connect", s, "unconnected unbound closed remote=null:0 local=0.0.0.0:-1");

            Socket client = c.socket(IPV4, server.getLocalPort());
            c.expectState("connected over IPv4", client,
                    "connected bound open remote=127.0.0.1:<server> local=127.0.0.1:<ephemeral>");
            c.expectState("accepted", c.accept(server),
                    "connected bound open remote=127.0.0.1:<ephemeral> local=127.0.0.1:<server>");
        });
    }
}
