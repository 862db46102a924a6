package io.weft.files;

import io.weft.poller.CompletionPoller;
import io.weft.scheduler.RingOperation;
import java.io.IOException;

/** {@code IORING_OP_CLOSE} of a descriptor no operation uses any more ({@link FileFd}). */
final class CloseOperation extends RingOperation {
    private final int fd;

    CloseOperation(int fd) {
        this.fd = fd;
    }

    @Override
    protected void submit(CompletionPoller ring, long token) throws IOException {
        ring.closeFd(fd, token);
    }
}
