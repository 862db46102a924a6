package io.weft.poller.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.weft.poller.sys.Errno;
import io.weft.poller.sys.Sockets;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.Loopback;
import io.weft.poller.testkit.Recorder;
import io.weft.poller.testkit.Recorder.Done;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** SEND and RECV move bytes exactly, short transfers resumed; RECV says 0 at end of stream. */
@ExtendWith(LeakCheck.class)
class UringRecvSendTest extends UringTestBase {
    private static final long SEND = 1;
    private static final long RECV = 2;
    private static final int MSG_PEEK = 2;

    @Test
    void sendAndRecvTransferAMegabyteByteForByte() throws Exception {
        byte[] data = random(1 << 20, 42);
        MemorySegment src = bufferOf(data);
        MemorySegment dst = buffer(data.length);
        try (Loopback lb = afterRing(Loopback.open())) {
            long[] sent = {0};
            long[] received = {0};
            boolean[] sending = {false};
            boolean[] receiving = {false};
            long deadline = System.nanoTime() + 10_000 * MS;
            while (received[0] < data.length) {
                if (!sending[0] && sent[0] < data.length) {
                    ring.send(lb.client(), src.asSlice(sent[0]), 0, SEND);
                    sending[0] = true;
                }
                if (!receiving[0]) {
                    ring.recv(lb.server(), dst.asSlice(received[0]), 0, RECV);
                    receiving[0] = true;
                }
                if (System.nanoTime() > deadline) {
                    fail("sent " + sent[0] + ", received " + received[0] + " of " + data.length + " after 10 s");
                }
                ring.poll(100 * MS, (token, result, flags) -> {
                    if (result <= 0) {
                        fail("token " + token + " completed with " + Recorder.describe(result));
                    }
                    if (token == SEND) {
                        sent[0] += result;
                        sending[0] = false;
                    } else if (token == RECV) {
                        received[0] += result;
                        receiving[0] = false;
                    } else {
                        fail("unexpected token " + token);
                    }
                });
            }
            assertEquals(data.length, sent[0]);
            assertEquals(data.length, received[0]);
            assertArrayEquals(data, bytes(dst, data.length));
        }
    }

    @Test
    void recvReturnsZeroAtEndOfStream() throws Exception {
        MemorySegment buf = buffer(32);
        try (Loopback lb = afterRing(Loopback.open())) {
            ring.recv(lb.server(), buf, 0, 3);
            ring.poll(0, rec);
            lb.closeClient();
            Done d = rec.awaitOnly(ring, 3);
            assertEquals(0, d.result(), d::toString);
        }
    }

    @Test
    void recvPassesMessageFlags() throws Exception {
        MemorySegment peek = buffer(32);
        MemorySegment take = buffer(32);
        try (Loopback lb = afterRing(Loopback.open())) {
            Sockets.writeFully(lb.client(), "peekaboo".getBytes());
            ring.recv(lb.server(), peek, MSG_PEEK, 4);
            Done p = rec.awaitOnly(ring, 4);
            assertEquals(8, p.result(), p::toString);
            ring.recv(lb.server(), take, 0, 5);
            Done t = rec.awaitOnly(ring, 5);
            assertEquals(8, t.result(), "MSG_PEEK left the data in the socket: " + t);
            assertArrayEquals("peekaboo".getBytes(), bytes(peek, 8));
            assertArrayEquals("peekaboo".getBytes(), bytes(take, 8));
        }
    }

    @Test
    void sendToAClosedPeerFailsWithoutKillingTheProcess() throws Exception {
        MemorySegment buf = bufferOf(new byte[4096]);
        try (Loopback lb = afterRing(Loopback.open())) {
            lb.closeClient();
            // The first sends may still succeed (the peer answers with RST); keep sending until one fails.
            int result = 1;
            for (int i = 0; i < 20 && result > 0; i++) {
                ring.send(lb.server(), buf, 0, 100 + i);
                result = rec.awaitOnly(ring, 100 + i).result();
            }
            assertTrue(result < 0, "sending to a closed peer kept succeeding: " + rec.all());
            int r = result;
            assertTrue(r == -Errno.EPIPE || r == -Errno.ECONNRESET,
                    () -> "expected -EPIPE or -ECONNRESET, got " + Recorder.describe(r));
        }
    }
}
