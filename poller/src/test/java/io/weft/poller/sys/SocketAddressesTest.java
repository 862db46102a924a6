package io.weft.poller.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * {@code sockaddr_in} and {@code sockaddr_in6} byte for byte as each platform's headers lay them
 * out (Linux: netinet/in.h, linux/in6.h; macOS: XNU bsd/netinet/in.h, bsd/netinet6/in6.h;
 * FreeBSD: sys/netinet/in.h, sys/netinet6/in6.h), and back. Pure Java.
 */
class SocketAddressesTest {
    private static final SocketConstants LINUX = new SocketConstants(OsPlatform.LINUX);
    private static final SocketConstants MACOS = new SocketConstants(OsPlatform.MACOS);
    private static final SocketConstants FREEBSD = new SocketConstants(OsPlatform.FREEBSD);

    private static final InetSocketAddress V4 = new InetSocketAddress(loopback(), 0x1234);

    private static InetAddress loopback() {
        return InetAddress.getLoopbackAddress();
    }

    private static byte[] encode(InetSocketAddress a, int family, SocketConstants platform, int[] len) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(SocketAddresses.MAX_SIZE);
            out.fill((byte) 0x5a); // what encode does not write must come out zero, not this
            len[0] = SocketAddresses.encode(a, family, out, platform);
            return out.asSlice(0, len[0]).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    private static InetSocketAddress decode(byte[] bytes, SocketConstants platform) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocate(SocketAddresses.MAX_SIZE);
            MemorySegment.copy(bytes, 0, in, ValueLayout.JAVA_BYTE, 0, bytes.length);
            return SocketAddresses.decode(in, platform);
        }
    }

    @Test
    void sockaddrInOnLinuxHasATwoByteFamily() {
        int[] len = new int[1];
        byte[] b = encode(V4, Sockets.AF_INET, LINUX, len);
        assertEquals(16, len[0]);
        // sa_family_t (uint16, native order: little-endian on x86_64 and aarch64), port big-endian, address.
        byte[] expected = {2, 0, 0x12, 0x34, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
        if (ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN) {
            expected[0] = 0;
            expected[1] = 2;
        }
        assertArrayEquals(expected, b);
        assertEquals(V4, decode(b, LINUX));
    }

    @Test
    void sockaddrInOnTheBsdsStartsWithItsLength() {
        for (SocketConstants bsd : new SocketConstants[] {MACOS, FREEBSD}) {
            int[] len = new int[1];
            byte[] b = encode(V4, Sockets.AF_INET, bsd, len);
            assertEquals(16, len[0]);
            // uint8_t sin_len = 16; sa_family_t (uint8_t) sin_family = AF_INET; port; address; zero[8].
            assertArrayEquals(new byte[] {16, 2, 0x12, 0x34, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, b);
            assertEquals(V4, decode(b, bsd));
            assertEquals(Sockets.AF_INET, SocketAddresses.family(MemorySegment.ofArray(b), bsd));
        }
    }

    @Test
    void sockaddrIn6CarriesEachPlatformsFamilyNumber() throws Exception {
        InetSocketAddress v6 = new InetSocketAddress(
                Inet6Address.getByAddress(null, new byte[] {(byte) 0xfe, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 3), 443);
        int[][] headers = {{10, 0}, {28, 30}, {28, 28}}; // Linux {AF_INET6 as uint16 LE}; macOS, FreeBSD {sin6_len, family}
        SocketConstants[] platforms = {LINUX, MACOS, FREEBSD};
        for (int i = 0; i < platforms.length; i++) {
            int[] len = new int[1];
            byte[] b = encode(v6, platforms[i].afInet6, platforms[i], len);
            assertEquals(28, len[0]);
            if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN || platforms[i].sockaddrHasLength()) {
                assertEquals(headers[i][0], b[0], platforms[i].platform + " byte 0");
                assertEquals(headers[i][1], b[1], platforms[i].platform + " byte 1");
            }
            assertEquals(1, b[2], "port 443 big-endian");
            assertEquals((byte) 0xbb, b[3]);
            assertArrayEquals(new byte[4], java.util.Arrays.copyOfRange(b, 4, 8), "sin6_flowinfo");
            assertEquals((byte) 0xfe, b[8], "sin6_addr at 8");
            assertEquals(1, b[23]);
            assertEquals(3, MemorySegment.ofArray(b).get(ValueLayout.JAVA_INT_UNALIGNED, 24), "sin6_scope_id at 24");
            assertEquals(v6, decode(b, platforms[i]));
        }
    }

    @Test
    void anIpv4AddressOnAnIpv6SocketIsMapped() {
        for (SocketConstants p : new SocketConstants[] {LINUX, MACOS, FREEBSD}) {
            int[] len = new int[1];
            byte[] b = encode(V4, p.afInet6, p, len);
            assertEquals(28, len[0]);
            assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1},
                    java.util.Arrays.copyOfRange(b, 8, 24), p.platform + ": ::ffff:127.0.0.1");
            assertEquals(V4, decode(b, p), "decoded as the IPv4 address");
        }
    }

    @Test
    void encodingAnIpv4AddressWritesOnlyASockaddrIn() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment exact = arena.allocate(SocketAddresses.SOCKADDR_IN_SIZE); // as callers size it
            assertEquals(16, SocketAddresses.encode(V4, Sockets.AF_INET, exact, MACOS));
        }
    }
}
