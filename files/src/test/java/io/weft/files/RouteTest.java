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
}
