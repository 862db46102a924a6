package io.weft.files;

import io.weft.scheduler.RingOperation;

/**
 * An io_uring operation on an open file ({@link Route#RING}): cancelled by the channel's close
 * while it runs ({@link FileFd#track}), and at once if the close came just before it was queued.
 * The thread waits for its final completion whatever happens (RingOperation's rule), so memory
 * given to the kernel outlives the operation.
 */
abstract class FileOperation extends RingOperation implements Abortable {
    final FileFd file;

    FileOperation(FileFd file) {
        this.file = file;
    }

    @Override
    protected final boolean abandoned() {
        return file.isClosed();
    }

    @Override
    public final void abort() {
        cancel();
    }
}
