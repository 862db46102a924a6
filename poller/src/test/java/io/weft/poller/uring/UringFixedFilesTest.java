package io.weft.poller.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.weft.poller.CompletionPoller;
import io.weft.poller.sys.Errno;
import io.weft.poller.sys.Sockets;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.Loopback;
import io.weft.poller.testkit.Recorder.Done;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Registered files: operations name a slot with fixedFile(slot); the slot holds its own reference. */
@ExtendWith(LeakCheck.class)
class UringFixedFilesTest extends UringTestBase {

    @Test
    void fixedFileEncodesTheSlot() {
        assertEquals(~0, CompletionPoller.fixedFile(0));
        assertEquals(~5, CompletionPoller.fixedFile(5));
        assertThrows(IllegalArgumentException.class, () -> CompletionPoller.fixedFile(-1));
    }

    @Test
    void aSlotKeepsTheFileOpenUntilEmptied() throws Exception {
        int[] pipe = Sockets.pipe(false);
        afterRing(() -> Sockets.close(pipe[0]));
        ring.registerFiles(4);
        ring.registerFile(2, pipe[1]);
        byte[] one = "one".getBytes();
        byte[] two = "two".getBytes();

        ring.write(CompletionPoller.fixedFile(2), bufferOf(one), -1, 1);
        Done w1 = rec.awaitOnly(ring, 1);
        assertEquals(3, w1.result(), w1::toString);
        assertArrayEquals(one, Sockets.read(pipe[0], 16));

        Sockets.close(pipe[1]); // the slot still holds the write end
        ring.write(CompletionPoller.fixedFile(2), bufferOf(two), -1, 2);
        Done w2 = rec.awaitOnly(ring, 2);
        assertEquals(3, w2.result(), () -> "write through the slot after closing the descriptor: " + w2);
        assertArrayEquals(two, Sockets.read(pipe[0], 16));

        ring.registerFile(2, -1); // empties the slot: the last reference to the write end goes
        ring.write(CompletionPoller.fixedFile(2), bufferOf(two), -1, 3);
        Done w3 = rec.awaitOnly(ring, 3);
        assertEquals(-Errno.EBADF, w3.result(), w3::toString);
        assertEquals(0, Sockets.read(pipe[0], 16).length, "end of stream once the slot let go");
    }

    @Test
    void aSocketInASlotWorksForRecv() throws Exception {
        try (Loopback lb = afterRing(Loopback.open())) {
            ring.registerFiles(1);
            ring.registerFile(0, lb.server());
            Sockets.writeFully(lb.client(), "slot zero".getBytes());
            MemorySegment buf = buffer(32);
            ring.recv(CompletionPoller.fixedFile(0), buf, 0, 4);
            Done d = rec.awaitOnly(ring, 4);
            assertEquals(9, d.result(), d::toString);
            assertArrayEquals("slot zero".getBytes(), bytes(buf, 9));
        }
    }

    @Test
    void closeFdOfASlotReleasesTheFile() throws Exception {
        int[] pipe = Sockets.pipe(false);
        afterRing(() -> Sockets.close(pipe[0]));
        ring.registerFiles(2);
        ring.registerFile(1, pipe[1]);
        Sockets.close(pipe[1]); // only the slot holds the write end now
        ring.closeFd(CompletionPoller.fixedFile(1), 7);
        Done d = rec.awaitOnly(ring, 7);
        assertEquals(0, d.result(), d::toString);
        assertEquals(0, Sockets.read(pipe[0], 16).length, "end of stream once the slot was closed");
    }
}
