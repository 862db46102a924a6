package io.weft.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/** Makes {@link WeftSocket}s, for libraries that take a {@link SocketFactory}. */
public final class WeftSocketFactory extends SocketFactory {
    private static final WeftSocketFactory DEFAULT = new WeftSocketFactory(null);
    private static final WeftSocketFactory WRITING_BEHIND = new WeftSocketFactory(true);

    /** What each socket's {@link WeftSocket#setWriteBehind} is set to; null: left at its default. */
    private final Boolean writeBehind;

    private WeftSocketFactory(Boolean writeBehind) {
        this.writeBehind = writeBehind;
    }

    /** Sockets with write-behind at its default ({@code weft.net.writeBehind}, off). */
    public static SocketFactory getDefault() {
        return DEFAULT;
    }

    /** Sockets with write-behind on ({@link WeftSocket#setWriteBehind}). */
    public static SocketFactory writingBehind() {
        return WRITING_BEHIND;
    }

    private WeftSocket made(WeftSocket s) {
        if (writeBehind != null) {
            s.setWriteBehind(writeBehind);
        }
        return s;
    }

    @Override
    public Socket createSocket() throws IOException {
        return made(new WeftSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return made(new WeftSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return made(new WeftSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return made(new WeftSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return made(new WeftSocket(address.getHostAddress(), port, localAddress, localPort));
    }
}
