package io.weft.files;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.testkit.LeakCheck;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each call goes where docs/files.md says: on a Weft carrier with io_uring, open, read, write,
 * fsync, fdatasync, stat and close are ring operations and the blocking pool is never used; on
 * other virtual threads every call goes to the pool; a platform thread makes them itself.
 */
@ExtendWith(LeakCheck.class)
class RouteTest {
    @TempDir
    Path dir;

    @AfterAll
    static void closeSchedulers() {
        Where.closeSchedulers();
    }

    @ParameterizedTest
    @EnumSource(Where.class)
    void callsGoWhereTheDocsSay(Where where) throws Exception {
        Path p = dir.resolve("r");
        long before = BlockingPool.callsMade();
        Route seen = where.call(() -> {
            Route route = Route.of(io.weft.poller.CompletionPoller.OP_READ);
            try (WeftFileChannel ch = WeftFiles.open(p, CREATE, READ, WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[5000]));
                ch.read(ByteBuffer.allocate(100), 0);
                ch.force(true);
                ch.force(false);
                ch.size();
                WeftFiles.stat(p);
            }
            return route;
        });
        long poolCalls = BlockingPool.callsMade() - before;
        assertEquals(where.route(), seen);
        switch (where.route()) {
            // open, write, read, fsync, fdatasync, statx, statx, close
            case RING, DIRECT -> assertEquals(0, poolCalls, "no call went to the pool");
            case POOL -> assertEquals(8, poolCalls, "every call went to the pool");
        }
        assertTrue(BlockingPool.size() >= 1);
    }

    /**
     * On io_uring a read the page cache can answer is one {@code preadv2(RWF_NOWAIT)} on the
     * carrier, not a ring round trip; the bytes are the file's, at every offset and to the end.
     */
    @ParameterizedTest
    @EnumSource(Where.class)
    void cachedReadsSkipTheRing(Where where) throws Exception {
        Path p = dir.resolve("cached");
        byte[] data = new byte[3 * 4096 + 123];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 31);
        java.nio.file.Files.write(p, data); // just written: in the page cache
        long before = FileIo.cachedReads();
        byte[] got = where.call(() -> {
            try (WeftFileChannel ch = WeftFiles.open(p, READ)) {
                ByteBuffer heap = ByteBuffer.allocate(data.length + 10);
                while (ch.read(heap) > 0) { }
                ByteBuffer direct = ByteBuffer.allocateDirect(100);
                ch.read(direct, 4000); // positional, into a direct buffer in place
                assertEquals(-1, ch.read(ByteBuffer.allocate(10), data.length), "end of file");
                assertEquals(100, direct.position());
                for (int i = 0; i < 100; i++) assertEquals(data[4000 + i], direct.get(i), "byte " + (4000 + i));
                return java.util.Arrays.copyOf(heap.array(), heap.position());
            }
        });
        org.junit.jupiter.api.Assertions.assertArrayEquals(data, got);
        long cached = FileIo.cachedReads() - before;
        if (where.route() == Route.RING) {
            assertTrue(cached >= 3, "reads answered from the page cache: " + cached);
        } else {
            assertEquals(0, cached, "only ring reads ask the page cache first");
        }
    }
}
