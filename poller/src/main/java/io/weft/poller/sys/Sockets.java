package io.weft.poller.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;

/**
 * Socket calls on raw descriptors: what the poller's tests and the net module need below
 * {@code java.net}. Linux constants (x86_64 and aarch64 share them). Thread-safe; not a hot path.
 */
public final class Sockets {
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_ERROR = 4;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;
    public static final int SO_KEEPALIVE = 9;
    public static final int SO_OOBINLINE = 10;
    public static final int SO_LINGER = 13;
    /** The peer's address as accept(2) sees it; unlike getpeername(2), also after a reset. */
    public static final int SO_PEERNAME = 28;
    public static final int SO_REUSEPORT = 15;
    public static final int IPPROTO_IP = 0;
    public static final int IP_TOS = 1;
    public static final int IPPROTO_TCP = 6;
    public static final int TCP_NODELAY = 1;
    public static final int IPPROTO_IPV6 = 41;
    public static final int IPV6_V6ONLY = 26;
    public static final int IPV6_TCLASS = 67;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;

    /** {@code sizeof(struct sockaddr_in)}. */
    public static final int SOCKADDR_IN_SIZE = 16;

    private static final int INADDR_LOOPBACK = 0x7f000001;

    private static final long FIONREAD = 0x541B;
    private static final int EAFNOSUPPORT = 97;

    private Sockets() {}

    /**
     * A new TCP socket for the net module: IPv6 with {@code IPV6_V6ONLY} off (it also speaks
     * IPv4, through mapped addresses) when the machine has IPv6, else IPv4; close-on-exec and
     * non-blocking. The family is in {@link #family}.
     */
    public static int streamSocket() throws ErrnoException {
        int type = SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK;
        int fd = Libc.socket(AF_INET6, type, 0);
        if (fd == -EAFNOSUPPORT) {
            return ErrnoException.check("socket", Libc.socket(AF_INET, type, 0));
        }
        ErrnoException.check("socket", fd);
        try {
            setIntOption(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0);
        } catch (ErrnoException e) {
            Libc.close(fd);
            throw e;
        }
        return fd;
    }

    /** The address family of socket {@code fd}: {@link #AF_INET} or {@link #AF_INET6}. */
    public static int family(int fd) throws ErrnoException {
        return intOption(fd, SOL_SOCKET, 39 /* SO_DOMAIN */);
    }

