package io.weft.poller.sys;

/**
 * The socket-layer numbers that differ between Linux, macOS and FreeBSD, one column per
 * platform; {@link Sockets} publishes the running system's column as its constants. Values
 * that are the same everywhere ({@code AF_INET} 2, {@code SOCK_STREAM} 1, {@code IPPROTO_TCP}
 * 6, {@code TCP_NODELAY} 1, {@code IPPROTO_IPV6} 41, {@code SHUT_*}, {@code F_*},
 * {@code FD_CLOEXEC}) stay plain constants in {@code Sockets}.
 *
 * <p>Where each column comes from (the test {@code SocketConstantsTest} repeats every value):
 * <ul>
 *   <li>Linux: glibc's {@code bits/socket.h}, {@code bits/socket_type.h}, the kernel's
 *       {@code asm-generic/socket.h}, {@code asm-generic/fcntl.h}, {@code asm-generic/ioctls.h},
 *       {@code linux/in.h}, {@code linux/in6.h}, {@code netinet/tcp.h} (x86_64 and aarch64 agree).
 *   <li>macOS: XNU's {@code bsd/sys/socket.h}, {@code bsd/sys/fcntl.h}, {@code bsd/sys/filio.h}
 *       with {@code bsd/sys/ioccom.h}, {@code bsd/netinet/in.h}, {@code bsd/netinet6/in6.h},
 *       {@code bsd/netinet/tcp.h} (checked against xnu-11417).
 *   <li>FreeBSD: {@code sys/sys/socket.h}, {@code sys/sys/fcntl.h}, {@code sys/sys/filio.h}
 *       with {@code sys/sys/ioccom.h}, {@code sys/netinet/in.h}, {@code sys/netinet6/in6.h},
 *       {@code sys/netinet/tcp.h} (checked against FreeBSD 14).
 * </ul>
 *
 * <p>A value the platform does not have is {@link #UNSUPPORTED}.
 */
final class SocketConstants {
    /** An option or flag this platform does not have. */
    static final int UNSUPPORTED = -1;

    final OsPlatform platform;

    // socket.h: address family and socket(2) type flags.
    final int afInet6;
    /** {@code SOCK_NONBLOCK} / {@code SOCK_CLOEXEC} in socket(2) and accept4(2); macOS has neither. */
    final int sockNonblock;
    final int sockCloexec;

    // socket.h: the socket level and its options. BSD keeps the old 4.2BSD numbering.
    final int solSocket;
    final int soReuseaddr;
    final int soKeepalive;
    /** macOS: {@code SO_LINGER_SEC}, in seconds; its {@code SO_LINGER} counts clock ticks. */
    final int soLinger;
    final int soOobinline;
    final int soReuseport;
    final int soSndbuf;
    final int soRcvbuf;
    final int soError;
    /** Linux {@code SO_DOMAIN}; elsewhere the family is read from getsockname. */
    final int soDomain;
    /** macOS {@code SO_NOSIGPIPE}, set once per socket; the others pass {@code MSG_NOSIGNAL} per send. */
    final int soNosigpipe;
    /** Linux-only; read-only. */
    final int soIncomingNapiId;

    /**
     * The longest linger the kernel keeps: the BSDs store it in a {@code short} (struct socket's
     * {@code so_linger}), macOS in clock ticks (hz 100), so 327 s there; Linux takes an int (the
     * JDK caps it at 65535 before it gets here).
     */
    final int maxLingerSeconds;

    // socket.h: send/recv flags.
    final int msgDontwait;
    /** 0 on macOS: {@link #soNosigpipe} does its job there. */
    final int msgNosignal;

    // in.h, in6.h, tcp.h: protocol-level options.
    final int ipTos;
    final int ipv6V6only;
    final int ipv6Tclass;
    /** macOS calls it {@code TCP_KEEPALIVE}. */
    final int tcpKeepidle;
    final int tcpKeepintvl;
    final int tcpKeepcnt;
    /** Linux-only. */
    final int tcpQuickack;

