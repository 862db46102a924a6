package io.weft.net;

import io.weft.poller.sys.ErrnoException;
import io.weft.poller.sys.Sockets;
import java.net.SocketException;
import java.net.SocketOption;
import java.util.Map;
import jdk.net.ExtendedSocketOptions;

/**
 * The TCP options of {@code jdk.net.ExtendedSocketOptions} that the JDK's sockets support:
 * keep-alive timing everywhere; quick ACK and the read-only NAPI id on Linux only. They have no
 * {@code SocketOptions} code, so they only come through {@code setOption}/{@code getOption}.
 * An option this system lacks ({@link Sockets#UNSUPPORTED}) is left out of {@link #ALL}, so
 * sockets report it unsupported, as the JDK's do (macOS, FreeBSD: no TCP_QUICKACK, no
 * SO_INCOMING_NAPI_ID).
 */
final class ExtendedOptions {
    private record Native(int level, int name, boolean flag, boolean readOnly) {}

    private static final Map<SocketOption<?>, Native> OPTIONS = supported(Map.of(
            ExtendedSocketOptions.TCP_KEEPIDLE, new Native(Sockets.IPPROTO_TCP, Sockets.TCP_KEEPIDLE, false, false),
            ExtendedSocketOptions.TCP_KEEPINTERVAL, new Native(Sockets.IPPROTO_TCP, Sockets.TCP_KEEPINTVL, false, false),
            ExtendedSocketOptions.TCP_KEEPCOUNT, new Native(Sockets.IPPROTO_TCP, Sockets.TCP_KEEPCNT, false, false),
            ExtendedSocketOptions.TCP_QUICKACK, new Native(Sockets.IPPROTO_TCP, Sockets.TCP_QUICKACK, true, false),
            ExtendedSocketOptions.SO_INCOMING_NAPI_ID,
                    new Native(Sockets.SOL_SOCKET, Sockets.SO_INCOMING_NAPI_ID, false, true)));

    private static Map<SocketOption<?>, Native> supported(Map<SocketOption<?>, Native> all) {
        Map<SocketOption<?>, Native> here = new java.util.HashMap<>(all);
        here.values().removeIf(n -> n.name == Sockets.UNSUPPORTED);
        return Map.copyOf(here);
    }

    static final java.util.Set<SocketOption<?>> ALL = OPTIONS.keySet();

    private ExtendedOptions() {}

    static boolean handles(SocketOption<?> option) {
        return OPTIONS.containsKey(option);
    }

    static void set(int fd, SocketOption<?> option, Object value) throws SocketException {
        Native n = OPTIONS.get(option);
        if (n.readOnly) {
            throw new SocketException("Attempt to set read only option " + option);
        }
        int v;
        if (n.flag) {
            if (!(value instanceof Boolean b)) throw new IllegalArgumentException("Invalid value '" + value + "'");
            v = b ? 1 : 0;
        } else {
            if (!(value instanceof Integer i) || i < 0) {
                throw new IllegalArgumentException("Invalid value '" + value + "'");
            }
            v = i;
        }
        try {
            Sockets.setIntOption(fd, n.level, n.name, v);
        } catch (ErrnoException e) {
            throw new SocketException(e.getMessage());
        }
    }

    static Object get(int fd, SocketOption<?> option) throws SocketException {
        Native n = OPTIONS.get(option);
        try {
            int v = Sockets.intOption(fd, n.level, n.name);
            return n.flag ? (Object) (v != 0) : (Object) v;
        } catch (ErrnoException e) {
            throw new SocketException(e.getMessage());
        }
    }
}
