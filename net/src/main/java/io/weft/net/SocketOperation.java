package io.weft.net;

import io.weft.scheduler.RingOperation;

/**
 * A ring operation on a socket: abandoned (cancelled as soon as it is queued) once the socket
 * is closed, so that a close that ran just before the submission still ends it.
 */
abstract class SocketOperation extends RingOperation {
    final SocketFd socket;

    SocketOperation(SocketFd socket) {
        this.socket = socket;
    }

    @Override
    protected final boolean abandoned() {
        return socket.isClosed();
    }
}
