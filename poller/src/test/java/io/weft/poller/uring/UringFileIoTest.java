package io.weft.poller.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weft.poller.sys.Sockets;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.NativeFiles;
import io.weft.poller.testkit.Recorder.Done;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** READ and WRITE: on a pipe (offset -1), and on a file at an offset and at the current position. */
@ExtendWith(LeakCheck.class)
class UringFileIoTest extends UringTestBase {

    @TempDir
    Path dir;

    @Test
    void writeThenReadThroughAPipe() throws Exception {
        byte[] data = "through the pipe".getBytes();
        int[] pipe = Sockets.pipe(false);
        afterRing(() -> {
            Sockets.close(pipe[0]);
            Sockets.close(pipe[1]);
        });
        MemorySegment dst = buffer(64);
        ring.read(pipe[0], dst, -1, 2); // waits for the data
        ring.write(pipe[1], bufferOf(data), -1, 1);
        rec.pollUntil(ring, () -> rec.size() == 2, "read and write");
        assertEquals(data.length, rec.only(1).result());
        assertEquals(data.length, rec.only(2).result());
        assertArrayEquals(data, bytes(dst, data.length));
    }

    @Test
    void writeAndReadAtAnOffsetOfAFile() throws Exception {
        Path file = dir.resolve("at-offset");
        int fd = NativeFiles.openReadWrite(file);
        afterRing(() -> Sockets.close(fd));
        byte[] data = random(3000, 3);
        Done w = submitAndWait(() -> ring.write(fd, bufferOf(data), 8192, 1), 1);
        assertEquals(data.length, w.result(), w::toString);

        MemorySegment dst = buffer(data.length);
        Done r = submitAndWait(() -> ring.read(fd, dst, 8192, 2), 2);
        assertEquals(data.length, r.result(), r::toString);
        assertArrayEquals(data, bytes(dst, data.length));

        byte[] onDisk = Files.readAllBytes(file);
        assertEquals(8192 + data.length, onDisk.length);
        assertArrayEquals(new byte[8192], Arrays.copyOf(onDisk, 8192), "a hole before the offset");
        assertArrayEquals(data, Arrays.copyOfRange(onDisk, 8192, onDisk.length));

        Done eof = submitAndWait(() -> ring.read(fd, buffer(16), 1 << 20, 3), 3);
        assertEquals(0, eof.result(), "a read past the end: " + eof);
    }

    @Test
    void offsetMinusOneUsesAndAdvancesTheFilePosition() throws Exception {
        Path file = dir.resolve("position");
        int fd = NativeFiles.openReadWrite(file);
        afterRing(() -> Sockets.close(fd));
        assertEquals(3, submitAndWait(() -> ring.write(fd, bufferOf("abc".getBytes()), -1, 1), 1).result());
        assertEquals(3, submitAndWait(() -> ring.write(fd, bufferOf("def".getBytes()), -1, 2), 2).result());
        // A positioned write does not move the position...
        assertEquals(1, submitAndWait(() -> ring.write(fd, bufferOf("X".getBytes()), 0, 3), 3).result());
        assertEquals(3, submitAndWait(() -> ring.write(fd, bufferOf("ghi".getBytes()), -1, 4), 4).result());
        assertEquals("Xbcdefghi", Files.readString(file));
    }

    interface Submit {
        void run() throws Exception;
    }

    private Done submitAndWait(Submit submit, long token) throws Exception {
        submit.run();
        return rec.awaitOnly(ring, token);
    }
}
