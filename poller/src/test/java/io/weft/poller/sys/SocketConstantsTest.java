package io.weft.poller.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Every per-platform socket value against the header that defines it. Pure Java: each
 * platform's column is checked on any machine; {@code LiveSocketConstantsTest} checks the
 * running system's column against its kernel.
 *
 * <p>Linux: glibc and kernel uapi headers (compiled and printed on x86_64; aarch64 uses the
 * same asm-generic values). macOS: XNU {@code bsd/sys/socket.h}, {@code bsd/sys/fcntl.h},
 * {@code bsd/sys/filio.h}, {@code bsd/sys/ioccom.h}, {@code bsd/netinet/in.h},
 * {@code bsd/netinet6/in6.h}, {@code bsd/netinet/tcp.h} (xnu-11417). FreeBSD: the same files
 * under {@code sys/} (FreeBSD 14).
 */
class SocketConstantsTest {
    private static final SocketConstants LINUX = new SocketConstants(OsPlatform.LINUX);
    private static final SocketConstants MACOS = new SocketConstants(OsPlatform.MACOS);
    private static final SocketConstants FREEBSD = new SocketConstants(OsPlatform.FREEBSD);

    @Test
    void thePlatformIsChosenFromOsName() {
        assertEquals(OsPlatform.MACOS, OsPlatform.detect("Mac OS X"));
        assertEquals(OsPlatform.MACOS, OsPlatform.detect("Darwin"));
        assertEquals(OsPlatform.FREEBSD, OsPlatform.detect("FreeBSD"));
        assertEquals(OsPlatform.LINUX, OsPlatform.detect("Linux"));
        assertTrue(OsPlatform.MACOS.isBsd());
        assertTrue(OsPlatform.FREEBSD.isBsd());
        assertFalse(OsPlatform.LINUX.isBsd());
    }

    @Test
    void linux() {
        SocketConstants c = LINUX;
        // bits/socket.h, bits/socket_type.h
        assertEquals(10, c.afInet6);
        assertEquals(0x800, c.sockNonblock, "SOCK_NONBLOCK = O_NONBLOCK = 04000");
        assertEquals(0x80000, c.sockCloexec, "SOCK_CLOEXEC = O_CLOEXEC = 02000000");
        assertEquals(0x40, c.msgDontwait);
        assertEquals(0x4000, c.msgNosignal);
        // asm-generic/socket.h
        assertEquals(1, c.solSocket);
        assertEquals(2, c.soReuseaddr);
        assertEquals(4, c.soError);
        assertEquals(7, c.soSndbuf);
        assertEquals(8, c.soRcvbuf);
        assertEquals(9, c.soKeepalive);
        assertEquals(10, c.soOobinline);
        assertEquals(13, c.soLinger);
        assertEquals(15, c.soReuseport);
        assertEquals(39, c.soDomain);
        assertEquals(65535, c.maxLingerSeconds);
        assertEquals(56, c.soIncomingNapiId);
        assertEquals(SocketConstants.UNSUPPORTED, c.soNosigpipe, "Linux has no SO_NOSIGPIPE: MSG_NOSIGNAL per send");
        // linux/in.h, linux/in6.h, netinet/tcp.h
        assertEquals(1, c.ipTos);
        assertEquals(26, c.ipv6V6only);
        assertEquals(67, c.ipv6Tclass);
        assertEquals(4, c.tcpKeepidle);
        assertEquals(5, c.tcpKeepintvl);
        assertEquals(6, c.tcpKeepcnt);
        assertEquals(12, c.tcpQuickack);
        // asm-generic/fcntl.h, asm-generic/ioctls.h
        assertEquals(0x800, c.oNonblock);
        assertEquals(0x80000, c.oCloexec);
        assertEquals(0x541B, c.fionread);
        assertTrue(c.hasAccept4());
        assertTrue(c.hasSocketTypeFlags());
        assertTrue(c.reportsDoubledBufferSizes());
        assertTrue(c.ipv4OptionsOnIpv6Sockets());
        assertFalse(c.sockaddrHasLength());
    }

