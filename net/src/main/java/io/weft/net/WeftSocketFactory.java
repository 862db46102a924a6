package io.weft.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/** Makes {@link WeftSocket}s, for libraries that take a {@link SocketFactory}. */
public final class WeftSocketFactory extends SocketFactory {
    private static final WeftSocketFactory DEFAULT = new WeftSocketFactory();

    public static SocketFactory getDefault() {
        return DEFAULT;
    }

    @Override
    public Socket createSocket() throws IOException {
        return new WeftSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return new WeftSocket(host, port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return new WeftSocket(host, port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return new WeftSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return new WeftSocket(address.getHostAddress(), port, localAddress, localPort);
    }
}
