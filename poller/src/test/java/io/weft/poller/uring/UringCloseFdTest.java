package io.weft.poller.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.weft.poller.sys.Errno;
import io.weft.poller.sys.Libc;
import io.weft.poller.sys.Sockets;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.NativeFiles;
import io.weft.poller.testkit.Recorder.Done;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** CLOSE: the descriptor is gone afterwards, as close(2) would leave it. */
@ExtendWith(LeakCheck.class)
class UringCloseFdTest extends UringTestBase {

    @Test
    void closeFdClosesTheDescriptor() throws Exception {
        int[] pipe = Sockets.pipe(false);
        afterRing(() -> Sockets.close(pipe[0]));
        ring.closeFd(pipe[1], 1);
        Done d = rec.awaitOnly(ring, 1);
        assertEquals(0, d.result(), d::toString);

        MemorySegment one = buffer(1);
        assertEquals(-Errno.EBADF, Libc.write(pipe[1], one, 1), "write to the closed descriptor");
        assertFalse(NativeFiles.isOpen(pipe[1]));
        assertEquals(0, Sockets.read(pipe[0], 8).length, "the read end sees end of stream");
    }

    @Test
    void closeFdOfADescriptorThatIsNotOpenFails() throws Exception {
        int fd = NativeFiles.unusedDescriptor();
        ring.closeFd(fd, 2);
        Done d = rec.awaitOnly(ring, 2);
        assertEquals(-Errno.EBADF, d.result(), d::toString);
    }
}
