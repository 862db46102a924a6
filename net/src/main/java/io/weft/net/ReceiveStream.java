package io.weft.net;

import io.weft.poller.BufferRing;
import io.weft.poller.Completion;
import io.weft.poller.CompletionPoller;
import io.weft.poller.sys.Errno;
import io.weft.scheduler.RingStream;
import java.io.IOException;

/**
 * A multishot receive on a connected socket: one submission receives chunk after chunk, each
 * into a buffer the kernel picks from the carrier's buffer ring, and each completion hands its
 * bytes to the socket's {@link ReceiveQueue} and gives the buffer back at once, on the carrier
 * that started it. The poll the kernel arms for it stays armed between chunks, where a
 * one-shot receive queued before its data arrives arms (and tears down) one per read.
 *
 * <p>Holds the descriptor from its start (the queue acquires it) to its final completion, so
 * that {@code close(2)} comes after the kernel has let go of the socket: a receive still armed
 * would keep the connection open. Ended by cancel (close, or a full queue), by the peer's end
 * of stream, by a failure or by the kernel: an empty buffer ring, or the limit reached (the
 * queue's; the reader starts the next one once it has caught up).
 */
final class ReceiveStream extends RingStream {
    /**
     * Set once a kernel refused the total limit ({@code EINVAL}: before Linux 6.17); streams
     * then run without it and the queue's cancel is their only brake.
     */
    private static volatile boolean limitRefused;

    private final SocketFd socket;
    private final ReceiveQueue queue;
    /** Bytes after which the kernel ends the stream by itself; 0 for none. */
    private final int limit;
    private BufferRing ring;
    private boolean received;

    /**
     * @param limit the bytes the stream may receive before it ends by itself (the queue's
     *              limit: a stream starts only when the queue is empty), so that a fast sender
     *              cannot outrun the queue's cancel
     */
    ReceiveStream(SocketFd socket, ReceiveQueue queue, int limit) {
        this.socket = socket;
        this.queue = queue;
        this.limit = limitRefused ? 0 : Math.max(1, limit);
    }

    @Override
    protected void submit(CompletionPoller poller, long token) throws IOException {
        ring = recvBuffers();
        if (limit > 0) {
            poller.recvMultishot(socket.fd, ring, limit, token);
        } else {
            poller.recv(socket.fd, ring, true, token);
        }
    }

    @Override
    protected boolean abandoned() {
        return socket.isClosed();
    }

    @Override
    protected void onCompletion(int result, int flags, boolean more) {
        try {
            if (Completion.hasBuffer(flags)) {
                int id = Completion.bufferId(flags);
                try {
                    if (result > 0) {
                        queue.deliver(ring.buffer(id), result);
                    }
                } finally {
                    ring.recycle(id);
                }
            }
            if (result > 0) {
                received = true;
            } else if (result == 0) {
                queue.endOfStream();
            } else if (result == -Errno.EINVAL && limit > 0 && !received && !more) {
                limitRefused = true; // the reader's next stream goes without the limit
            } else if (result < 0) {
                queue.failed(result);
            }
        } finally {
            if (!more) {
                queue.streamEnded(this);
                socket.release();
            }
        }
    }
}
