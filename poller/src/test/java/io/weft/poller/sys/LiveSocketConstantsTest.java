package io.weft.poller.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.poller.testkit.LeakCheck;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The running system's column of {@link SocketConstants} and {@link ErrnoNames} against its
 * kernel: real sockets on loopback, where a wrong number would pick another option, another
 * family or another errno. On Linux this checks the Linux column; on macOS (the macos-kqueue
 * workflow) the macOS one.
 */
@ExtendWith(LeakCheck.class)
class LiveSocketConstantsTest {
    private final java.util.List<Integer> open = new java.util.ArrayList<>();

    private int keep(int fd) {
        open.add(fd);
        return fd;
    }

    @AfterEach
    void closeAll() {
        for (int fd : open) {
            Libc.close(fd);
        }
    }

    /** A listener on 127.0.0.1 through {@link SocketAddresses}, and a client connected to it, and the accepted end. */
    private int[] connectedPair() throws ErrnoException {
        int listener = keep(Sockets.listenLoopback(4, false));
        int client = keep(Sockets.connectLoopback(Sockets.localPort(listener)));
        int server = keep(Sockets.accept(listener, true));
        return new int[] {listener, client, server};
    }

    @Test
    void aStreamSocketIsIpv6DualStackNonBlockingAndCloseOnExec() throws ErrnoException {
        int fd = keep(Sockets.streamSocket());
        int family = Sockets.family(fd);
        assertTrue(family == Sockets.AF_INET6 || family == Sockets.AF_INET, "family " + family);
        if (family == Sockets.AF_INET6) {
            assertEquals(0, Sockets.intOption(fd, Sockets.IPPROTO_IPV6, Sockets.IPV6_V6ONLY), "IPV6_V6ONLY off");
        }
        assertNotEquals(0, Libc.fcntl(fd, Sockets.F_GETFL, 0) & Sockets.O_NONBLOCK, "O_NONBLOCK");
        assertEquals(Sockets.FD_CLOEXEC, Libc.fcntl(fd, Sockets.F_GETFD, 0) & Sockets.FD_CLOEXEC, "FD_CLOEXEC");
    }

    @Test
    void addressesTheKernelWritesDecodeAndOnesWeWriteBind() throws ErrnoException {
        int[] p = connectedPair();
        InetSocketAddress local = Sockets.localAddress(p[1]);
        assertEquals(InetAddress.getLoopbackAddress(), local.getAddress());
        assertEquals(local, Sockets.remoteAddress(p[2]), "the accepted end's peer is the client");
        assertEquals(Sockets.localAddress(p[0]).getPort(), Sockets.remoteAddress(p[1]).getPort());
        assertEquals(Sockets.AF_INET, Sockets.family(p[2]), "family of an accepted IPv4 socket");
        // The accepted descriptor is set up as accept4(SOCK_NONBLOCK | SOCK_CLOEXEC) would.
        assertNotEquals(0, Libc.fcntl(p[2], Sockets.F_GETFL, 0) & Sockets.O_NONBLOCK, "accepted O_NONBLOCK");
        assertEquals(Sockets.FD_CLOEXEC, Libc.fcntl(p[2], Sockets.F_GETFD, 0) & Sockets.FD_CLOEXEC, "accepted FD_CLOEXEC");
    }

    @Test
    void theDualStackSocketConnectsThroughAMappedAddress() throws ErrnoException {
        int listener = keep(Sockets.listenLoopback(4, false));
        int fd = keep(Sockets.streamSocket());
        int family = Sockets.family(fd);
        int r = Sockets.connect(fd, family, new InetSocketAddress(InetAddress.getLoopbackAddress(), Sockets.localPort(listener)));
        assertTrue(r == 0 || r == -Errno.EINPROGRESS, () -> "connect: " + Errno.describe(-r));
        int server = keep(Sockets.accept(listener, false));
        assertEquals(Sockets.localAddress(fd), Sockets.remoteAddress(server), "::ffff:127.0.0.1 read back as 127.0.0.1");
    }

