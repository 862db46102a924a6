package io.weft.poller.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.sys.Errno;
import io.weft.poller.sys.FileSyscalls;
import io.weft.poller.sys.Sockets;
import io.weft.poller.sys.StatLayout;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.Recorder.Done;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** OPENAT, STATX and FSYNC as the files module uses them: results as the system calls give them (UringSupportsTest checks the probe). */
@ExtendWith(LeakCheck.class)
class UringOpenStatxFsyncTest extends UringTestBase {

    @TempDir
    Path dir;

    private MemorySegment path(Path p) {
        byte[] b = p.toString().getBytes(StandardCharsets.UTF_8);
        MemorySegment s = buffer(b.length + 1);
        MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, 0, b.length);
        s.set(ValueLayout.JAVA_BYTE, b.length, (byte) 0);
        return s;
    }

    @Test
    void openStatFsyncAndFailures() throws Exception {
        Path file = dir.resolve("made-by-openat");
        MemorySegment name = path(file);
        ring.openat(FileSyscalls.AT_FDCWD, name,
                FileSyscalls.O_CREAT | FileSyscalls.O_EXCL | FileSyscalls.O_RDWR | FileSyscalls.O_CLOEXEC, 0640, 1);
        Done open = rec.awaitOnly(ring, 1);
        int fd = open.result();
        assertTrue(fd >= 0, open::toString);
        afterRing(() -> Sockets.close(fd));
        assertTrue(Files.exists(file));

        ring.write(fd, bufferOf(new byte[1234]), 0, 2);
        assertEquals(1234, rec.awaitOnly(ring, 2).result());
        ring.fsync(fd, false, 3);
        assertEquals(0, rec.awaitOnly(ring, 3).result());
        ring.fsync(fd, true, 4);
        assertEquals(0, rec.awaitOnly(ring, 4).result());

        MemorySegment statx = buffer(FileSyscalls.STATX_SIZE);
        ring.statx(fd, path(Path.of("")), FileSyscalls.AT_EMPTY_PATH, FileSyscalls.STATX_BASIC_STATS, statx, 5);
        assertEquals(0, rec.awaitOnly(ring, 5).result());
        assertEquals(1234, StatLayout.LINUX_STATX.fileSize(statx));
        int mode = StatLayout.LINUX_STATX.mode(statx);
        assertEquals(0100000, mode & 0170000, "a regular file");
        assertEquals(0, mode & 0777 & ~0640, "no permission beyond the mode asked for (the umask may take some)");

        ring.openat(FileSyscalls.AT_FDCWD, name, FileSyscalls.O_CREAT | FileSyscalls.O_EXCL | FileSyscalls.O_WRONLY, 0600, 6);
        assertEquals(-Errno.EEXIST, rec.awaitOnly(ring, 6).result());
        ring.statx(FileSyscalls.AT_FDCWD, path(dir.resolve("missing")), 0, FileSyscalls.STATX_BASIC_STATS, statx, 7);
        assertEquals(-Errno.ENOENT, rec.awaitOnly(ring, 7).result());
    }
}
