package io.weft.net;

import io.weft.poller.sys.ErrnoException;
import io.weft.poller.sys.Sockets;
import java.net.InetAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketOptions;
import java.net.StandardSocketOptions;
import java.util.Map;
import java.util.Set;

/**
 * Socket options by their {@link SocketOptions} code (what {@code java.net.Socket}'s setters
 * pass to a {@code SocketImpl}) and by {@link SocketOption} (its {@code setOption}), mapped
 * to {@code setsockopt(2)} as the JDK maps them.
 */
final class SocketOptionCodes {
    /** What the JDK's own sockets support here, standard and extended (see {@link ExtendedOptions}). */
    static final Set<SocketOption<?>> CLIENT_OPTIONS = with(ExtendedOptions.ALL, StandardSocketOptions.SO_SNDBUF,
            StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_KEEPALIVE, StandardSocketOptions.SO_REUSEADDR,
            StandardSocketOptions.SO_REUSEPORT, StandardSocketOptions.SO_LINGER, StandardSocketOptions.TCP_NODELAY,
            StandardSocketOptions.IP_TOS);
    static final Set<SocketOption<?>> SERVER_OPTIONS = with(ExtendedOptions.ALL, StandardSocketOptions.SO_RCVBUF,
            StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.SO_REUSEPORT, StandardSocketOptions.IP_TOS);

    private static Set<SocketOption<?>> with(Set<SocketOption<?>> extended, SocketOption<?>... standard) {
        java.util.HashSet<SocketOption<?>> all = new java.util.HashSet<>(extended);
        all.addAll(java.util.List.of(standard));
        return java.util.Collections.unmodifiableSet(all);
    }

    private static final Map<SocketOption<?>, Integer> CODES = Map.of(
            StandardSocketOptions.SO_SNDBUF, SocketOptions.SO_SNDBUF,
            StandardSocketOptions.SO_RCVBUF, SocketOptions.SO_RCVBUF,
            StandardSocketOptions.SO_KEEPALIVE, SocketOptions.SO_KEEPALIVE,
            StandardSocketOptions.SO_REUSEADDR, SocketOptions.SO_REUSEADDR,
            StandardSocketOptions.SO_REUSEPORT, SocketOptions.SO_REUSEPORT,
            StandardSocketOptions.SO_LINGER, SocketOptions.SO_LINGER,
            StandardSocketOptions.TCP_NODELAY, SocketOptions.TCP_NODELAY,
            StandardSocketOptions.IP_TOS, SocketOptions.IP_TOS);

    private SocketOptionCodes() {}

    static int codeOf(SocketOption<?> name, Set<SocketOption<?>> supported) {
        Integer code = CODES.get(name);
        if (code == null || !supported.contains(name)) {
            throw new UnsupportedOperationException("'" + name + "' not supported");
        }
        return code;
    }

    static void set(int fd, int family, int opt, Object value) throws SocketException {
        try {
            switch (opt) {
                case SocketOptions.SO_LINGER -> {
                    int seconds = value instanceof Boolean b && !b ? -1 : intValue(value, "SO_LINGER");
                    Sockets.setLinger(fd, Math.min(seconds, 65535));
                }
                case SocketOptions.TCP_NODELAY ->
                        Sockets.setIntOption(fd, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, bit(value, "TCP_NODELAY"));
                case SocketOptions.SO_SNDBUF -> {
                    int n = intValue(value, "SO_SNDBUF");
                    if (n <= 0) throw new SocketException("SO_SNDBUF <= 0");
                    Sockets.setIntOption(fd, Sockets.SOL_SOCKET, Sockets.SO_SNDBUF, n);
                }
                case SocketOptions.SO_RCVBUF -> {
                    int n = intValue(value, "SO_RCVBUF");
                    if (n <= 0) throw new SocketException("SO_RCVBUF <= 0");
                    Sockets.setIntOption(fd, Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, n);
                }
                case SocketOptions.SO_KEEPALIVE ->
                        Sockets.setIntOption(fd, Sockets.SOL_SOCKET, Sockets.SO_KEEPALIVE, bit(value, "SO_KEEPALIVE"));
                case SocketOptions.SO_OOBINLINE ->
                        Sockets.setIntOption(fd, Sockets.SOL_SOCKET, Sockets.SO_OOBINLINE, bit(value, "SO_OOBINLINE"));
                case SocketOptions.SO_REUSEADDR ->
                        Sockets.setIntOption(fd, Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR, bit(value, "SO_REUSEADDR"));
                case SocketOptions.SO_REUSEPORT ->
                        Sockets.setIntOption(fd, Sockets.SOL_SOCKET, Sockets.SO_REUSEPORT, bit(value, "SO_REUSEPORT"));
                case SocketOptions.IP_TOS -> {
                    Sockets.setTrafficClass(fd, family, intValue(value, "IP_TOS"));
                }
                default -> throw new SocketException("Unknown option " + opt);
            }
        } catch (ErrnoException e) {
            throw new SocketException(e.getMessage());
        }
    }

    static Object get(int fd, int family, int opt) throws SocketException {
        try {
            return switch (opt) {
                case SocketOptions.SO_LINGER -> {
                    int seconds = Sockets.linger(fd);
                    yield seconds < 0 ? (Object) Boolean.FALSE : (Object) seconds;
                }
                case SocketOptions.TCP_NODELAY -> Sockets.intOption(fd, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY) != 0;
                // As set: halved on Linux, which reports double (the JDK halves it too).
                case SocketOptions.SO_SNDBUF -> Sockets.bufferSize(fd, Sockets.SO_SNDBUF);
                case SocketOptions.SO_RCVBUF -> Sockets.bufferSize(fd, Sockets.SO_RCVBUF);
                case SocketOptions.SO_KEEPALIVE -> Sockets.intOption(fd, Sockets.SOL_SOCKET, Sockets.SO_KEEPALIVE) != 0;
                case SocketOptions.SO_OOBINLINE -> Sockets.intOption(fd, Sockets.SOL_SOCKET, Sockets.SO_OOBINLINE) != 0;
                case SocketOptions.SO_REUSEADDR -> Sockets.intOption(fd, Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR) != 0;
                case SocketOptions.SO_REUSEPORT -> Sockets.intOption(fd, Sockets.SOL_SOCKET, Sockets.SO_REUSEPORT) != 0;
                case SocketOptions.IP_TOS -> family == Sockets.AF_INET6
                        ? Sockets.intOption(fd, Sockets.IPPROTO_IPV6, Sockets.IPV6_TCLASS)
                        : Sockets.intOption(fd, Sockets.IPPROTO_IP, Sockets.IP_TOS);
                case SocketOptions.SO_BINDADDR -> {
                    InetAddress a = Sockets.localAddress(fd).getAddress();
                    yield a;
                }
                default -> throw new SocketException("Unknown option " + opt);
            };
        } catch (ErrnoException e) {
            throw new SocketException(e.getMessage());
        }
    }

    static int intValue(Object value, String what) throws SocketException {
        if (!(value instanceof Integer i)) {
            throw new SocketException("Bad value for " + what);
        }
        return i;
    }

    private static int bit(Object value, String what) throws SocketException {
        if (!(value instanceof Boolean b)) {
            throw new SocketException("Bad value for " + what);
        }
        return b ? 1 : 0;
    }
}
