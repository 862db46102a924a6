package io.weft.files;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.sys.FileSyscalls;
import io.weft.poller.testkit.LeakCheck;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link WeftOpenOption#DIRECT}: aligned transfers bypass the page cache, heap buffers bounce
 * through aligned memory (Linux, FreeBSD); where the system has no {@code O_DIRECT} (macOS) the
 * open is refused, naming the option and the system, and creates nothing.
 */
@ExtendWith(LeakCheck.class)
class DirectIoTest {
    @TempDir
    Path dir;

    @AfterAll
    static void closeSchedulers() {
        Where.closeSchedulers();
    }

    @ParameterizedTest
    @EnumSource(Where.class)
    void alignedTransfers(Where where) throws Exception {
        Assumptions.assumeTrue(FileSyscalls.O_DIRECT != FileSyscalls.UNSUPPORTED,
                "no O_DIRECT on " + OpenFlags.systemName() + ": refusedWhereTheSystemHasNoDirectIo checks the refusal");
        where.assumeRuns();
        Path p = dir.resolve("direct");
        byte[] data = new byte[16384];
        new Random(3).nextBytes(data);
        try {
            WeftFiles.open(p, CREATE, WRITE, WeftOpenOption.DIRECT).close();
        } catch (FileSystemException e) {
            Assumptions.assumeTrue(false, "this file system refuses O_DIRECT: " + e.getMessage());
        }
        byte[] back = where.call(() -> {
            try (WeftFileChannel ch = WeftFiles.open(p, READ, WRITE, WeftOpenOption.DIRECT)) {
                ByteBuffer aligned = ByteBuffer.allocateDirect(2 * 8192).alignedSlice(4096);
                aligned.limit(8192).put(data, 0, 8192).flip();
                assertEquals(8192, ch.write(aligned, 0));       // in place
                assertEquals(8192, ch.write(ByteBuffer.wrap(data, 8192, 8192), 8192)); // page-aligned bounce
                ByteBuffer heap = ByteBuffer.allocate(16384);
                assertEquals(16384, ch.read(heap, 0));
                return heap.array();
            }
        });
        assertArrayEquals(data, back);
        assertArrayEquals(data, Files.readAllBytes(p));
    }

    @ParameterizedTest
    @EnumSource(Where.class)
    void refusedWhereTheSystemHasNoDirectIo(Where where) throws Exception {
        Assumptions.assumeTrue(FileSyscalls.O_DIRECT == FileSyscalls.UNSUPPORTED,
                OpenFlags.systemName() + " has O_DIRECT: alignedTransfers runs instead");
        Path p = dir.resolve("direct");
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> where.call(() -> WeftFiles.open(p, CREATE, WRITE, WeftOpenOption.DIRECT)));
        assertTrue(e.getMessage().startsWith("WeftOpenOption.DIRECT is not supported on " + OpenFlags.systemName()),
                e.getMessage());
        assertFalse(Files.exists(p), "refused before the open: nothing created");
    }
}
