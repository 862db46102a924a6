package io.weft.net.conformance;

import static io.weft.net.conformance.Conformance.IPV4;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;

/**
 * The flavour's default {@code SocketFactory} and {@code ServerSocketFactory} (the JDK's, or
 * {@code WeftSocketFactory.getDefault()} and {@code WeftServerSocketFactory.getDefault()})
 * make that flavour's sockets, in the states their constructors would.
 */
@ConformanceSuite
class FactoryConformanceTest {

    @ConformanceTest
    void factoriesMakeTheFlavoursSockets(Row row) throws Exception {
        row.run(c -> {
            SocketFactory sockets = c.sockets().socketFactory();
            ServerSocketFactory servers = c.sockets().serverSocketFactory();

            ServerSocket unbound = c.closeAtEnd(servers.createServerSocket());
            c.expectState("createServerSocket()", unbound, "unbound open local=null:-1");
            ServerSocket server = c.closeAtEnd(servers.createServerSocket(0, 50, IPV4));
            c.namePort(server.getLocalPort(), "server");
            c.expectState("createServerSocket(0, 50, 127.0.0.1)", server, "bound open local=127.0.0.1:<server>");

            Socket unconnected = c.closeAtEnd(sockets.createSocket());
            c.expect("createSocket() is the flavour's class", true, () -> c.sockets().socketClass() == unconnected.getClass());
            c.expectState("createSocket()", unconnected, "unconnected unbound open remote=null:0 local=0.0.0.0:-1");
            unconnected.connect(new InetSocketAddress(IPV4, server.getLocalPort()));
            c.expectState("createSocket() then connect", unconnected,
                    "connected bound open remote=127.0.0.1:<server> local=127.0.0.1:<ephemeral>");

            Socket byAddress = c.closeAtEnd(sockets.createSocket(IPV4, server.getLocalPort()));
            c.expect("createSocket(InetAddress, port) is the flavour's class", true,
                    () -> c.sockets().socketClass() == byAddress.getClass());
            c.expectState("createSocket(InetAddress, port)", byAddress,
                    "connected bound open remote=127.0.0.1:<server> local=127.0.0.1:<ephemeral>");

            Socket byName = c.closeAtEnd(sockets.createSocket("127.0.0.1", server.getLocalPort()));
            c.expectState("createSocket(String, port)", byName,
                    "connected bound open remote=127.0.0.1:<server> local=127.0.0.1:<ephemeral>");

            Socket fromLocal = c.closeAtEnd(sockets.createSocket(IPV4, server.getLocalPort(), IPV4, 0));
            c.expectState("createSocket(InetAddress, port, 127.0.0.1, 0)", fromLocal,
                    "connected bound open remote=127.0.0.1:<server> local=127.0.0.1:<ephemeral>");

            for (int i = 0; i < 4; i++) {
                Socket accepted = c.accept(server);
                c.expect("accepted " + i + " is the flavour's class", true,
                        () -> c.sockets().socketClass() == accepted.getClass());
            }
        });
    }
}
