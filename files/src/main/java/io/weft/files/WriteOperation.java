package io.weft.files;

import io.weft.poller.CompletionPoller;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/** {@code IORING_OP_WRITE} from native memory the caller keeps alive until the completion. */
final class WriteOperation extends FileOperation {
    private final MemorySegment src;
    private final long offset;

    /** @param offset the file offset, or -1 for the descriptor's own position (and for O_APPEND) */
    WriteOperation(FileFd file, MemorySegment src, long offset) {
        super(file);
        this.src = src;
        this.offset = offset;
    }

    @Override
    protected void submit(CompletionPoller ring, long token) throws IOException {
        ring.write(file.fd, src, offset, token);
    }
}
