package io.weft.net;

import io.weft.poller.CompletionPoller;
import io.weft.poller.sys.Sockets;
import io.weft.scheduler.RingOperation;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/** A send in completion mode, from a native buffer the caller owns until the operation ends. */
final class SendOperation extends RingOperation {
    private final SocketFd socket;
    private final MemorySegment src;

    SendOperation(SocketFd socket, MemorySegment src) {
        this.socket = socket;
        this.src = src;
    }

    @Override
    protected void submit(CompletionPoller poller, long token) throws IOException {
        poller.send(socket.fd, src, Sockets.MSG_NOSIGNAL, token);
    }

    @Override
    protected boolean abandoned() {
        return socket.isClosed();
    }
}