    @Test
    void macos() {
        SocketConstants c = MACOS;
        // bsd/sys/socket.h
        assertEquals(30, c.afInet6);
        assertEquals(0, c.sockNonblock, "no SOCK_NONBLOCK: fcntl(F_SETFL, O_NONBLOCK)");
        assertEquals(0, c.sockCloexec, "no SOCK_CLOEXEC: fcntl(F_SETFD, FD_CLOEXEC)");
        assertEquals(0xffff, c.solSocket);
        assertEquals(0x0004, c.soReuseaddr);
        assertEquals(0x0008, c.soKeepalive);
        assertEquals(0x1080, c.soLinger, "SO_LINGER_SEC: SO_LINGER (0x0080) counts ticks");
        assertEquals(0x0100, c.soOobinline);
        assertEquals(0x0200, c.soReuseport);
        assertEquals(0x1001, c.soSndbuf);
        assertEquals(0x1002, c.soRcvbuf);
        assertEquals(0x1007, c.soError);
        assertEquals(0x1022, c.soNosigpipe);
        assertEquals(327, c.maxLingerSeconds, "short so_linger in ticks, hz 100 (bsd/kern/uipc_socket.c)");
        assertEquals(SocketConstants.UNSUPPORTED, c.soDomain, "no SO_DOMAIN: getsockname");
        assertEquals(SocketConstants.UNSUPPORTED, c.soIncomingNapiId);
        assertEquals(0x80, c.msgDontwait);
        assertEquals(0, c.msgNosignal, "SO_NOSIGPIPE instead (MSG_NOSIGNAL 0x80000 exists only from xnu-7195, macOS 11)");
        // bsd/netinet/in.h, bsd/netinet6/in6.h, bsd/netinet/tcp.h
        assertEquals(3, c.ipTos);
        assertEquals(27, c.ipv6V6only);
        assertEquals(36, c.ipv6Tclass);
        assertEquals(0x10, c.tcpKeepidle, "TCP_KEEPALIVE");
        assertEquals(0x101, c.tcpKeepintvl);
        assertEquals(0x102, c.tcpKeepcnt);
        assertEquals(SocketConstants.UNSUPPORTED, c.tcpQuickack);
        // bsd/sys/fcntl.h; bsd/sys/filio.h: FIONREAD _IOR('f', 127, int), IOC_OUT 0x40000000 (bsd/sys/ioccom.h)
        assertEquals(0x0004, c.oNonblock);
        assertEquals(0x01000000, c.oCloexec);
        assertEquals(0x40000000L | (4 << 16) | ('f' << 8) | 127, c.fionread);
        assertFalse(c.hasAccept4());
        assertFalse(c.hasSocketTypeFlags());
        assertFalse(c.reportsDoubledBufferSizes());
        assertFalse(c.ipv4OptionsOnIpv6Sockets(), "ip6_ctloutput: EINVAL for IPPROTO_IP");
        assertTrue(c.sockaddrHasLength());
    }

    @Test
    void freebsd() {
        SocketConstants c = FREEBSD;
        // sys/sys/socket.h
        assertEquals(28, c.afInet6);
        assertEquals(0x20000000, c.sockNonblock);
        assertEquals(0x10000000, c.sockCloexec);
        assertEquals(0xffff, c.solSocket);
        assertEquals(0x0004, c.soReuseaddr);
        assertEquals(0x0008, c.soKeepalive);
        assertEquals(0x0080, c.soLinger, "seconds on FreeBSD");
        assertEquals(32767, c.maxLingerSeconds, "short so_linger");
        assertEquals(0x0100, c.soOobinline);
        assertEquals(0x0200, c.soReuseport);
        assertEquals(0x1001, c.soSndbuf);
        assertEquals(0x1002, c.soRcvbuf);
        assertEquals(0x1007, c.soError);
        assertEquals(SocketConstants.UNSUPPORTED, c.soNosigpipe, "MSG_NOSIGNAL per send, as on Linux");
        assertEquals(SocketConstants.UNSUPPORTED, c.soDomain, "SO_DOMAIN (0x1019) is not in every supported release: getsockname");
        assertEquals(SocketConstants.UNSUPPORTED, c.soIncomingNapiId);
        assertEquals(0x80, c.msgDontwait);
        assertEquals(0x20000, c.msgNosignal);
        // sys/netinet/in.h, sys/netinet6/in6.h, sys/netinet/tcp.h
        assertEquals(3, c.ipTos);
        assertEquals(27, c.ipv6V6only);
        assertEquals(61, c.ipv6Tclass);
        assertEquals(256, c.tcpKeepidle);
        assertEquals(512, c.tcpKeepintvl);
        assertEquals(1024, c.tcpKeepcnt);
        assertEquals(SocketConstants.UNSUPPORTED, c.tcpQuickack);
        // sys/sys/fcntl.h; sys/sys/filio.h with sys/sys/ioccom.h
        assertEquals(0x0004, c.oNonblock);
        assertEquals(0x00100000, c.oCloexec);
        assertEquals(0x4004667FL, c.fionread);
        assertTrue(c.hasAccept4(), "accept4 since FreeBSD 10");
        assertTrue(c.hasSocketTypeFlags());
        assertFalse(c.reportsDoubledBufferSizes());
        assertFalse(c.ipv4OptionsOnIpv6Sockets(), "ip6_ctloutput: EINVAL for IPPROTO_IP");
        assertTrue(c.sockaddrHasLength());
    }

    @Test
    void theRunningSystemsColumnIsPublished() {
        SocketConstants here = new SocketConstants(OsPlatform.current());
        assertEquals(here.afInet6, Sockets.AF_INET6);
        assertEquals(here.solSocket, Sockets.SOL_SOCKET);
        assertEquals(here.soLinger, Sockets.SO_LINGER);
        assertEquals(here.msgNosignal, Sockets.MSG_NOSIGNAL);
        assertEquals(here.tcpQuickack, Sockets.TCP_QUICKACK);
        assertEquals(here.oCloexec, Sockets.O_CLOEXEC);
    }
}
