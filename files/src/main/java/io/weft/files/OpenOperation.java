package io.weft.files;

import io.weft.poller.CompletionPoller;
import io.weft.scheduler.RingOperation;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/** {@code IORING_OP_OPENAT}; the result is the new descriptor. The path is the caller's, alive until the completion. */
final class OpenOperation extends RingOperation {
    private final MemorySegment path;
    private final int flags;
    private final int mode;

    OpenOperation(MemorySegment path, int flags, int mode) {
        this.path = path;
        this.flags = flags;
        this.mode = mode;
    }

    @Override
    protected void submit(CompletionPoller ring, long token) throws IOException {
        ring.openat(io.weft.poller.sys.FileSyscalls.AT_FDCWD, path, flags, mode, token);
    }
}
