package io.weft.files;

import io.weft.poller.CompletionPoller;
import io.weft.scheduler.RingOperation;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * {@code IORING_OP_STATX} of a path, or of a descriptor with an empty path and
 * {@code AT_EMPTY_PATH}. The path and the {@code struct statx} are the caller's, alive until the
 * completion. Not tied to a channel's close: a stat of an open channel is quick, and the
 * descriptor is held by the caller while it runs.
 */
final class StatxOperation extends RingOperation {
    private final int dirfd;
    private final MemorySegment path;
    private final int flags;
    private final MemorySegment statx;

    StatxOperation(int dirfd, MemorySegment path, int flags, MemorySegment statx) {
        this.dirfd = dirfd;
        this.path = path;
        this.flags = flags;
        this.statx = statx;
    }

    @Override
    protected void submit(CompletionPoller ring, long token) throws IOException {
        ring.statx(dirfd, path, flags, io.weft.poller.sys.FileSyscalls.STATX_BASIC_STATS, statx, token);
    }
}
