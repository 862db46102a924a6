package io.weft.poller.testkit;

import io.weft.poller.sys.ErrnoException;
import io.weft.poller.sys.Sockets;

/**
 * A connected pair of TCP sockets on 127.0.0.1: {@link #client} (blocking, from
 * {@link Sockets#connectLoopback}) and {@link #server} (accepted, non-blocking unless asked
 * otherwise). The listening socket is closed at once. Closes what is still open.
 */
public final class Loopback implements AutoCloseable {
    private int client;
    private int server;

    private Loopback(int client, int server) {
        this.client = client;
        this.server = server;
    }

    public static Loopback open() throws ErrnoException {
        return open(true);
    }

    public static Loopback open(boolean serverNonBlocking) throws ErrnoException {
        int listener = Sockets.listenLoopback(4, false);
        int client = -1;
        try {
            client = Sockets.connectLoopback(Sockets.localPort(listener));
            int server = Sockets.accept(listener, serverNonBlocking);
            return new Loopback(client, server);
        } catch (ErrnoException | RuntimeException e) {
            if (client >= 0) Sockets.close(client);
            throw e;
        } finally {
            Sockets.close(listener);
        }
    }

    public int client() {
        return client;
    }

    public int server() {
        return server;
    }

    /** Closes the client end now (the server sees end of stream). */
    public void closeClient() throws ErrnoException {
        if (client >= 0) {
            int fd = client;
            client = -1;
            Sockets.close(fd);
        }
    }

    /** Forgets the server end without closing it: somebody else (closeFd) closed it. */
    public void forgetServer() {
        server = -1;
    }

    @Override
    public void close() throws ErrnoException {
        closeClient();
        if (server >= 0) {
            int fd = server;
            server = -1;
            Sockets.close(fd);
        }
    }
}
