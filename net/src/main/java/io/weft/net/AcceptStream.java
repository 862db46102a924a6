package io.weft.net;

import io.weft.poller.CompletionPoller;
import io.weft.poller.sys.Sockets;
import io.weft.scheduler.RingStream;
import java.io.IOException;

/**
 * A multishot accept on a listening socket: one submission accepts connection after
 * connection, each completion handing a new descriptor to the {@link AcceptQueue}, on the
 * carrier that started it. Stopped by cancel (close, or the queue filling up) or by the kernel.
 */
final class AcceptStream extends RingStream {
    private final SocketFd listener;
    private final AcceptQueue queue;

    AcceptStream(SocketFd listener, AcceptQueue queue) {
        this.listener = listener;
        this.queue = queue;
    }

    @Override
    protected void submit(CompletionPoller poller, long token) throws IOException {
        poller.accept(listener.fd, Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, true, token);
    }

    @Override
    protected boolean abandoned() {
        return listener.isClosed();
    }

    @Override
    protected void onCompletion(int result, int flags, boolean more) {
        if (result >= 0) {
            if (!queue.offer(result)) {
                cancel(); // full: leave further connections in the kernel's backlog
            }
        } else {
            queue.failed(result);
        }
        if (!more) {
            queue.streamEnded(this);
        }
    }
}
