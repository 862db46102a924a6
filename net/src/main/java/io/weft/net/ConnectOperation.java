package io.weft.net;

import io.weft.poller.CompletionPoller;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/** A connect in completion mode; {@code address} (a sockaddr) lives until the operation ends. */
final class ConnectOperation extends SocketOperation {
    private final MemorySegment address;

    ConnectOperation(SocketFd socket, MemorySegment address) {
        super(socket);
        this.address = address;
    }

    @Override
    protected void submit(CompletionPoller poller, long token) throws IOException {
        poller.connect(socket.fd, address, token);
    }
}
