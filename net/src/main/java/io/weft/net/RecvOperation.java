package io.weft.net;

import io.weft.poller.BufferRing;
import io.weft.poller.Completion;
import io.weft.poller.CompletionPoller;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A receive in completion mode: the kernel picks a buffer from the carrier's buffer ring when
 * data arrives (a reader that waits pins no memory), and the carrier, on completion, copies
 * the bytes into the reader's array and gives the buffer back at once. Bytes beyond the
 * array's room are kept in {@link #overflow} for the next read.
 */
final class RecvOperation extends SocketOperation {
    private final byte[] dst;
    private final int off;
    private final int len;
    private BufferRing ring;
    /** Bytes copied into {@code dst}. */
    int copied;
    /** Bytes received beyond {@code len}, or null. */
    byte[] overflow;

    RecvOperation(SocketFd socket, byte[] dst, int off, int len) {
        super(socket);
        this.dst = dst;
        this.off = off;
        this.len = len;
    }

    @Override
    protected void submit(CompletionPoller poller, long token) throws IOException {
        ring = recvBuffers();
        poller.recv(socket.fd, ring, false, token);
    }

    @Override
    protected void onComplete(int result, int flags) {
        if (!Completion.hasBuffer(flags)) {
            return;
        }
        int id = Completion.bufferId(flags);
        MemorySegment data = ring.buffer(id);
        int n = Math.min(result, len);
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, 0, dst, off, n);
        copied = n;
        if (result > n) {
            overflow = new byte[result - n];
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, n, overflow, 0, result - n);
        }
        ring.recycle(id);
    }
}
