package io.weft.files;

import io.weft.poller.CompletionPoller;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/** {@code IORING_OP_READ} into native memory the caller keeps alive until the completion. */
final class ReadOperation extends FileOperation {
    private final MemorySegment dst;
    private final long offset;

    /** @param offset the file offset, or -1 for the descriptor's own position (which it advances) */
    ReadOperation(FileFd file, MemorySegment dst, long offset) {
        super(file);
        this.dst = dst;
        this.offset = offset;
    }

    @Override
    protected void submit(CompletionPoller ring, long token) throws IOException {
        ring.read(file.fd, dst, offset, token);
    }
}
