package io.weft.files;

import static java.nio.file.StandardOpenOption.READ;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weft.poller.Backend;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.Pinned;
import io.weft.scheduler.WeftScheduler;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * WeftFiles used by a virtual thread pinned to its carrier (inside a class initializer, under an
 * FFM upcall), with one carrier. Its calls take the same route as an unpinned thread's: on
 * io_uring the ring, where the pinned thread's park parks the carrier, the only thread that may
 * reap that ring; the scheduler's pinned watch kicks it and the thread then drives its carrier
 * itself. Before that (and with {@code weft.scheduler.pinnedWatchMillis=0}) it hung.
 */
@ExtendWith(LeakCheck.class)
class PinnedFilesTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void aReadInAClassInitializerCompletes(Backend backend) throws Exception {
        readPinned(backend, "in a class initializer", Pinned::inClassInitializer);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void aReadUnderAnFfmUpcallCompletes(Backend backend) throws Exception {
        readPinned(backend, "under an FFM upcall", Pinned::underNativeFrame);
    }

    private interface Pinning {
        String run(Callable<String> body) throws Exception;
    }

    private void readPinned(Backend backend, String where, Pinning pinning) throws Exception {
        Path p = Files.writeString(dir.resolve("data"), "hello pinned");
        try (WeftScheduler weft = Where.start(backend, 1)) {
            String got = onWeft(weft, "a WeftFiles open, read and close " + where,
                    () -> pinning.run(() -> readAndRoute(p)));
            assertEquals("hello pinned " + unpinnedRoute(backend), got);
            assertEquals("hello pinned " + unpinnedRoute(backend), onWeft(weft, "a read after the pinned one",
                    () -> readAndRoute(p)));
        }
        assertEquals(0, OpenFiles.awaitUnder(dir, 0));
    }

    /** Where an ordinary (not pinned) Weft virtual thread's read goes on {@code backend}. */
    private static Route unpinnedRoute(Backend backend) {
        return backend == Backend.IO_URING ? Route.RING : Route.POOL;
    }

    /** Opens, reads and closes {@code p} with WeftFiles; its text and the route a read takes here. */
    private static String readAndRoute(Path p) throws Exception {
        Route route = Route.of(io.weft.poller.CompletionPoller.OP_READ);
        try (WeftFileChannel ch = WeftFiles.open(p, READ)) {
            ByteBuffer b = ByteBuffer.allocate(100);
            while (ch.read(b) > 0) { }
            return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII) + " " + route;
        }
    }

    /** Runs {@code body} on a Weft virtual thread; fails, rather than hanging the build, after 10 s. */
    private static <T> T onWeft(WeftScheduler weft, String what, Callable<T> body) throws Exception {
        return Pinned.runOn(weft::startVirtualThread, what, body, weft::stats);
    }
}
