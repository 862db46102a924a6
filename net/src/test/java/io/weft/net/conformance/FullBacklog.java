package io.weft.net.conformance;

import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A listener that never accepts, with backlog 1, filled until a connect to it times out: from
 * then on Linux drops every SYN to it (net.ipv4.tcp_abort_on_overflow = 0, the default), so a
 * connect to it blocks, on loopback and deterministically. How a test gets a blocked connect.
 */
final class FullBacklog {
    private FullBacklog() {}

    /** The full listener; {@code connected[0]} is set to how many connects completed first. */
    static ServerSocket open(Conformance c, int[] connected) throws Exception {
        ServerSocket server = c.listen(Conformance.IPV4, 1);
        int n = 0;
        for (int i = 0; i < 8; i++) {
            Socket s = c.socket();
            try {
                s.connect(server.getLocalSocketAddress(), 300);
                n++;
            } catch (SocketTimeoutException e) {
                connected[0] = n;
                return server;
            }
        }
        throw new AssertionError(n + " connects to a listener with backlog 1 completed: the backlog never filled");
    }

    static ServerSocket open(Conformance c) throws Exception {
        return open(c, new int[1]);
    }
}
