package io.weft.net;

import io.weft.poller.sys.ErrnoException;
import io.weft.poller.sys.Sockets;
import java.net.SocketException;
import java.net.SocketOption;
import java.util.Map;
import jdk.net.ExtendedSocketOptions;

/**
 * The Linux TCP options of {@code jdk.net.ExtendedSocketOptions} that the JDK's sockets
 * support: keep-alive timing, quick ACK, and the read-only NAPI id. They have no
 * {@code SocketOptions} code, so they only come through {@code setOption}/{@code getOption}.
 */
final class ExtendedOptions {
    private record Native(int level, int name, boolean flag, boolean readOnly) {}

    private static final int TCP_KEEPIDLE = 4;
    private static final int TCP_KEEPINTVL = 5;
    private static final int TCP_KEEPCNT = 6;
    private static final int TCP_QUICKACK = 12;
    private static final int SO_INCOMING_NAPI_ID = 56;

    private static final Map<SocketOption<?>, Native> OPTIONS = Map.of(
            ExtendedSocketOptions.TCP_KEEPIDLE, new Native(Sockets.IPPROTO_TCP, TCP_KEEPIDLE, false, false),
            ExtendedSocketOptions.TCP_KEEPINTERVAL, new Native(Sockets.IPPROTO_TCP, TCP_KEEPINTVL, false, false),
            ExtendedSocketOptions.TCP_KEEPCOUNT, new Native(Sockets.IPPROTO_TCP, TCP_KEEPCNT, false, false),
            ExtendedSocketOptions.TCP_QUICKACK, new Native(Sockets.IPPROTO_TCP, TCP_QUICKACK, true, false),
            ExtendedSocketOptions.SO_INCOMING_NAPI_ID, new Native(Sockets.SOL_SOCKET, SO_INCOMING_NAPI_ID, false, true));

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
