package io.weft.poller.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weft.poller.sys.Errno;
import io.weft.poller.sys.Sockets;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.Recorder.Done;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** CONNECT of a non-blocking socket: to a listener it succeeds, to a closed port it is refused. */
@ExtendWith(LeakCheck.class)
class UringConnectTest extends UringTestBase {

    @Test
    void connectsToAListeningSocket() throws Exception {
        int listener = Sockets.listenLoopback(4, false);
        int fd = Sockets.tcpSocket(true);
        int accepted = -1;
        try {
            MemorySegment addr = Sockets.loopbackAddress(buffer(Sockets.SOCKADDR_IN_SIZE), Sockets.localPort(listener));
            ring.connect(fd, addr, 3);
            Done d = rec.awaitOnly(ring, 3);
            assertEquals(0, d.result(), d::toString);
            assertEquals(0, Sockets.intOption(fd, Sockets.SOL_SOCKET, Sockets.SO_ERROR));

            accepted = Sockets.accept(listener, false);
            Sockets.writeFully(accepted, "hi there".getBytes());
            MemorySegment buf = buffer(64);
            ring.recv(fd, buf, 0, 4);
            Done r = rec.awaitOnly(ring, 4);
            assertEquals(8, r.result(), r::toString);
            assertArrayEquals("hi there".getBytes(), bytes(buf, 8));
        } finally {
            ring.close();
            if (accepted >= 0) Sockets.close(accepted);
            Sockets.close(fd);
            Sockets.close(listener);
        }
    }

    @Test
    void connectToAClosedPortIsRefused() throws Exception {
        int listener = Sockets.listenLoopback(1, false);
        int port = Sockets.localPort(listener);
        Sockets.close(listener); // nothing listens there now
        int fd = Sockets.tcpSocket(true);
        try {
            MemorySegment addr = Sockets.loopbackAddress(buffer(Sockets.SOCKADDR_IN_SIZE), port);
            ring.connect(fd, addr, 5);
            Done d = rec.awaitOnly(ring, 5);
            assertEquals(-Errno.ECONNREFUSED, d.result(), d::toString);
        } finally {
            ring.close();
            Sockets.close(fd);
        }
    }
}
