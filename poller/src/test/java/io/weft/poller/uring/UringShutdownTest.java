package io.weft.poller.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weft.poller.sys.Errno;
import io.weft.poller.sys.Sockets;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.Loopback;
import io.weft.poller.testkit.Recorder.Done;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** SHUTDOWN: SHUT_WR is end of stream for the peer, and the other direction still works. */
@ExtendWith(LeakCheck.class)
class UringShutdownTest extends UringTestBase {

    @Test
    void shutdownWriteIsEndOfStreamForThePeer() throws Exception {
        try (Loopback lb = afterRing(Loopback.open())) {
            ring.shutdown(lb.server(), Sockets.SHUT_WR, 1);
            Done d = rec.awaitOnly(ring, 1);
            assertEquals(0, d.result(), d::toString);
            assertEquals(0, Sockets.read(lb.client(), 16).length, "the peer reads end of stream");

            // Half-closed: the peer can still send to us.
            Sockets.writeFully(lb.client(), "still here".getBytes());
            MemorySegment buf = buffer(32);
            ring.recv(lb.server(), buf, 0, 2);
            Done r = rec.awaitOnly(ring, 2);
            assertEquals(10, r.result(), r::toString);
            assertArrayEquals("still here".getBytes(), bytes(buf, 10));
        }
    }

    @Test
    void shutdownOfAPipeIsNotASocket() throws Exception {
        int[] pipe = Sockets.pipe(false);
        afterRing(() -> {
            Sockets.close(pipe[0]);
            Sockets.close(pipe[1]);
        });
        ring.shutdown(pipe[1], Sockets.SHUT_WR, 3);
        Done d = rec.awaitOnly(ring, 3);
        assertEquals(-Errno.ENOTSOCK, d.result(), d::toString);
    }
}
