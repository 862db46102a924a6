package io.weft.poller.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * {@code struct sockaddr_in} / {@code sockaddr_in6} to and from {@link InetSocketAddress}.
 *
 * <p>Sockets made by the net module are IPv6 sockets with {@code IPV6_V6ONLY} off when the
 * machine has IPv6, as the JDK's are: an IPv4 address then travels as an IPv4-mapped IPv6
 * address ({@code ::ffff:a.b.c.d}), and is turned back into an {@link Inet4Address} on the way
 * out, so callers see the addresses the JDK would show.
 *
 * <p>The layouts differ only in their first two bytes. Linux: a two-byte {@code sa_family_t}
 * in native order. macOS and FreeBSD: a one-byte length ({@code sin_len}, {@code sin6_len}:
 * 16 or 28) and a one-byte {@code sa_family_t}. Port (big-endian) at 2; the IPv4 address at 4;
 * {@code sin6_flowinfo} at 4, the IPv6 address at 8 and {@code sin6_scope_id} at 24 on all of
 * them (netinet/in.h, netinet6/in6.h or linux/in6.h).
 */
public final class SocketAddresses {
    /** Room for the largest address handled here, {@code sizeof(struct sockaddr_in6)}. */
    public static final int MAX_SIZE = 28;
    public static final int SOCKADDR_IN6_SIZE = 28;
    /** {@code sizeof(struct sockaddr_in)}, the same everywhere. */
    public static final int SOCKADDR_IN_SIZE = 16;

    private static final SocketConstants HERE = Sockets.CONSTANTS;
    private static final ValueLayout.OfShort PORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    private SocketAddresses() {}

    /**
     * Whether a socket of {@code family} can use {@code ip}: an IPv6 socket any address (IPv4
     * ones mapped), an IPv4 socket only IPv4 ones.
     */
    public static boolean fits(InetAddress ip, int family) {
        return family != Sockets.AF_INET || ip instanceof Inet4Address;
    }

    /**
     * Writes {@code address} into {@code out} for a socket of {@code family}; returns the
     * length to pass to the kernel.
     *
     * @throws IllegalArgumentException if an IPv6 address is given to an IPv4 socket
     *         (check with {@link #fits} first)
     */
    public static int encode(InetSocketAddress address, int family, MemorySegment out) {
        return encode(address, family, out, HERE);
    }

    /** {@link #encode(InetSocketAddress, int, MemorySegment)} in {@code platform}'s layout. */
    static int encode(InetSocketAddress address, int family, MemorySegment out, SocketConstants platform) {
        InetAddress ip = address.getAddress();
        byte[] raw = ip.getAddress();
        if (family == Sockets.AF_INET) {
            if (raw.length != 4) {
                throw new IllegalArgumentException("an IPv4 socket cannot use IPv6 address " + ip);
            }
            out.asSlice(0, SOCKADDR_IN_SIZE).fill((byte) 0);
            header(out, Sockets.AF_INET, SOCKADDR_IN_SIZE, platform);
            out.set(PORT, 2, (short) address.getPort());
            MemorySegment.copy(raw, 0, out, JAVA_BYTE, 4, 4);
            return SOCKADDR_IN_SIZE;
        }
        out.asSlice(0, SOCKADDR_IN6_SIZE).fill((byte) 0);
        header(out, platform.afInet6, SOCKADDR_IN6_SIZE, platform);
        out.set(PORT, 2, (short) address.getPort());
        if (raw.length == 4) {
            // IPv4-mapped: ::ffff:a.b.c.d
            out.set(JAVA_BYTE, 8 + 10, (byte) 0xff);
            out.set(JAVA_BYTE, 8 + 11, (byte) 0xff);
            MemorySegment.copy(raw, 0, out, JAVA_BYTE, 8 + 12, 4);
        } else {
            MemorySegment.copy(raw, 0, out, JAVA_BYTE, 8, 16);
            if (ip instanceof Inet6Address v6) {
                out.set(JAVA_INT, 24, v6.getScopeId());
            }
        }
        return SOCKADDR_IN6_SIZE;
    }

    /** The length (BSD only) and family at the start of a {@code sockaddr}. */
    private static void header(MemorySegment out, int family, int size, SocketConstants platform) {
        if (platform.sockaddrHasLength()) {
            out.set(JAVA_BYTE, 0, (byte) size);
            out.set(JAVA_BYTE, 1, (byte) family);
        } else {
            out.set(JAVA_SHORT, 0, (short) family);
        }
    }

    /** The address family of the {@code sockaddr} at {@code in}. */
    public static int family(MemorySegment in) {
        return family(in, HERE);
    }

    static int family(MemorySegment in, SocketConstants platform) {
        return platform.sockaddrHasLength()
                ? Byte.toUnsignedInt(in.get(JAVA_BYTE, 1))
                : Short.toUnsignedInt(in.get(JAVA_SHORT, 0));
    }

    /** Reads the address the kernel wrote into {@code in} (IPv4-mapped addresses as IPv4). */
    public static InetSocketAddress decode(MemorySegment in) {
        return decode(in, HERE);
    }

    /** {@link #decode(MemorySegment)} in {@code platform}'s layout. */
    static InetSocketAddress decode(MemorySegment in, SocketConstants platform) {
        int family = family(in, platform);
        int port = Short.toUnsignedInt(in.get(PORT, 2));
        try {
            if (family == Sockets.AF_INET) {
                byte[] raw = new byte[4];
                MemorySegment.copy(in, JAVA_BYTE, 4, raw, 0, 4);
                return new InetSocketAddress(InetAddress.getByAddress(raw), port);
            }
            if (family == platform.afInet6) {
                byte[] raw = new byte[16];
                MemorySegment.copy(in, JAVA_BYTE, 8, raw, 0, 16);
                if (isV4Mapped(raw)) {
                    byte[] v4 = {raw[12], raw[13], raw[14], raw[15]};
                    return new InetSocketAddress(InetAddress.getByAddress(v4), port);
                }
                int scope = in.get(JAVA_INT, 24);
                return new InetSocketAddress(scope == 0 ? InetAddress.getByAddress(raw)
                        : Inet6Address.getByAddress(null, raw, scope), port);
            }
        } catch (UnknownHostException e) {
            throw new AssertionError("raw address of the right length was refused", e);
        }
        throw new IllegalArgumentException("not an IP socket address: family " + family);
    }

    private static boolean isV4Mapped(byte[] raw) {
        for (int i = 0; i < 10; i++) {
            if (raw[i] != 0) return false;
        }
        return raw[10] == (byte) 0xff && raw[11] == (byte) 0xff;
    }
}
