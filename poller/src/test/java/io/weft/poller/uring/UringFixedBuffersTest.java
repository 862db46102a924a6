package io.weft.poller.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.weft.poller.sys.Sockets;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.NativeFiles;
import io.weft.poller.testkit.Recorder.Done;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** READ_FIXED / WRITE_FIXED from slices of registered buffers. */
@ExtendWith(LeakCheck.class)
class UringFixedBuffersTest extends UringTestBase {

    @TempDir
    Path dir;

    @Test
    void writeFixedThenReadFixedThroughAFile() throws Exception {
        Path file = dir.resolve("fixed");
        int fd = NativeFiles.openReadWrite(file);
        afterRing(() -> Sockets.close(fd));
        MemorySegment b0 = buffer(4096);
        MemorySegment b1 = buffer(8192);
        ring.registerBuffers(b0, b1);

        byte[] data = random(2000, 11);
        MemorySegment.copy(data, 0, b1, ValueLayout.JAVA_BYTE, 100, data.length);
        ring.writeFixed(fd, b1.asSlice(100, data.length), 512, 1, 1);
        Done w = rec.awaitOnly(ring, 1);
        assertEquals(data.length, w.result(), w::toString);

        ring.readFixed(fd, b0.asSlice(1000, data.length), 512, 0, 2);
        Done r = rec.awaitOnly(ring, 2);
        assertEquals(data.length, r.result(), r::toString);
        assertArrayEquals(data, b0.asSlice(1000, data.length).toArray(ValueLayout.JAVA_BYTE));
        assertArrayEquals(new byte[1000], b0.asSlice(0, 1000).toArray(ValueLayout.JAVA_BYTE), "nothing written before the slice");

        byte[] onDisk = Files.readAllBytes(file);
        assertArrayEquals(data, Arrays.copyOfRange(onDisk, 512, onDisk.length));
    }

    @Test
    void buffersRegisterOncePerPoller() throws Exception {
        ring.registerBuffers(buffer(4096));
        Exception e = assertThrows(Exception.class, () -> ring.registerBuffers(buffer(4096)));
        assertEquals(true, e instanceof IllegalStateException || e instanceof IOException, e::toString);
    }
}
