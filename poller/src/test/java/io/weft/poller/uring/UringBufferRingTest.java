package io.weft.poller.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.weft.poller.BufferRing;
import io.weft.poller.Completion;
import io.weft.poller.sys.Errno;
import io.weft.poller.sys.Libc;
import io.weft.poller.sys.Sockets;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.Loopback;
import io.weft.poller.testkit.Recorder;
import io.weft.poller.testkit.Recorder.Done;
import java.io.ByteArrayOutputStream;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** RECV from a provided buffer ring: the kernel picks buffers, runs dry with -ENOBUFS, resumes after recycling. */
@ExtendWith(LeakCheck.class)
class UringBufferRingTest extends UringTestBase {

    @Test
    void aNewRingHasEveryBufferGivenToTheKernel() throws Exception {
        BufferRing br = ring.registerBufferRing(3, 16, 512);
        assertEquals(3, br.groupId());
        assertEquals(16, br.count());
        assertEquals(512, br.bufferSize());
        assertEquals(16, br.available());
        assertEquals(512, br.buffer(15).byteSize());
    }

    @Test
    void singleShotRecvNamesTheBufferItFilled() throws Exception {
        BufferRing br = ring.registerBufferRing(1, 4, 256);
        try (Loopback lb = afterRing(Loopback.open())) {
            Sockets.writeFully(lb.client(), "provided".getBytes());
            ring.recv(lb.server(), br, false, 1);
            Done d = rec.awaitOnly(ring, 1);
            assertEquals(8, d.result(), d::toString);
            assertTrue(Completion.hasBuffer(d.flags()), d::toString);
            assertFalse(d.more());
            int id = Completion.bufferId(d.flags());
            assertArrayEquals("provided".getBytes(), bytes(br.buffer(id), 8));
            assertEquals(3, br.available());
            br.recycle(id);
            assertEquals(4, br.available());
        }
    }

    @Test
    void multishotRecvRunsTheRingDryThenResumesAfterRecyclingWithEveryByteInOrder() throws Exception {
        final int count = 8;
        final int size = 1024;
        BufferRing br = ring.registerBufferRing(7, count, size);
        byte[] data = random(20_000, 7);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try (Loopback lb = afterRing(Loopback.open())) {
            Sockets.writeFully(lb.client(), data);
            assertEquals(0, Libc.shutdown(lb.client(), Sockets.SHUT_WR));

            // Phase 1: nothing recycled, so after `count` buffers the ring is dry.
            ring.recv(lb.server(), br, true, 100);
            rec.pollUntil(ring, () -> rec.hasFinal(100), "the multishot recv to run out of buffers");
            List<Done> first = rec.of(100);
            Done last = first.get(first.size() - 1);
            assertEquals(-Errno.ENOBUFS, last.result(), () -> "expected the ring to run dry: " + first);
            assertFalse(last.more());
            List<Done> chunks = first.subList(0, first.size() - 1);
            assertEquals(count, chunks.size(), () -> "one completion per buffer: " + first);
            BitSet ids = new BitSet();
            for (Done d : chunks) {
                assertTrue(d.result() > 0, d::toString);
                assertTrue(Completion.hasBuffer(d.flags()), d::toString);
                assertTrue(d.more(), () -> "not the last, so MORE: " + d);
                int id = Completion.bufferId(d.flags());
                assertFalse(ids.get(id), () -> "buffer handed out twice: " + d);
                ids.set(id);
                got.writeBytes(bytes(br.buffer(id), d.result()));
            }
            assertEquals(0, br.available());
            ids.stream().forEach(br::recycle);
            assertEquals(count, br.available());

            // Phase 2: recycle each buffer as soon as its bytes are copied; resubmit after -ENOBUFS.
            boolean[] eof = {false};
            int rounds = 0;
            while (!eof[0]) {
                assertTrue(++rounds < 50, "still not at end of stream after 50 submissions; got " + got.size());
                long token = 100 + rounds;
                boolean[] done = {false};
                ring.recv(lb.server(), br, true, token);
                long deadline = System.nanoTime() + 5_000 * MS;
                while (!done[0]) {
                    if (System.nanoTime() > deadline) fail("no final completion for token " + token);
                    ring.poll(100 * MS, (t, result, flags) -> {
                        assertEquals(token, t);
                        if (Completion.hasBuffer(flags)) {
                            int id = Completion.bufferId(flags);
                            if (result > 0) got.writeBytes(bytes(br.buffer(id), result));
                            br.recycle(id);
                        }
                        if (!Completion.hasMore(flags)) {
                            done[0] = true;
                            if (result == 0) {
                                eof[0] = true;
                            } else if (result != -Errno.ENOBUFS) {
                                fail("final completion " + Recorder.describe(result));
                            }
                        } else if (result <= 0) {
                            fail("a non-final completion with " + Recorder.describe(result));
                        }
                    });
                }
            }
            assertEquals(data.length, got.size());
            assertArrayEquals(data, got.toByteArray());
            assertEquals(count, br.available(), "every buffer is back with the kernel");
        }
    }

    @Test
    void aLimitedMultishotRecvEndsByItselfOnceItHasReceivedItsTotal() throws Exception {
        final int size = 1024;
        BufferRing br = ring.registerBufferRing(5, 64, size);
        byte[] data = random(20_000, 11);
        try (Loopback lb = afterRing(Loopback.open())) {
            Sockets.writeFully(lb.client(), data);
            ring.recvMultishot(lb.server(), br, 3000, 200);
            rec.pollUntil(ring, () -> rec.hasFinal(200), "the limited multishot recv to end");
            List<Done> done = rec.of(200);
            Done last = done.get(done.size() - 1);
            if (last.result() == -Errno.EINVAL && done.size() == 1) {
                org.junit.jupiter.api.Assumptions.abort("this kernel has no multishot receive limit (Linux 6.17+)");
            }
            int total = 0;
            for (Done d : done) {
                assertTrue(d.result() > 0 && Completion.hasBuffer(d.flags()), d::toString);
                total += d.result();
                br.recycle(Completion.bufferId(d.flags()));
            }
            assertFalse(last.more(), "it ends by itself, without a cancel");
            assertTrue(total >= 3000 && total < 3000 + size, "received " + total + " for a limit of 3000");
            assertTrue(Sockets.available(lb.server()) > 0, "the rest stays in the socket");
        }
    }

    @Test
    void aRingSizeThatIsNotAPowerOfTwoIsRefusedClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ring.registerBufferRing(2, 3, 1024));
        assertTrue(e.getMessage().contains("3"), e::getMessage);
    }
}
