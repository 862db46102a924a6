package io.weft.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import javax.net.ServerSocketFactory;

/** Makes {@link WeftServerSocket}s, for libraries that take a {@link ServerSocketFactory}. */
public final class WeftServerSocketFactory extends ServerSocketFactory {
    private static final WeftServerSocketFactory DEFAULT = new WeftServerSocketFactory();

    public static ServerSocketFactory getDefault() {
        return DEFAULT;
    }

    @Override
    public ServerSocket createServerSocket() throws IOException {
        return new WeftServerSocket();
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        return new WeftServerSocket(port);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
        return new WeftServerSocket(port, backlog);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress ifAddress) throws IOException {
        return new WeftServerSocket(port, backlog, ifAddress);
    }
}