    /**
     * A connection reset before it is accepted: getpeername fails, and {@code SO_PEERNAME} must
     * still name the peer, on an IPv4 listener (whose sockaddr is shorter than the buffer) as
     * on a dual-stack one.
     */
    @Test
    void thePeerOfAConnectionResetBeforeAcceptIsKnown() throws Exception {
        assumeTrue(Sockets.SO_PEERNAME != Sockets.UNSUPPORTED, "no SO_PEERNAME off Linux: the reset surfaces at accept");
        int ipv4 = keep(Sockets.listenLoopback(4, false));
        int dualStack = keep(Sockets.streamSocket());
        int r = Sockets.bind(dualStack, Sockets.family(dualStack), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        assertEquals(0, r, () -> "bind: " + Errno.describe(-r));
        assertEquals(0, Libc.listen(dualStack, 4));
        for (int listener : new int[] {ipv4, dualStack}) {
            int client = Sockets.connectLoopback(Sockets.localAddress(listener).getPort());
            InetSocketAddress clientAddress = Sockets.localAddress(client);
            Sockets.setLinger(client, 0);
            Libc.close(client); // a reset, before the listener accepts
            long deadline = System.nanoTime() + 5_000_000_000L;
            int accepted;
            while ((accepted = Sockets.acceptNonBlocking(listener)) == -Errno.EAGAIN && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            int fd = keep(ErrnoException.check("accept", accepted));
            assertEquals(clientAddress, Sockets.acceptedPeerAddress(fd), "family " + Sockets.family(fd));
        }
    }

    /** What {@code java.net.preferIPv4Stack} asks for: IPv4 sockets, which refuse IPv6 addresses. */
    @Test
    void anIpv4OnlyStreamSocketConnectsOverIpv4AndRefusesIpv6Addresses() throws Exception {
        int listener = keep(Sockets.listenLoopback(4, false));
        int fd = keep(Sockets.streamSocket(true));
        assertEquals(Sockets.AF_INET, Sockets.family(fd));
        assertNotEquals(0, Libc.fcntl(fd, Sockets.F_GETFL, 0) & Sockets.O_NONBLOCK, "O_NONBLOCK");
        assertEquals(Sockets.FD_CLOEXEC, Libc.fcntl(fd, Sockets.F_GETFD, 0) & Sockets.FD_CLOEXEC, "FD_CLOEXEC");
        InetAddress ipv6 = InetAddress.getByName("::1");
        assertEquals(-Errno.EAFNOSUPPORT, Sockets.bind(fd, Sockets.AF_INET, new InetSocketAddress(ipv6, 0)), "bind to ::1");
        assertEquals(-Errno.EAFNOSUPPORT, Sockets.connect(fd, Sockets.AF_INET,
                new InetSocketAddress(ipv6, Sockets.localPort(listener))), "connect to ::1");
        int r = Sockets.connect(fd, Sockets.AF_INET, new InetSocketAddress(InetAddress.getLoopbackAddress(), Sockets.localPort(listener)));
        assertTrue(r == 0 || r == -Errno.EINPROGRESS, () -> "connect: " + Errno.describe(-r));
        int server = keep(Sockets.accept(listener, false));
        assertEquals(Sockets.localAddress(fd), Sockets.remoteAddress(server));
    }

    @Test
    void socketLevelOptionsRoundTrip() throws ErrnoException {
        int fd = connectedPair()[1];
        for (int option : new int[] {Sockets.SO_REUSEADDR, Sockets.SO_KEEPALIVE, Sockets.SO_OOBINLINE, Sockets.SO_REUSEPORT}) {
            Sockets.setIntOption(fd, Sockets.SOL_SOCKET, option, 1);
            assertNotEquals(0, Sockets.intOption(fd, Sockets.SOL_SOCKET, option), "option " + option + " on");
            Sockets.setIntOption(fd, Sockets.SOL_SOCKET, option, 0);
            assertEquals(0, Sockets.intOption(fd, Sockets.SOL_SOCKET, option), "option " + option + " off");
        }
        Sockets.setIntOption(fd, Sockets.SOL_SOCKET, Sockets.SO_SNDBUF, 32768);
        assertEquals(32768, Sockets.bufferSize(fd, Sockets.SO_SNDBUF), "SO_SNDBUF as set");
        Sockets.setIntOption(fd, Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, 65536);
        assertEquals(65536, Sockets.bufferSize(fd, Sockets.SO_RCVBUF), "SO_RCVBUF as set");
        assertEquals(-1, Sockets.linger(fd));
        Sockets.setLinger(fd, 5);
        assertEquals(5, Sockets.linger(fd), "SO_LINGER in seconds");
        Sockets.setLinger(fd, -1);
        assertEquals(-1, Sockets.linger(fd));
    }

    @Test
    void protocolLevelOptionsRoundTrip() throws ErrnoException {
        int fd = connectedPair()[1];
        Sockets.setIntOption(fd, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, 1);
        assertNotEquals(0, Sockets.intOption(fd, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY));
        Sockets.setIntOption(fd, Sockets.IPPROTO_TCP, Sockets.TCP_KEEPIDLE, 77);
        assertEquals(77, Sockets.intOption(fd, Sockets.IPPROTO_TCP, Sockets.TCP_KEEPIDLE), "TCP_KEEPIDLE");
        Sockets.setIntOption(fd, Sockets.IPPROTO_TCP, Sockets.TCP_KEEPINTVL, 11);
        assertEquals(11, Sockets.intOption(fd, Sockets.IPPROTO_TCP, Sockets.TCP_KEEPINTVL), "TCP_KEEPINTVL");
        Sockets.setIntOption(fd, Sockets.IPPROTO_TCP, Sockets.TCP_KEEPCNT, 4);
        assertEquals(4, Sockets.intOption(fd, Sockets.IPPROTO_TCP, Sockets.TCP_KEEPCNT), "TCP_KEEPCNT");
        Sockets.setIntOption(fd, Sockets.IPPROTO_IP, Sockets.IP_TOS, 0x20);
        assertEquals(0x20, Sockets.intOption(fd, Sockets.IPPROTO_IP, Sockets.IP_TOS), "IP_TOS");
        int v6 = keep(Sockets.streamSocket());
        if (Sockets.family(v6) == Sockets.AF_INET6) {
            Sockets.setTrafficClass(v6, Sockets.AF_INET6, 0x20);
            assertEquals(0x20, Sockets.intOption(v6, Sockets.IPPROTO_IPV6, Sockets.IPV6_TCLASS), "IPV6_TCLASS");
        }
    }

    @Test
    void recvFlagsIoctlAndTheirErrnos() throws Exception {
        int[] p = connectedPair();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(16);
            // The client is blocking: only MSG_DONTWAIT keeps this recv from waiting.
            assertEquals(-Errno.EAGAIN, Libc.recv(p[1], buf, 16, Sockets.MSG_DONTWAIT), "MSG_DONTWAIT, EAGAIN");
            Sockets.writeFully(p[2], new byte[] {1, 2, 3, 4, 5});
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (Sockets.available(p[1]) < 5 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(5, Sockets.available(p[1]), "FIONREAD");
            assertEquals(5, Libc.recv(p[1], buf, 16, 0));
            assertEquals(5, buf.get(JAVA_BYTE, 4));
            // Our own write side shut down: EPIPE, and with MSG_NOSIGNAL (or SO_NOSIGPIPE) no signal.
            assertEquals(0, Libc.shutdown(p[1], Sockets.SHUT_WR));
            assertEquals(-Errno.EPIPE, Libc.send(p[1], buf, 1, Sockets.MSG_NOSIGNAL), "EPIPE");
        }
    }

    @Test
    void connectAndBindErrnos() throws ErrnoException {
        // A port bound but not listening refuses connections.
        int bound = keep(Sockets.tcpSocket(false));
        assertEquals(0, Sockets.bind(bound, Sockets.AF_INET, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        int port = Sockets.localPort(bound);
        int again = keep(Sockets.tcpSocket(false));
        assertEquals(-Errno.EADDRINUSE, Sockets.bind(again, Sockets.AF_INET,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port)), "EADDRINUSE");
        int fd = keep(Sockets.tcpSocket(true));
        int r = Sockets.connect(fd, Sockets.AF_INET, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        if (r == -Errno.EINPROGRESS) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment pfd = arena.allocate(8); // struct pollfd {int fd; short events; short revents;}
                pfd.set(JAVA_INT, 0, fd);
                pfd.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 4, (short) 4); // POLLOUT, 4 everywhere
                assertEquals(1, Libc.poll(pfd, 1, 5000));
            }
            assertEquals(Errno.ECONNREFUSED, Sockets.intOption(fd, Sockets.SOL_SOCKET, Sockets.SO_ERROR), "SO_ERROR: ECONNREFUSED");
        } else {
            assertEquals(-Errno.ECONNREFUSED, r, "ECONNREFUSED");
        }
        int unconnected = keep(Sockets.tcpSocket(false));
        assertEquals(-Errno.ENOTCONN, Libc.shutdown(unconnected, Sockets.SHUT_RDWR), "ENOTCONN");
    }

    @Test
    void aResetReachesRecvAsEconnreset() throws Exception {
        int[] p = connectedPair();
        Sockets.setLinger(p[2], 0);
        Libc.close(p[2]); // linger 0: RST
        open.remove(Integer.valueOf(p[2]));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(16);
            assertEquals(-Errno.ECONNRESET, Libc.recv(p[1], buf, 16, 0), "ECONNRESET");
        }
    }

    @Test
    void pipesAreCloseOnExecAndNonBlockingIfAsked() throws ErrnoException {
        int[] pipe = Sockets.pipe(true);
        keep(pipe[0]);
        keep(pipe[1]);
        for (int end : pipe) {
            assertNotEquals(0, Libc.fcntl(end, Sockets.F_GETFL, 0) & Sockets.O_NONBLOCK);
            assertEquals(Sockets.FD_CLOEXEC, Libc.fcntl(end, Sockets.F_GETFD, 0) & Sockets.FD_CLOEXEC);
        }
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(-Errno.EAGAIN, Libc.read(pipe[0], arena.allocate(1), 1), "an empty non-blocking pipe");
        }
    }
}
