package io.weft.poller.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Socket calls on raw descriptors: what the poller's tests and the net module need below
 * {@code java.net}. Thread-safe; not a hot path.
 *
 * <p>The constants are this system's ({@link OsPlatform}): the ones that differ between Linux,
 * macOS and FreeBSD come from {@link SocketConstants}, chosen once at class initialisation, so
 * callers compare and pass them unchanged everywhere. They are static finals, not compile-time
 * constants. An option the platform lacks is {@link #UNSUPPORTED}. The calls below hide what
 * only some systems have: {@code SOCK_NONBLOCK | SOCK_CLOEXEC} and {@code accept4} (Linux,
 * FreeBSD; macOS uses fcntl), {@code MSG_NOSIGNAL} (Linux, FreeBSD; macOS sets
 * {@code SO_NOSIGPIPE} on every socket instead, and its {@code MSG_NOSIGNAL} is 0).
 */
public final class Sockets {
    /** This system's column of the table. */
    static final SocketConstants CONSTANTS = new SocketConstants(OsPlatform.current());

    /** The value of an option or flag this system does not have. */
    public static final int UNSUPPORTED = SocketConstants.UNSUPPORTED;

    // The same on Linux, macOS and FreeBSD (sys/socket.h, netinet/in.h, netinet/tcp.h, fcntl.h).
    public static final int AF_INET = 2;
    public static final int SOCK_STREAM = 1;
    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;
    public static final int IPPROTO_IP = 0;
    public static final int IPPROTO_TCP = 6;
    public static final int TCP_NODELAY = 1;
    public static final int IPPROTO_IPV6 = 41;
    public static final int F_GETFD = 1;
    public static final int F_SETFD = 2;
    public static final int F_GETFL = 3;
    public static final int F_SETFL = 4;
    public static final int FD_CLOEXEC = 1;

    // This system's values (SocketConstants).
    public static final int AF_INET6 = CONSTANTS.afInet6;
    /** 0 on macOS, whose socket(2) takes no flags: {@link #streamSocket} uses fcntl there. */
    public static final int SOCK_NONBLOCK = CONSTANTS.sockNonblock;
    public static final int SOCK_CLOEXEC = CONSTANTS.sockCloexec;
    public static final int SOL_SOCKET = CONSTANTS.solSocket;
    public static final int SO_REUSEADDR = CONSTANTS.soReuseaddr;
    public static final int SO_ERROR = CONSTANTS.soError;
    public static final int SO_SNDBUF = CONSTANTS.soSndbuf;
    public static final int SO_RCVBUF = CONSTANTS.soRcvbuf;
    public static final int SO_KEEPALIVE = CONSTANTS.soKeepalive;
    public static final int SO_OOBINLINE = CONSTANTS.soOobinline;
    /** In seconds everywhere (on macOS this is {@code SO_LINGER_SEC}). */
    public static final int SO_LINGER = CONSTANTS.soLinger;
    public static final int SO_REUSEPORT = CONSTANTS.soReuseport;
    /** Linux only. */
    public static final int SO_INCOMING_NAPI_ID = CONSTANTS.soIncomingNapiId;
    /**
     * Linux only: the peer's address as accept(2) saw it; unlike getpeername(2), also after a
     * reset (include/uapi/asm-generic/socket.h: 28).
     */
    public static final int SO_PEERNAME = OsPlatform.current() == OsPlatform.LINUX ? 28 : UNSUPPORTED;
    public static final int IP_TOS = CONSTANTS.ipTos;
    public static final int IPV6_V6ONLY = CONSTANTS.ipv6V6only;
    public static final int IPV6_TCLASS = CONSTANTS.ipv6Tclass;
    public static final int TCP_KEEPIDLE = CONSTANTS.tcpKeepidle;
    public static final int TCP_KEEPINTVL = CONSTANTS.tcpKeepintvl;
    public static final int TCP_KEEPCNT = CONSTANTS.tcpKeepcnt;
    /** Linux only. */
    public static final int TCP_QUICKACK = CONSTANTS.tcpQuickack;
    public static final int MSG_DONTWAIT = CONSTANTS.msgDontwait;
    /** 0 on macOS, where every socket made here has {@code SO_NOSIGPIPE} instead. */
    public static final int MSG_NOSIGNAL = CONSTANTS.msgNosignal;
    public static final int O_NONBLOCK = CONSTANTS.oNonblock;
    public static final int O_CLOEXEC = CONSTANTS.oCloexec;

    /** {@code sizeof(struct sockaddr_in)}. */
    public static final int SOCKADDR_IN_SIZE = SocketAddresses.SOCKADDR_IN_SIZE;

    private static final InetSocketAddress LOOPBACK_ANY_PORT =
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private Sockets() {}

    /**
     * {@code java.net.preferIPv4Stack}, read once, as the JDK reads it: when true, Weft's sockets
     * are IPv4 sockets as the JDK's are, and an IPv6 address is refused as on those.
     */
    public static final boolean PREFER_IPV4_STACK = Boolean.getBoolean("java.net.preferIPv4Stack");

    /**
     * A new TCP socket for the net module: IPv6 with {@code IPV6_V6ONLY} off (it also speaks
     * IPv4, through mapped addresses) when the machine has IPv6, else IPv4, and IPv4 under
     * {@link #PREFER_IPV4_STACK}; close-on-exec and non-blocking. The family is in
     * {@link #family}.
     */
    public static int streamSocket() throws ErrnoException {
        return streamSocket(PREFER_IPV4_STACK);
    }

    /** {@link #streamSocket()}, IPv4 whatever the machine has when {@code ipv4Only}. */
    static int streamSocket(boolean ipv4Only) throws ErrnoException {
        io.weft.poller.faults.Faults.check(); // Weft's sockets work without a poller on platform threads
        if (ipv4Only) {
            return ErrnoException.check("socket", newSocket(AF_INET, true));
        }
        int fd = newSocket(AF_INET6, true);
        if (fd == -Errno.EAFNOSUPPORT) {
            return ErrnoException.check("socket", newSocket(AF_INET, true));
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

    /**
     * socket(2) for TCP, close-on-exec, non-blocking if asked, no SIGPIPE: in one call where
     * socket(2) takes type flags, else followed by fcntl and {@code SO_NOSIGPIPE} (macOS).
     * The descriptor, or {@code -errno}.
     */
    private static int newSocket(int family, boolean nonBlocking) {
        if (CONSTANTS.hasSocketTypeFlags()) {
            return Libc.socket(family, SOCK_STREAM | SOCK_CLOEXEC | (nonBlocking ? SOCK_NONBLOCK : 0), 0);
        }
        int fd = Libc.socket(family, SOCK_STREAM, 0);
        return fd < 0 ? fd : configure(fd, nonBlocking);
    }

    /**
     * What socket(2) and accept4(2) would have set, for a descriptor made without them:
     * close-on-exec, {@code O_NONBLOCK} if asked, and {@code SO_NOSIGPIPE} where that is how
     * SIGPIPE is avoided. {@code fd}, or {@code -errno} after closing it.
     */
    static int configure(int fd, boolean nonBlocking) {
        int r = Libc.fcntl(fd, F_SETFD, FD_CLOEXEC);
        if (r >= 0 && nonBlocking) {
            r = Libc.fcntl(fd, F_GETFL, 0);
            if (r >= 0) {
                r = Libc.fcntl(fd, F_SETFL, r | O_NONBLOCK);
            }
        }
        if (r >= 0 && CONSTANTS.soNosigpipe != UNSUPPORTED) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment one = arena.allocateFrom(JAVA_INT, 1);
                r = Libc.setsockopt(fd, SOL_SOCKET, CONSTANTS.soNosigpipe, one, 4);
            }
        }
        if (r < 0) {
            Libc.close(fd);
            return r;
        }
        return fd;
    }

    /**
     * Accepts a connection from non-blocking listener {@code fd} without waiting: the new
     * descriptor, non-blocking and close-on-exec, or {@code -errno} ({@code -EAGAIN} when none
     * is pending). accept4(2) where there is one, else accept(2) and {@link #configure}.
     */
    public static int acceptNonBlocking(int fd) {
        return acceptRaw(fd, true);
    }

    private static int acceptRaw(int fd, boolean nonBlocking) {
        if (CONSTANTS.hasAccept4()) {
            int flags = SOCK_CLOEXEC | (nonBlocking ? SOCK_NONBLOCK : 0);
            return Libc.accept4(fd, MemorySegment.NULL, MemorySegment.NULL, flags);
        }
        int accepted = Libc.accept(fd, MemorySegment.NULL, MemorySegment.NULL);
        return accepted < 0 ? accepted : configure(accepted, nonBlocking);
    }

    /** The address family of socket {@code fd}: {@link #AF_INET} or {@link #AF_INET6}. */
    public static int family(int fd) throws ErrnoException {
        if (CONSTANTS.soDomain != UNSUPPORTED) {
            return intOption(fd, SOL_SOCKET, CONSTANTS.soDomain);
        }
        return familyFromName(fd);
    }

    /** The family from getsockname: an unbound socket's name has it too (no SO_DOMAIN on macOS). */
    static int familyFromName(int fd) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(SocketAddresses.MAX_SIZE);
            MemorySegment len = arena.allocateFrom(JAVA_INT, SocketAddresses.MAX_SIZE);
            ErrnoException.check("getsockname", Libc.getsockname(fd, addr, len));
            return SocketAddresses.family(addr);
        }
    }

    /**
     * {@code bind(2)} to {@code address}; the result is 0 or {@code -errno}, {@code -EAFNOSUPPORT}
     * for an IPv6 address on an IPv4 socket (as the kernel answers a {@code sockaddr} of the
     * wrong family).
     */
    public static int bind(int fd, int family, InetSocketAddress address) {
        if (!SocketAddresses.fits(address.getAddress(), family)) {
            return -Errno.EAFNOSUPPORT;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(SocketAddresses.MAX_SIZE);
            return Libc.bind(fd, addr, SocketAddresses.encode(address, family, addr));
        }
    }

    /**
     * {@code connect(2)} to {@code address}; 0, or {@code -errno} ({@code -EINPROGRESS} when
     * non-blocking, {@code -EAFNOSUPPORT} for an IPv6 address on an IPv4 socket).
     */
    public static int connect(int fd, int family, InetSocketAddress address) {
        if (!SocketAddresses.fits(address.getAddress(), family)) {
            return -Errno.EAFNOSUPPORT;
        }
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
            // Off Linux there is no SO_PEERNAME: the reset surfaces here, as before.
            if (e.errno() != Errno.ENOTCONN || SO_PEERNAME == UNSUPPORTED) throw e;
        }
        // SO_PEERNAME refuses (EINVAL) a buffer longer than the family's sockaddr.
        int size = family(fd) == AF_INET ? SocketAddresses.SOCKADDR_IN_SIZE : SocketAddresses.SOCKADDR_IN6_SIZE;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(SocketAddresses.MAX_SIZE);
            MemorySegment len = arena.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, size);
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
            ErrnoException.check("ioctl(FIONREAD)", Libc.ioctl(fd, CONSTANTS.fionread, n));
            return n.get(JAVA_INT, 0);
        }
    }

    /**
     * Sets {@code SO_LINGER}: a negative {@code seconds} turns it off; more than the kernel can
     * keep is the most it can (327 s on macOS, see {@link SocketConstants#maxLingerSeconds}).
     */
    public static void setLinger(int fd, int seconds) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment linger = arena.allocate(8); // struct linger {int l_onoff; int l_linger;}
            linger.set(JAVA_INT, 0, seconds >= 0 ? 1 : 0);
            linger.set(JAVA_INT, 4, Math.min(Math.max(seconds, 0), CONSTANTS.maxLingerSeconds));
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

    /**
     * {@code SO_SNDBUF} or {@code SO_RCVBUF} as it was set. Linux doubles what is set (for its
     * own bookkeeping) and getsockopt returns the doubled value, which the JDK halves; the BSDs
     * return what was set.
     */
    public static int bufferSize(int fd, int option) throws ErrnoException {
        int size = intOption(fd, SOL_SOCKET, option);
        return CONSTANTS.reportsDoubledBufferSizes() ? size / 2 : size;
    }

    /**
     * Sets the IP type of service as the JDK does: {@code IP_TOS} on an IPv4 socket; on an IPv6
     * socket {@code IPV6_TCLASS}, and on Linux {@code IP_TOS} as well for IPv4-mapped traffic
     * (the BSDs refuse IPv4 options on an IPv6 socket).
     */
    public static void setTrafficClass(int fd, int family, int tos) throws ErrnoException {
        if (family == AF_INET6) {
            setIntOption(fd, IPPROTO_IPV6, IPV6_TCLASS, tos);
            if (!CONSTANTS.ipv4OptionsOnIpv6Sockets()) {
                return;
            }
        }
        setIntOption(fd, IPPROTO_IP, IP_TOS, tos);
    }

    /** A new IPv4 TCP socket, close-on-exec, non-blocking if asked. */
    public static int tcpSocket(boolean nonBlocking) throws ErrnoException {
        return ErrnoException.check("socket", newSocket(AF_INET, nonBlocking));
    }

    /** Writes {@code struct sockaddr_in} for 127.0.0.1:{@code port} into {@code addr}. */
    public static MemorySegment loopbackAddress(MemorySegment addr, int port) {
        addr.fill((byte) 0);
        SocketAddresses.encode(new InetSocketAddress(LOOPBACK_ANY_PORT.getAddress(), port), AF_INET, addr);
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
            return SocketAddresses.decode(addr).getPort();
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

    /**
     * Accepts one connection (blocking unless listener {@code fd} is non-blocking); the new
     * descriptor is close-on-exec and non-blocking if asked.
     */
    public static int accept(int fd, boolean nonBlocking) throws ErrnoException {
        return ErrnoException.check("accept", acceptRaw(fd, nonBlocking));
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

    /**
     * A pipe, close-on-exec, non-blocking if asked: [0] the read end, [1] the write end.
     * pipe2(2) where there is one (Linux, FreeBSD), else pipe(2) and fcntl on each end (macOS).
     */
    public static int[] pipe(boolean nonBlocking) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            if (CONSTANTS.hasAccept4()) { // pipe2 came with accept4 to both systems that have them
                ErrnoException.check("pipe2", Libc.pipe2(fds, O_CLOEXEC | (nonBlocking ? O_NONBLOCK : 0)));
                return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
            }
            ErrnoException.check("pipe", Libc.pipe(fds));
            int[] ends = {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
            for (int end : ends) {
                int r = Libc.fcntl(end, F_SETFD, FD_CLOEXEC);
                if (r >= 0 && nonBlocking) {
                    r = Libc.fcntl(end, F_GETFL, 0);
                    r = r < 0 ? r : Libc.fcntl(end, F_SETFL, r | O_NONBLOCK);
                }
                if (r < 0) {
                    Libc.close(ends[0]);
                    Libc.close(ends[1]);
                    throw new ErrnoException("fcntl", -r);
                }
            }
            return ends;
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