    /** {@code bind(2)} to {@code address}; the result is 0 or {@code -errno}. */
    public static int bind(int fd, int family, InetSocketAddress address) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(SocketAddresses.MAX_SIZE);
            return Libc.bind(fd, addr, SocketAddresses.encode(address, family, addr));
        }
    }

    /** {@code connect(2)} to {@code address}; 0, or {@code -errno} ({@code -EINPROGRESS} when non-blocking). */
    public static int connect(int fd, int family, InetSocketAddress address) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(SocketAddresses.MAX_SIZE);
            return Libc.connect(fd, addr, SocketAddresses.encode(address, family, addr));
        }
    }

    /** The address {@code fd} is bound to ({@code getsockname}). */
    public static InetSocketAddress localAddress(int fd) throws ErrnoException {
        return name(fd, true);
    }

    /** The address of {@code fd}'s peer ({@code getpeername}). */
    public static InetSocketAddress remoteAddress(int fd) throws ErrnoException {
        return name(fd, false);
    }

    /**
     * The peer of a socket returned by {@code accept(2)}, as accept itself reports it: also when
     * the peer reset the connection before it was accepted, where {@code getpeername(2)} fails
     * with {@code ENOTCONN} (the kernel's getname refuses a closed socket's peer to getpeername
     * but not to accept or {@code SO_PEERNAME}). The JDK gets the address from accept and
     * returns such a connection; its first read then reports the reset.
     */
    public static InetSocketAddress acceptedPeerAddress(int fd) throws ErrnoException {
        try {
            return remoteAddress(fd);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.ENOTCONN) throw e;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(SocketAddresses.MAX_SIZE);
            MemorySegment len = arena.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, SocketAddresses.MAX_SIZE);
            ErrnoException.check("getsockopt(SO_PEERNAME)", Libc.getsockopt(fd, SOL_SOCKET, SO_PEERNAME, addr, len));
            return SocketAddresses.decode(addr);
        }
    }

    private static InetSocketAddress name(int fd, boolean local) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(SocketAddresses.MAX_SIZE);
            MemorySegment len = arena.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, SocketAddresses.MAX_SIZE);
            if (local) {
                ErrnoException.check("getsockname", Libc.getsockname(fd, addr, len));
            } else {
                ErrnoException.check("getpeername", Libc.getpeername(fd, addr, len));
            }
            return SocketAddresses.decode(addr);
        }
    }

    /** Bytes that can be read from {@code fd} without blocking ({@code FIONREAD}). */
    public static int available(int fd) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocate(JAVA_INT);
            ErrnoException.check("ioctl(FIONREAD)", Libc.ioctl(fd, FIONREAD, n));
            return n.get(JAVA_INT, 0);
        }
    }

    /** Sets {@code SO_LINGER}: a negative {@code seconds} turns it off. */
    public static void setLinger(int fd, int seconds) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment linger = arena.allocate(8); // struct linger {int l_onoff; int l_linger;}
            linger.set(JAVA_INT, 0, seconds >= 0 ? 1 : 0);
            linger.set(JAVA_INT, 4, Math.max(seconds, 0));
            ErrnoException.check("setsockopt(SO_LINGER)", Libc.setsockopt(fd, SOL_SOCKET, SO_LINGER, linger, 8));
        }
    }

    /** {@code SO_LINGER} in seconds, or -1 when it is off. */
    public static int linger(int fd) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment linger = arena.allocate(8);
            MemorySegment len = arena.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, 8);
            ErrnoException.check("getsockopt(SO_LINGER)", Libc.getsockopt(fd, SOL_SOCKET, SO_LINGER, linger, len));
            return linger.get(JAVA_INT, 0) != 0 ? linger.get(JAVA_INT, 4) : -1;
        }
    }

    /** A new IPv4 TCP socket, close-on-exec, non-blocking if asked. */
    public static int tcpSocket(boolean nonBlocking) throws ErrnoException {
        int type = SOCK_STREAM | SOCK_CLOEXEC | (nonBlocking ? SOCK_NONBLOCK : 0);
        return ErrnoException.check("socket", Libc.socket(AF_INET, type, 0));
    }

    /** Writes {@code struct sockaddr_in} for 127.0.0.1:{@code port} into {@code addr}. */
    public static MemorySegment loopbackAddress(MemorySegment addr, int port) {
        addr.fill((byte) 0);
        addr.set(JAVA_SHORT, 0, (short) AF_INET);
        addr.set(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) port);
        addr.set(JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN), 4, INADDR_LOOPBACK);
        return addr;
    }

    /** A TCP socket listening on 127.0.0.1 at a port the kernel picks ({@link #localPort}). */
    public static int listenLoopback(int backlog, boolean nonBlocking) throws ErrnoException {
        int fd = tcpSocket(nonBlocking);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocate(JAVA_INT);
            one.set(JAVA_INT, 0, 1);
            ErrnoException.check("setsockopt(SO_REUSEADDR)", Libc.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, one, 4));
            MemorySegment addr = loopbackAddress(arena.allocate(SOCKADDR_IN_SIZE), 0);
            ErrnoException.check("bind", Libc.bind(fd, addr, SOCKADDR_IN_SIZE));
            ErrnoException.check("listen", Libc.listen(fd, backlog));
            return fd;
        } catch (ErrnoException | RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    /** The local port of a bound IPv4 socket. */
    public static int localPort(int fd) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(SOCKADDR_IN_SIZE);
            MemorySegment len = arena.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, SOCKADDR_IN_SIZE);
            ErrnoException.check("getsockname", Libc.getsockname(fd, addr, len));
            return Short.toUnsignedInt(addr.get(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2));
        }
    }

    /** A blocking TCP socket connected to 127.0.0.1:{@code port}. */
    public static int connectLoopback(int port) throws ErrnoException {
        int fd = tcpSocket(false);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = loopbackAddress(arena.allocate(SOCKADDR_IN_SIZE), port);
            ErrnoException.check("connect", Libc.connect(fd, addr, SOCKADDR_IN_SIZE));
            return fd;
        } catch (ErrnoException | RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    /** Accepts one connection (blocking unless {@code fd} is non-blocking); close-on-exec. */
    public static int accept(int fd, boolean nonBlocking) throws ErrnoException {
        int flags = SOCK_CLOEXEC | (nonBlocking ? SOCK_NONBLOCK : 0);
        return ErrnoException.check("accept4", Libc.accept4(fd, MemorySegment.NULL, MemorySegment.NULL, flags));
    }

    /** Sets an int socket option. */
    public static void setIntOption(int fd, int level, int option, int value) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(JAVA_INT);
            v.set(JAVA_INT, 0, value);
            ErrnoException.check("setsockopt", Libc.setsockopt(fd, level, option, v, 4));
        }
    }

    /** Reads an int socket option, e.g. {@link #SO_ERROR}. */
    public static int intOption(int fd, int level, int option) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(JAVA_INT);
            MemorySegment len = arena.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, 4);
            ErrnoException.check("getsockopt", Libc.getsockopt(fd, level, option, v, len));
            return v.get(JAVA_INT, 0);
        }
    }

    /** A pipe, close-on-exec, non-blocking if asked: [0] the read end, [1] the write end. */
    public static int[] pipe(boolean nonBlocking) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            ErrnoException.check("pipe2", Libc.pipe2(fds, O_CLOEXEC | (nonBlocking ? O_NONBLOCK : 0)));
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        }
    }

    /** Writes all of {@code bytes} to a blocking descriptor. */
    public static void writeFully(int fd, byte[] bytes) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocateFrom(JAVA_BYTE, bytes);
            long off = 0;
            while (off < bytes.length) {
                long n = Libc.write(fd, buf.asSlice(off), bytes.length - off);
                if (n == -Errno.EINTR) continue;
                off += ErrnoException.check("write", n);
            }
        }
    }

    /** Reads up to {@code max} bytes from a descriptor: what one {@code read(2)} returned. */
    public static byte[] read(int fd, int max) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(max);
            long n;
            do {
                n = Libc.read(fd, buf, max);
            } while (n == -Errno.EINTR);
            return buf.asSlice(0, ErrnoException.check("read", n)).toArray(JAVA_BYTE);
        }
    }

    /** Closes {@code fd}, ignoring {@code EINTR} as Linux does (the descriptor is gone either way). */
    public static void close(int fd) throws ErrnoException {
        int r = Libc.close(fd);
        if (r < 0 && r != -Errno.EINTR) {
            throw new ErrnoException("close", -r);
        }
    }
}
