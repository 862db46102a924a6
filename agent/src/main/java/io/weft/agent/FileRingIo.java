package io.weft.agent;

import io.weft.poller.CompletionPoller;
import io.weft.scheduler.RingOperation;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * One {@code IORING_OP_READ} or {@code IORING_OP_WRITE} for a rewritten
 * {@code UnixFileDispatcherImpl} call: the descriptor, native address and length the JDK
 * already prepared (its {@code IOUtil} has checked O_DIRECT alignment and holds the buffer: the
 * caller's direct buffer, or a temporary one for a heap buffer). {@link RingOperation#run}
 * returns only after the final completion, so the JDK gets its memory back untouched by the
 * kernel afterwards, as after its own {@code read(2)}.
 */
final class FileRingIo extends RingOperation {
    private final int fd;
    private final long address;
    private final int length;
    private final long offset;
    private final boolean write;

    /** @param offset the file offset, or -1 for the descriptor's position (which it advances, as read(2)) */
    FileRingIo(int fd, long address, int length, long offset, boolean write) {
        this.fd = fd;
        this.address = address;
        this.length = length;
        this.offset = offset;
        this.write = write;
    }

    @Override
    protected void submit(CompletionPoller ring, long token) throws IOException {
        MemorySegment memory = MemorySegment.ofAddress(address).reinterpret(length);
        if (write) {
            ring.write(fd, memory, offset, token);
        } else {
            ring.read(fd, memory, offset, token);
        }
    }
}