    // fcntl.h and filio.h / ioctls.h.
    final int oNonblock;
    final int oCloexec;
    final long fionread;

    SocketConstants(OsPlatform p) {
        platform = p;
        //                      Linux       macOS       FreeBSD
        afInet6 = p.pick(       10,         30,         28);
        sockNonblock = p.pick(  0x800,      0,          0x20000000);
        sockCloexec = p.pick(   0x80000,    0,          0x10000000);

        solSocket = p.pick(     1,          0xffff,     0xffff);
        soReuseaddr = p.pick(   2,          0x0004,     0x0004);
        soKeepalive = p.pick(   9,          0x0008,     0x0008);
        soLinger = p.pick(      13,         0x1080,     0x0080);
        soOobinline = p.pick(   10,         0x0100,     0x0100);
        soReuseport = p.pick(   15,         0x0200,     0x0200);
        soSndbuf = p.pick(      7,          0x1001,     0x1001);
        soRcvbuf = p.pick(      8,          0x1002,     0x1002);
        soError = p.pick(       4,          0x1007,     0x1007);
        soDomain = p.pick(      39,         UNSUPPORTED, UNSUPPORTED);
        maxLingerSeconds = p.pick(65535,   327,        32767);
        soNosigpipe = p.pick(   UNSUPPORTED, 0x1022,    UNSUPPORTED);
        soIncomingNapiId = p.pick(56,       UNSUPPORTED, UNSUPPORTED);

        msgDontwait = p.pick(   0x40,       0x80,       0x80);
        msgNosignal = p.pick(   0x4000,     0,          0x20000);

        ipTos = p.pick(         1,          3,          3);
        ipv6V6only = p.pick(    26,         27,         27);
        ipv6Tclass = p.pick(    67,         36,         61);
        tcpKeepidle = p.pick(   4,          0x10,       256);
        tcpKeepintvl = p.pick(  5,          0x101,      512);
        tcpKeepcnt = p.pick(    6,          0x102,      1024);
        tcpQuickack = p.pick(   12,         UNSUPPORTED, UNSUPPORTED);

        oNonblock = p.pick(     0x800,      0x0004,     0x0004);
        oCloexec = p.pick(      0x80000,    0x01000000, 0x00100000);
        // BSD: _IOR('f', 127, int) = IOC_OUT | sizeof(int) << 16 | 'f' << 8 | 127.
        fionread = p.pick(      0x541B,     0x4004667F, 0x4004667F);
    }

    /** {@code accept4(2)}: Linux, FreeBSD 10 and later; macOS has only accept(2). */
    boolean hasAccept4() {
        return platform != OsPlatform.MACOS;
    }

    /** Whether socket(2) takes {@code SOCK_NONBLOCK | SOCK_CLOEXEC}; macOS needs fcntl after. */
    boolean hasSocketTypeFlags() {
        return sockNonblock != 0;
    }

    /**
     * Linux doubles a socket buffer size when it is set (room for its bookkeeping) and reports
     * the doubled value; the BSDs report what was set.
     */
    boolean reportsDoubledBufferSizes() {
        return platform == OsPlatform.LINUX;
    }

    /**
     * Whether an IPv6 socket takes {@code IPPROTO_IP} options (for its IPv4-mapped traffic):
     * Linux does; XNU's and FreeBSD's ip6_ctloutput refuse any level but IPPROTO_IPV6 (EINVAL).
     */
    boolean ipv4OptionsOnIpv6Sockets() {
        return platform == OsPlatform.LINUX;
    }

    /**
     * BSD {@code sockaddr}s begin with a length byte ({@code sin_len}, {@code sin6_len}) and a
     * one-byte family; Linux's begin with a two-byte family.
     */
    boolean sockaddrHasLength() {
        return platform.isBsd();
    }
}
