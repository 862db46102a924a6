package io.weft.files;

import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.Backend;
import io.weft.poller.testkit.KqueueTesting;
import io.weft.poller.testkit.LeakCheck;
import io.weft.scheduler.WeftScheduler;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * With one carrier, a virtual thread blocked in a slow file operation (opening a FIFO that
 * nobody has opened for writing, then reading it before anything is written) must not stop
 * another virtual thread on the same carrier, on any backend (io_uring: ring operations; epoll
 * and kqueue: the blocking pool). The JDK's own FileChannel, on the same set-up, does stop it:
 * that control shows the test can see pinning. Opening a FIFO for reading blocks until a writer
 * opens it on every POSIX system, so this runs on macOS and FreeBSD too.
 */
@ExtendWith(LeakCheck.class)
class NoPinningTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aBlockedFileOperationLeavesTheCarrierFree(Backend backend) throws Exception {
        KqueueTesting.assumeRuns(backend);
        Path fifo = Fifos.make(dir.resolve("fifo"));
        try (WeftScheduler weft = Where.start(backend, 1)) {
            CompletableFuture<String> slow = new CompletableFuture<>();
            CountDownLatch opened = new CountDownLatch(1);
            weft.startVirtualThread(() -> {
                try (WeftFileChannel ch = WeftFiles.open(fifo, READ)) { // blocks: no writer yet
                    opened.countDown();
                    ByteBuffer b = ByteBuffer.allocate(5);
                    while (b.hasRemaining() && ch.read(b) >= 0) { } // blocks: nothing written yet
                    slow.complete(new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII));
                } catch (Throwable t) {
                    slow.completeExceptionally(t);
                }
            });
            assertTrue(otherThreadRuns(weft), "the other virtual thread ran while the open blocked");
            assertFalse(slow.isDone());
            try (FileChannel writer = FileChannel.open(fifo, WRITE)) { // lets the open finish
                assertTrue(opened.await(5, TimeUnit.SECONDS));
                assertTrue(otherThreadRuns(weft), "the other virtual thread ran while the read blocked");
                assertFalse(slow.isDone());
                writer.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
            }
            assertEquals("hello", slow.get(5, TimeUnit.SECONDS));
        }
        OpenFiles.assertNoneLeftUnder(dir);
    }

    /**
     * The control: the JDK's FileChannel opening a FIFO on a one-carrier Weft scheduler pins it
     * (io_uring on Linux, kqueue elsewhere: the pinning is the JDK's, whatever the backend).
     */
    @Test
    void theJdksFileChannelPinsTheCarrier() throws Exception {
        Path fifo = Fifos.make(dir.resolve("fifo"));
        try (WeftScheduler weft = Where.start(KqueueTesting.isLinux() ? Backend.IO_URING : Backend.KQUEUE, 1)) {
            CountDownLatch done = new CountDownLatch(1);
            weft.startVirtualThread(() -> {
                try (FileChannel ch = FileChannel.open(fifo, READ)) { // blocks the carrier itself
                    done.countDown();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(100);
            assertFalse(otherThreadRuns(weft), "the JDK's open pins the only carrier");
            try (FileChannel writer = FileChannel.open(fifo, WRITE)) {
                assertTrue(done.await(5, TimeUnit.SECONDS));
            }
        }
    }

    /** Whether a new virtual thread on {@code weft} runs 20 sleeps of 1 ms within 2 s. */
    private static boolean otherThreadRuns(WeftScheduler weft) throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        weft.startVirtualThread(() -> {
            try {
                for (int i = 0; i < 20; i++) Thread.sleep(1);
                ran.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return ran.await(2, TimeUnit.SECONDS);
    }
}
