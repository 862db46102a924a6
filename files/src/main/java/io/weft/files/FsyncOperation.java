package io.weft.files;

import io.weft.poller.CompletionPoller;
import java.io.IOException;

/** {@code IORING_OP_FSYNC}, with {@code IORING_FSYNC_DATASYNC} for fdatasync. */
final class FsyncOperation extends FileOperation {
    private final boolean dataOnly;

    FsyncOperation(FileFd file, boolean dataOnly) {
        super(file);
        this.dataOnly = dataOnly;
    }

    @Override
    protected void submit(CompletionPoller ring, long token) throws IOException {
        ring.fsync(file.fd, dataOnly, token);
    }
}
