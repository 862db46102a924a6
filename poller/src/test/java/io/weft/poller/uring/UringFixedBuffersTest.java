package io.weft.poller.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void aSliceOutsideItsRegisteredBufferIsRefusedBeforeQueueing() throws Exception {
        MemorySegment b0 = buffer(4096);
        MemorySegment b1 = buffer(4096);
        MemorySegment elsewhere = buffer(4096);
        assertThrows(IllegalStateException.class, () -> ring.readFixed(0, b0, 0, 0, 1), "nothing registered yet");
        ring.registerBuffers(b0, b1);
        IllegalArgumentException wrongBuffer = assertThrows(IllegalArgumentException.class,
                () -> ring.readFixed(0, b1.asSlice(0, 16), 0, 0, 1));
        assertTrue(wrongBuffer.getMessage().contains("registered buffer 0"), wrongBuffer::getMessage);
        assertThrows(IllegalArgumentException.class, () -> ring.writeFixed(0, elsewhere, 0, 1, 2), "not registered at all");
        IllegalArgumentException badIndex = assertThrows(IllegalArgumentException.class,
                () -> ring.readFixed(0, b0, 0, 2, 3));
        assertTrue(badIndex.getMessage().contains("buffer index 2"), badIndex::getMessage);
        assertEquals(1, ((IoUringPoller) ring).inflight(), "nothing was queued: only the wake-up read is in flight");
    }

    @Test
    void unregisteringLetsAnotherSetBeRegistered() throws Exception {
        Path file = dir.resolve("again");
        int fd = NativeFiles.openReadWrite(file);
        afterRing(() -> Sockets.close(fd));
        ring.registerBuffers(buffer(4096));
        ring.unregisterBuffers();
        assertThrows(IllegalStateException.class, () -> ring.readFixed(fd, buffer(16), 0, 0, 1), "unregistered");
        assertThrows(IllegalStateException.class, () -> ring.unregisterBuffers(), "nothing left to unregister");

        MemorySegment second = buffer(8192);
        ring.registerBuffers(second);
        byte[] data = random(300, 5);
        MemorySegment.copy(data, 0, second, ValueLayout.JAVA_BYTE, 0, data.length);
        ring.writeFixed(fd, second.asSlice(0, data.length), 0, 0, 4);
        assertEquals(data.length, rec.awaitOnly(ring, 4).result());
        assertArrayEquals(data, Files.readAllBytes(file));
    }

    @Test
    void heapMemoryCannotBeRegistered() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ring.registerBuffers(MemorySegment.ofArray(new byte[4096])));
        assertTrue(e.getMessage().contains("heap"), e::getMessage);
    }

    @Test
    void bufferSlotsAreFilledReplacedAndEmptiedOneAtATime() throws Exception {
        Path file = dir.resolve("slots");
        int fd = NativeFiles.openReadWrite(file);
        afterRing(() -> Sockets.close(fd));
        ring.registerBufferSlots(4);
        assertThrows(IllegalArgumentException.class, () -> ring.readFixed(fd, buffer(16), 0, 2, 1), "slot 2 is empty");

        MemorySegment first = buffer(4096);
        ring.registerBuffer(2, first);
        byte[] data = random(1000, 9);
        MemorySegment.copy(data, 0, first, ValueLayout.JAVA_BYTE, 0, data.length);
        ring.writeFixed(fd, first.asSlice(0, data.length), 0, 2, 2);
        assertEquals(data.length, rec.awaitOnly(ring, 2).result());

        MemorySegment second = buffer(4096);
        ring.registerBuffer(2, second); // replaces the first in slot 2
        assertThrows(IllegalArgumentException.class, () -> ring.readFixed(fd, first, 0, 2, 3), "the old buffer is gone from the slot");
        ring.readFixed(fd, second.asSlice(100, data.length), 0, 2, 4);
        assertEquals(data.length, rec.awaitOnly(ring, 4).result());
        assertArrayEquals(data, second.asSlice(100, data.length).toArray(ValueLayout.JAVA_BYTE));

        ring.registerBuffer(2, null);
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> ring.readFixed(fd, second, 0, 2, 5));
        assertTrue(empty.getMessage().contains("empty"), empty::getMessage);
        assertThrows(IllegalArgumentException.class, () -> ring.registerBuffer(4, second), "slot 4 of 0-3");
        assertThrows(IllegalStateException.class, () -> ring.registerBuffers(second), "slots are registered already");
        ring.unregisterBuffers();
        assertThrows(IllegalStateException.class, () -> ring.registerBuffer(0, second), "no slots after unregistering");
    }
}
