package io.weft.net.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Socket options: defaults, set/get round trips through both {@code setOption} and the
 * classic setters, {@code supportedOptions()}, refusals. Linux doubles a requested buffer size
 * (the kernel's bookkeeping overhead) and getsockopt reports the doubled value; the JDK halves
 * it back, so on Linux a buffer size reads back as set. Default sizes depend on the sysctls,
 * so those are only observed (and compared across rows).
 */
@ConformanceSuite
class SocketOptionsConformanceTest {
    /** What java.net guarantees on Linux; the full set is compared with the JDK's across rows. */
    private static final List<String> REQUIRED = List.of("SO_KEEPALIVE", "SO_LINGER", "SO_RCVBUF", "SO_REUSEADDR",
            "SO_REUSEPORT", "SO_SNDBUF", "TCP_NODELAY");

    @ConformanceTest
    void defaultsOfAConnectedSocket(Row row) throws Exception {
        row.run(c -> {
            Socket s = c.pair().client();
            c.expect("TCP_NODELAY", false, () -> s.getOption(StandardSocketOptions.TCP_NODELAY));
            c.expect("SO_KEEPALIVE", false, () -> s.getOption(StandardSocketOptions.SO_KEEPALIVE));
            c.expect("SO_REUSEADDR", false, () -> s.getOption(StandardSocketOptions.SO_REUSEADDR));
            c.expect("SO_REUSEPORT", false, () -> s.getOption(StandardSocketOptions.SO_REUSEPORT));
            c.expect("SO_LINGER", -1, () -> s.getOption(StandardSocketOptions.SO_LINGER));
            c.expect("getSoLinger()", -1, s::getSoLinger);
            c.expect("getSoTimeout()", 0, s::getSoTimeout);
            assertTrue(c.observe("SO_RCVBUF", s.getOption(StandardSocketOptions.SO_RCVBUF)) > 0);
            assertTrue(c.observe("SO_SNDBUF", s.getOption(StandardSocketOptions.SO_SNDBUF)) > 0);
        });
    }

    @ConformanceTest
    void booleanOptionsRoundTrip(Row row) throws Exception {
        row.run(c -> {
            Socket s = c.pair().client();
            for (SocketOption<Boolean> o : List.of(StandardSocketOptions.TCP_NODELAY, StandardSocketOptions.SO_KEEPALIVE,
                    StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.SO_REUSEPORT)) {
                s.setOption(o, true);
                c.expect(o.name() + " after setOption(true)", true, () -> s.getOption(o));
                s.setOption(o, false);
                c.expect(o.name() + " after setOption(false)", false, () -> s.getOption(o));
            }
            s.setTcpNoDelay(true);
            c.expect("getTcpNoDelay() after setTcpNoDelay(true)", true, s::getTcpNoDelay);
            c.expect("TCP_NODELAY after setTcpNoDelay(true)", true, () -> s.getOption(StandardSocketOptions.TCP_NODELAY));
            s.setKeepAlive(true);
            c.expect("getKeepAlive() after setKeepAlive(true)", true, s::getKeepAlive);
            s.setReuseAddress(true);
            c.expect("getReuseAddress() after setReuseAddress(true)", true, s::getReuseAddress);
        });
    }

    @ConformanceTest
    void lingerRoundTrip(Row row) throws Exception {
        row.run(c -> {
            Socket s = c.pair().client();
            s.setSoLinger(true, 5);
            c.expect("getSoLinger() after setSoLinger(true, 5)", 5, s::getSoLinger);
            c.expect("SO_LINGER after setSoLinger(true, 5)", 5, () -> s.getOption(StandardSocketOptions.SO_LINGER));
            s.setOption(StandardSocketOptions.SO_LINGER, 0);
            c.expect("getSoLinger() after setOption(SO_LINGER, 0)", 0, s::getSoLinger);
            s.setSoLinger(false, 0);
            c.expect("getSoLinger() after setSoLinger(false, 0)", -1, s::getSoLinger);
            c.expectThrows("setSoLinger(true, -1)", IllegalArgumentException.class, "invalid value for SO_LINGER", () -> {
                s.setSoLinger(true, -1);
                return s;
            });
        });
    }

    @ConformanceTest
    void bufferSizesRoundTrip(Row row) throws Exception {
        row.run(c -> {
            Socket s = c.pair().client();
            s.setReceiveBufferSize(65536);
            c.expect("getReceiveBufferSize() after setReceiveBufferSize(65536)", 65536, s::getReceiveBufferSize);
            c.expect("SO_RCVBUF after setReceiveBufferSize(65536)", 65536,
                    () -> s.getOption(StandardSocketOptions.SO_RCVBUF));
            s.setOption(StandardSocketOptions.SO_SNDBUF, 32768);
            c.expect("SO_SNDBUF after setOption(SO_SNDBUF, 32768)", 32768,
                    () -> s.getOption(StandardSocketOptions.SO_SNDBUF));
            c.expect("getSendBufferSize() after setOption(SO_SNDBUF, 32768)", 32768, s::getSendBufferSize);
            c.expectThrows("setReceiveBufferSize(0)", IllegalArgumentException.class, "invalid receive size", () -> {
                s.setReceiveBufferSize(0);
                return s;
            });
            c.expectThrows("setSendBufferSize(-1)", IllegalArgumentException.class, "negative send size", () -> {
                s.setSendBufferSize(-1);
                return s;
            });
        });
    }

    /** Options set before connect are kept by the connection. */
    @ConformanceTest
    void optionsSetBeforeConnectStay(Row row) throws Exception {
        row.run(c -> {
            ServerSocket server = c.listen();
            Socket s = c.socket();
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            s.setReceiveBufferSize(16384);
            c.expect("SO_RCVBUF before connect", 16384, s::getReceiveBufferSize);
            s.connect(server.getLocalSocketAddress());
            c.expect("TCP_NODELAY after connect", true, s::getTcpNoDelay);
            c.expect("SO_KEEPALIVE after connect", true, s::getKeepAlive);
            c.expect("SO_RCVBUF after connect", 16384, s::getReceiveBufferSize);
        });
    }

    @ConformanceTest
    void supportedOptions(Row row) throws Exception {
        row.run(c -> {
            Set<String> unconnected = names(c.socket().supportedOptions());
            c.observe("Socket, unconnected", unconnected);
            assertTrue(unconnected.containsAll(REQUIRED), () -> "missing some of " + REQUIRED + " in " + unconnected);
            c.expect("Socket, connected", unconnected, () -> names(c.pair().client().supportedOptions()));
            Set<String> server = names(c.listen().supportedOptions());
            c.observe("ServerSocket", server);
            assertTrue(server.containsAll(List.of("SO_RCVBUF", "SO_REUSEADDR", "SO_REUSEPORT")), server::toString);
        });
    }

    @ConformanceTest
    void unsupportedOptionsAndClosedSockets(Row row) throws Exception {
        row.run(c -> {
            Socket s = c.socket();
            c.expectThrows("setOption(IP_MULTICAST_TTL)", UnsupportedOperationException.class, "'IP_MULTICAST_TTL' not supported",
                    () -> s.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1));
            c.expectThrows("getOption(IP_MULTICAST_TTL)", UnsupportedOperationException.class, "'IP_MULTICAST_TTL' not supported",
                    () -> s.getOption(StandardSocketOptions.IP_MULTICAST_TTL));
            c.expectThrows("setOption(SO_LINGER, null)", IllegalArgumentException.class, null,
                    () -> s.setOption(StandardSocketOptions.SO_LINGER, null));
            s.close();
            c.expectThrows("setTcpNoDelay() closed", SocketException.class, "Socket is closed", () -> {
                s.setTcpNoDelay(true);
                return s;
            });
            c.expectThrows("getOption(TCP_NODELAY) closed", SocketException.class, "Socket is closed",
                    () -> s.getOption(StandardSocketOptions.TCP_NODELAY));
            c.expectThrows("getSoTimeout() closed", SocketException.class, "Socket is closed", s::getSoTimeout);
        });
    }

    /** The JDK turns SO_REUSEADDR on for server sockets, so a restarted server can bind while old connections linger. */
    @ConformanceTest
    void serverSocketReuseAddressIsOnByDefault(Row row) throws Exception {
        row.run(c -> {
            c.expect("SO_REUSEADDR of new ServerSocket()", true,
                    () -> c.serverSocket().getOption(StandardSocketOptions.SO_REUSEADDR));
            c.expect("getReuseAddress() of a listening one", true, () -> c.listen().getReuseAddress());
        });
    }

    @ConformanceTest
    void serverSocketOptionsRoundTrip(Row row) throws Exception {
        row.run(c -> {
            ServerSocket server = c.serverSocket();
            server.setReuseAddress(false);
            c.expect("getReuseAddress() after false", false, server::getReuseAddress);
            server.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            c.expect("SO_REUSEPORT after true", true, () -> server.getOption(StandardSocketOptions.SO_REUSEPORT));
            server.setReceiveBufferSize(65536);
            c.expect("getReceiveBufferSize() after 65536", 65536, server::getReceiveBufferSize);
            server.bind(new java.net.InetSocketAddress(Conformance.IPV4, 0));
            c.namePort(server.getLocalPort(), "server");
            Socket client = c.socket(Conformance.IPV4, server.getLocalPort());
            Socket accepted = c.accept(server);
            c.expect("accepted socket's SO_RCVBUF is the listener's", server.getReceiveBufferSize(),
                    accepted::getReceiveBufferSize);
            c.expect("client connected", true, client::isConnected);
            server.close();
            c.expectThrows("getSoTimeout() closed", SocketException.class, "Socket is closed", server::getSoTimeout);
        });
    }

    private static Set<String> names(Set<SocketOption<?>> options) {
        Set<String> names = new TreeSet<>();
        for (SocketOption<?> o : options) names.add(o.name());
        return names;
    }
}
