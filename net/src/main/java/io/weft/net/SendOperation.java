package io.weft.net;

import io.weft.poller.CompletionPoller;
import io.weft.poller.sys.Sockets;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/** A send in completion mode, from a native buffer the caller owns until the operation ends. */
final class SendOperation extends SocketOperation {
    private final MemorySegment src;

    SendOperation(SocketFd socket, MemorySegment src) {
        super(socket);
        this.src = src;
    }

    @Override
    protected void submit(CompletionPoller poller, long token) throws IOException {
        poller.send(socket.fd, src, Sockets.MSG_NOSIGNAL, token);
    }
}
