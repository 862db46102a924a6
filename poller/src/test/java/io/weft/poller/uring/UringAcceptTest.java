package io.weft.poller.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.Completion;
import io.weft.poller.sys.Errno;
import io.weft.poller.sys.Sockets;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.Recorder.Done;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** ACCEPT: single with the new descriptor's flags, and multishot over many connections. */
@ExtendWith(LeakCheck.class)
class UringAcceptTest extends UringTestBase {

    @Test
    void singleAcceptReturnsAConnectedDescriptorWithTheFlagsAskedFor() throws Exception {
        int listener = Sockets.listenLoopback(16, false);
        int client = -1;
        int accepted = -1;
        try {
            ring.accept(listener, Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, false, 1);
            client = Sockets.connectLoopback(Sockets.localPort(listener));
            Done d = rec.awaitOnly(ring, 1);
            assertTrue(d.result() >= 0, d::toString);
            accepted = d.result();

            int flags = fdinfoFlags(accepted);
            assertNotEquals(0, flags & Sockets.O_NONBLOCK, "SOCK_NONBLOCK asked for: flags 0" + Integer.toOctalString(flags));
            assertNotEquals(0, flags & Sockets.O_CLOEXEC, "SOCK_CLOEXEC asked for: flags 0" + Integer.toOctalString(flags));

            Sockets.writeFully(client, "ping".getBytes());
            MemorySegment buf = buffer(16);
            ring.recv(accepted, buf, 0, 2);
            Done r = rec.awaitOnly(ring, 2);
            assertEquals(4, r.result(), r::toString);
            assertArrayEquals("ping".getBytes(), bytes(buf, 4));
        } finally {
            ring.close();
            if (accepted >= 0) Sockets.close(accepted);
            if (client >= 0) Sockets.close(client);
            Sockets.close(listener);
        }
    }

    @Test
    void multishotAcceptTakesEachOfManyConnectionsExactlyOnce() throws Exception {
        final int clients = 200;
        int listener = Sockets.listenLoopback(512, false);
        List<Integer> clientFds = new ArrayList<>();
        List<Integer> acceptedFds = new ArrayList<>();
        try {
            ring.accept(listener, Sockets.SOCK_CLOEXEC, true, 10);
            int port = Sockets.localPort(listener);
            for (int i = 0; i < clients; i++) {
                int c = Sockets.connectLoopback(port);
                clientFds.add(c);
                Sockets.writeFully(c, ByteBuffer.allocate(4).putInt(i).array());
                if (i % 25 == 0) {
                    ring.poll(0, rec);
                }
            }
            rec.pollUntil(ring, () -> rec.count(10) >= clients, clients + " accepts");
            List<Done> ds = rec.of(10);
            for (Done d : ds) {
                assertTrue(d.result() >= 0, d::toString);
                assertTrue(Completion.hasMore(d.flags()), () -> "multishot accept still armed, so MORE: " + d);
                acceptedFds.add(d.result());
            }
            assertEquals(clients, new HashSet<>(acceptedFds).size(), "distinct descriptors");

            // Each connection arrives exactly once: every client's index is read exactly once.
            Set<Integer> indexes = new HashSet<>();
            for (int fd : acceptedFds) {
                byte[] b = Sockets.read(fd, 4); // blocking socket, the 4 bytes were sent before
                assertEquals(4, b.length);
                int index = ByteBuffer.wrap(b).getInt();
                assertTrue(indexes.add(index), "client " + index + " accepted twice");
            }
            assertEquals(clients, indexes.size());

            ring.cancel(10);
            Done last = rec.awaitFinal(ring, 10);
            assertEquals(-Errno.ECANCELED, last.result(), last::toString);
            assertFalse(last.more());
            assertEquals(clients + 1, rec.count(10));
        } finally {
            ring.close();
            for (int fd : acceptedFds) Sockets.close(fd);
            for (int fd : clientFds) Sockets.close(fd);
            Sockets.close(listener);
        }
    }

    /** The file status flags of {@code fd} (O_NONBLOCK, and O_CLOEXEC as Linux reports it), in octal in fdinfo. */
    static int fdinfoFlags(int fd) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) {
                return Integer.parseInt(line.substring(6).trim(), 8);
            }
        }
        throw new AssertionError("no flags in fdinfo of " + fd);
    }
}
