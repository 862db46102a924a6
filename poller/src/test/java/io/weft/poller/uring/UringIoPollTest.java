package io.weft.poller.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.sys.Errno;
import io.weft.poller.sys.NativeMemory;
import io.weft.poller.sys.Sockets;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.NativeFiles;
import io.weft.poller.testkit.Recorder;
import io.weft.poller.testkit.Recorder.Done;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link IoPollRing}: O_DIRECT reads with polled completions, where the file system can; and
 * what an IOPOLL ring refuses. Whether polled I/O works is found out honestly, by trying it: a
 * read that completes with {@code -EOPNOTSUPP} or {@code -EINVAL} means this file system (or
 * device) cannot, and the test is skipped saying which file system that was.
 */
@ExtendWith(LeakCheck.class)
class UringIoPollTest {
    private static final int BLOCK = 4096;

    @TempDir
    Path dir;

    private final Recorder rec = new Recorder();

    @Test
    void anODirectReadCompletesByPolling() throws Exception {
        byte[] data = new byte[4 * BLOCK];
        new Random(5).nextBytes(data);
        Path file = Files.write(dir.resolve("polled"), data);
        String fs = Files.getFileStore(dir).type() + " on " + Files.getFileStore(dir).name() + ioPoll(Files.getFileStore(dir).name());
        int fd = NativeFiles.open(file, NativeFiles.O_RDONLY | NativeFiles.O_DIRECT | NativeFiles.O_CLOEXEC, 0);
        MemorySegment buf = NativeMemory.allocatePages(2 * BLOCK); // O_DIRECT: block-aligned memory
        try {
            try (IoPollRing ring = IoPollRing.open(8)) {
                ring.read(fd, buf, BLOCK, 1);
                ring.read(fd, buf.asSlice(BLOCK, BLOCK), 3L * BLOCK, 2);
                assertEquals(2, ring.reap(2, rec));
                assertEquals(0, ring.inflight());
                Done first = rec.only(1);
                Assumptions.assumeFalse(first.result() == -Errno.EOPNOTSUPP || first.result() == -Errno.EINVAL,
                        () -> "polled O_DIRECT reads are not supported on " + dir + " (" + fs + "): "
                                + Recorder.describe(first.result()));
                assertEquals(BLOCK, first.result(), first::toString);
                assertEquals(BLOCK, rec.only(2).result(), () -> rec.only(2).toString());
                assertArrayEquals(java.util.Arrays.copyOfRange(data, BLOCK, 2 * BLOCK),
                        buf.asSlice(0, BLOCK).toArray(ValueLayout.JAVA_BYTE));
                assertArrayEquals(java.util.Arrays.copyOfRange(data, 3 * BLOCK, 4 * BLOCK),
                        buf.asSlice(BLOCK, BLOCK).toArray(ValueLayout.JAVA_BYTE));
            }
        } finally {
            NativeMemory.unmap(buf);
            Sockets.close(fd);
        }
    }

    /**
     * The block device's {@code queue/io_poll} (1: it has poll queues), for the skip message:
     * a device without them refuses polled reads on Linux 6.11+ (virtio-blk without
     * {@code poll_queues}, the usual case in a VM).
     */
    private static String ioPoll(String device) {
        Path flag = Path.of("/sys/block", Path.of(device).getFileName().toString(), "queue", "io_poll");
        try {
            return ", queue/io_poll=" + Files.readString(flag).trim();
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }

    @Test
    void anIoPollRingRefusesWhatCannotBePolled() throws Exception {
        Path file = Files.write(dir.resolve("buffered"), new byte[BLOCK]);
        int buffered = NativeFiles.open(file, NativeFiles.O_RDONLY | NativeFiles.O_CLOEXEC, 0);
        int[] pipe = Sockets.pipe(false);
        MemorySegment buf = NativeMemory.allocatePages(BLOCK);
        try {
            try (IoPollRing ring = IoPollRing.open(4)) {
                ring.read(buffered, buf, 0, 1); // not O_DIRECT
                ring.read(pipe[0], buf, 0, 2);  // no polled I/O at all (nor have sockets)
                assertEquals(2, ring.reap(2, rec));
                for (long t = 1; t <= 2; t++) {
                    Done d = rec.only(t);
                    assertTrue(d.result() == -Errno.EOPNOTSUPP || d.result() == -Errno.EINVAL, d::toString);
                }
                assertThrows(IllegalArgumentException.class, () -> ring.reap(1, rec), "nothing in flight to wait for");
            }
        } finally {
            NativeMemory.unmap(buf);
            Sockets.close(buffered);
            Sockets.close(pipe[0]);
            Sockets.close(pipe[1]);
        }
    }
}
