package io.weft.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A {@link Socket} whose blocking waits go through Weft: on a Weft virtual thread with
 * io_uring, reads, writes and connects are io_uring operations on the carrier's ring
 * (completion mode, {@code weft.net.mode}); with epoll, readiness waits on the carrier's
 * poller; on any other thread, an ordinary blocking socket. Everything else is
 * {@code java.net.Socket}'s contract, unchanged.
 */
public class WeftSocket extends Socket {
    /** An unconnected socket. */
    public WeftSocket() throws IOException {
        super(new WeftSocketImpl(false));
    }

    /** A socket connected to {@code host:port}. */
    public WeftSocket(String host, int port) throws IOException {
        this();
        connectOrClose(host == null ? new InetSocketAddress(InetAddress.getByName(null), port)
                : new InetSocketAddress(host, port));
    }

    /** A socket connected to {@code address:port}. */
    public WeftSocket(InetAddress address, int port) throws IOException {
        this();
        connectOrClose(new InetSocketAddress(address, port));
    }

    /** A socket bound to {@code localAddress:localPort} and connected to {@code host:port}. */
    public WeftSocket(String host, int port, InetAddress localAddress, int localPort) throws IOException {
        this();
        try {
            bind(new InetSocketAddress(localAddress, localPort));
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        connectOrClose(new InetSocketAddress(host, port));
    }

    private void connectOrClose(InetSocketAddress remote) throws IOException {
        try {
            connect(remote);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }
}
