package io.weft.files;

import static java.nio.file.StandardOpenOption.READ;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.weft.poller.Backend;
import io.weft.poller.testkit.LeakCheck;
import io.weft.poller.testkit.Pinned;
import io.weft.scheduler.WeftScheduler;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * WeftFiles used by a virtual thread pinned to its carrier (inside a class initializer),
 * with one carrier. A pinned thread's calls take {@link Route#DIRECT}, as a
 * platform thread's. Before the fix, on io_uring, its open went to the carrier's ring and the
 * thread parked, which parked the carrier, the only thread that may reap that ring: it hung.
 */
@ExtendWith(LeakCheck.class)
class PinnedFilesTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL"})
    void aReadInAClassInitializerCompletes(Backend backend) throws Exception {
        Path p = Files.writeString(dir.resolve("data"), "hello pinned");
        try (WeftScheduler weft = Where.start(backend, 1)) {
            long poolCallsBefore = BlockingPool.callsMade();
            String got = onWeft(weft, "a WeftFiles read in a class initializer",
                    () -> Pinned.inClassInitializer(() -> readAndRoute(p)));
            assertEquals("hello pinned DIRECT", got);
            assertEquals(poolCallsBefore, BlockingPool.callsMade(), "no call went to the pool");
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
        CompletableFuture<T> f = new CompletableFuture<>();
        weft.startVirtualThread(() -> {
            try {
                f.complete(body.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return fail(what + " did not complete within 10 s: the pinned thread parked its carrier, which then"
                    + " never reaped its ring again (" + weft.stats() + ")");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) throw x;
            if (e.getCause() instanceof Error x) throw x;
            throw e;
        }
    }
}
