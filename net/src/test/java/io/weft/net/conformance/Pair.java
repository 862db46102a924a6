package io.weft.net.conformance;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/** Two connected sockets of the row's flavour: the one that connected, and the one accept returned. */
record Pair(Socket client, Socket server) {
    InputStream clientIn() throws java.io.IOException {
        return client.getInputStream();
    }

    OutputStream clientOut() throws java.io.IOException {
        return client.getOutputStream();
    }

    InputStream serverIn() throws java.io.IOException {
        return server.getInputStream();
    }

    OutputStream serverOut() throws java.io.IOException {
        return server.getOutputStream();
    }
}
