package io.weft.files;

import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.testkit.LeakCheck;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Closing a channel while reads are blocked in it, and interrupting a reader, from each kind of
 * virtual thread: the readers get {@link AsynchronousCloseException} (the interrupted one
 * {@link ClosedByInterruptException}, the channel closed) as with the JDK's FileChannel, and the
 * descriptor is closed once, after the last operation on it ended. The reads are of a FIFO that
 * the channel itself holds open for writing, so they block until data comes.
 *
 * <p>On the ring the cancelled read ends at once and the descriptor is closed with it. On the
 * pool the abandoned {@code read(2)} keeps its pool thread, and the descriptor open, until it
 * returns: the test then writes a byte to let it return, and the descriptor closes.
 *
 * <p>The FIFO tests are Linux-only ({@link #assumeFifoTestsRun}): they open the FIFO read-write,
 * which POSIX leaves undefined, and count descriptors in {@code /proc/self/fd}. Their kqueue row
 * runs on Linux with libkqueue ({@code -Dweft.kqueue.library}), through the same blocking pool
 * as epoll's.
 */
@ExtendWith(LeakCheck.class)
class CloseWhileReadingTest {
    @TempDir
    Path dir;

    @AfterAll
    static void closeSchedulers() {
        Where.closeSchedulers();
    }

    /** Skips a FIFO test off Linux, saying why (see the class comment). */
    private static void assumeFifoTestsRun() {
        Assumptions.assumeTrue(OpenFiles.countable(), "Linux only: opens a FIFO read-write (undefined by POSIX) and "
                + OpenFiles.NOT_COUNTABLE);
    }

    @ParameterizedTest
    @EnumSource(value = Where.class, names = {"IO_URING", "EPOLL", "KQUEUE", "JDK_VIRTUAL"})
    void closeEndsEveryBlockedRead(Where where) throws Exception {
        assumeFifoTestsRun();
        where.assumeRuns();
        Path fifo = Fifos.make(dir.resolve("fifo"));
        WeftFileChannel ch = where.call(() -> WeftFiles.open(fifo, READ, WRITE)); // O_RDWR: never blocks
        List<CompletableFuture<Integer>> readers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            readers.add(where.start(() -> ch.read(ByteBuffer.allocate(16))));
        }
        awaitHolds(ch, 1); // the first reader is in its read; the others wait for the position lock
        Thread.sleep(50);
        ch.close();
        for (CompletableFuture<Integer> r : readers) {
            Throwable t = assertThrowsWithin(r);
            assertInstanceOf(AsynchronousCloseException.class, t);
        }
        if (where.route() == Route.RING) {
            assertEquals(0, OpenFiles.awaitUnder(dir, 0), "the cancelled read ended: the descriptor is closed");
        } else {
            // The pool thread is still in read(2); its hold keeps the number from being reused.
            assertEquals(1, OpenFiles.under(dir), "an abandoned pool read holds the descriptor");
            // read and write: Linux opens a FIFO so without waiting for a reader, and the abandoned
            // pool read may never have started (a call abandoned in the queue is skipped)
            try (FileChannel w = FileChannel.open(fifo, READ, WRITE)) {
                w.write(ByteBuffer.wrap(new byte[] {1}));
            }
            assertEquals(0, OpenFiles.awaitUnder(dir, 0), "the pool read returned: the descriptor is closed");
        }
        assertEquals(0, ch.holds());
    }

    @ParameterizedTest
    @EnumSource(value = Where.class, names = {"IO_URING", "EPOLL", "KQUEUE", "JDK_VIRTUAL"})
    void interruptClosesTheChannel(Where where) throws Exception {
        assumeFifoTestsRun();
        where.assumeRuns();
        Path fifo = Fifos.make(dir.resolve("fifo"));
        WeftFileChannel ch = where.call(() -> WeftFiles.open(fifo, READ, WRITE));
        Thread[] reader = new Thread[1];
        CompletableFuture<Boolean> stillInterrupted = new CompletableFuture<>();
        CompletableFuture<Integer> read = where.start(() -> {
            reader[0] = Thread.currentThread();
            try {
                return ch.read(ByteBuffer.allocate(16));
            } finally {
                stillInterrupted.complete(Thread.currentThread().isInterrupted());
            }
        });
        awaitHolds(ch, 1);
        reader[0].interrupt();
        assertInstanceOf(ClosedByInterruptException.class, assertThrowsWithin(read));
        assertTrue(stillInterrupted.get(5, TimeUnit.SECONDS), "the interrupt status stays set, as with the JDK");
        assertFalse(ch.isOpen());
        if (where.route() != Route.RING) {
            // read and write: Linux opens a FIFO so without waiting for a reader, and the abandoned
            // pool read may never have started (a call abandoned in the queue is skipped)
            try (FileChannel w = FileChannel.open(fifo, READ, WRITE)) {
                w.write(ByteBuffer.wrap(new byte[] {1}));
            }
        }
        assertEquals(0, OpenFiles.awaitUnder(dir, 0));
    }

    @ParameterizedTest
    @EnumSource(value = Where.class, names = {"IO_URING", "EPOLL", "KQUEUE", "JDK_VIRTUAL"})
    void anInterruptedThreadCannotUseAChannel(Where where) throws Exception {
        Path p = java.nio.file.Files.write(dir.resolve("f"), new byte[100]);
        Throwable t = assertThrowsWithin(where.start(() -> {
            try (WeftFileChannel ch = WeftFiles.open(p)) { // open ignores the interrupt, as the JDK's
                Thread.currentThread().interrupt();
                return ch.read(ByteBuffer.allocate(10));
            }
        }));
        assertInstanceOf(ClosedByInterruptException.class, t);
        OpenFiles.assertNoneLeftUnder(dir);
    }

    private static void awaitHolds(WeftFileChannel ch, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (ch.holds() < n) {
            if (System.nanoTime() > deadline) throw new AssertionError("no read started");
            Thread.sleep(5);
        }
    }

    private static Throwable assertThrowsWithin(CompletableFuture<?> f) throws Exception {
        try {
            Object v = f.get(5, TimeUnit.SECONDS);
            throw new AssertionError("expected an exception, got " + v);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }
}
