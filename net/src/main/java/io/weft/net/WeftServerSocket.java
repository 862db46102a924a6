package io.weft.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;

/**
 * A {@link ServerSocket} whose {@link #accept()} goes through Weft and returns
 * {@link WeftSocket}s. On a Weft virtual thread with io_uring the listener runs one multishot
 * accept on the carrier's ring, feeding every acceptor; otherwise accept waits for readiness.
 */
public class WeftServerSocket extends ServerSocket {
    /** An unbound server socket. */
    public WeftServerSocket() throws IOException {
        super(new WeftSocketImpl(true));
    }

    /** A server socket bound to {@code port} (0: any) on every local address. */
    public WeftServerSocket(int port) throws IOException {
        this(port, 50, null);
    }

    public WeftServerSocket(int port, int backlog) throws IOException {
        this(port, backlog, null);
    }

    /** A server socket bound to {@code bindAddress:port} (null: every local address). */
    public WeftServerSocket(int port, int backlog, InetAddress bindAddress) throws IOException {
        this();
        if (port < 0 || port > 0xFFFF) {
            close();
            throw new IllegalArgumentException("Port value out of range: " + port);
        }
        try {
            bind(new InetSocketAddress(bindAddress, port), backlog);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public Socket accept() throws IOException {
        if (isClosed()) {
            throw new SocketException("Socket is closed");
        }
        if (!isBound()) {
            throw new SocketException("Socket is not bound yet");
        }
        WeftSocket s = new WeftSocket();
        try {
            implAccept(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }
}
