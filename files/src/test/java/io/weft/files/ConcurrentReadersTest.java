package io.weft.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.testkit.LeakCheck;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * 1,000 virtual threads reading random 4 KiB blocks of one 8 MiB file through one channel at
 * once, every byte checked; then the same with a close in the middle, where each read either
 * returns the right bytes or fails as a closed channel should. No descriptor and no native
 * memory may be left behind (LeakCheck, {@link OpenFiles}).
 */
@ExtendWith(LeakCheck.class)
class ConcurrentReadersTest {
    private static final int READERS = 1000;
    private static final int BLOCK = 4096;
    private static final int BLOCKS = 2048;

    @TempDir
    Path dir;

    @AfterAll
    static void closeSchedulers() {
        Where.closeSchedulers();
    }

    private Path file(byte[] data) throws Exception {
        new Random(11).nextBytes(data);
        return Files.write(dir.resolve("blocks"), data);
    }

    @ParameterizedTest
    @EnumSource(value = Where.class, names = {"IO_URING", "EPOLL", "KQUEUE", "JDK_VIRTUAL"})
    void everyByteOfEveryBlock(Where where) throws Exception {
        byte[] data = new byte[BLOCK * BLOCKS];
        Path p = file(data);
        long start = System.nanoTime();
        try (WeftFileChannel ch = WeftFiles.open(p)) {
            List<CompletableFuture<Integer>> readers = new ArrayList<>();
            for (int i = 0; i < READERS; i++) {
                long seed = i;
                readers.add(where.start(() -> readBlocks(ch, data, seed, 8)));
            }
            int checked = 0;
            for (CompletableFuture<Integer> r : readers) checked += r.get(120, TimeUnit.SECONDS);
            assertEquals(READERS * 8, checked);
        }
        System.out.printf("%s: %d readers x 8 blocks of 4 KiB in %d ms%n", where, READERS,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        OpenFiles.assertNoneLeftUnder(dir);
    }

    @ParameterizedTest
    @EnumSource(value = Where.class, names = {"IO_URING", "EPOLL", "KQUEUE", "JDK_VIRTUAL"})
    void closeInTheMiddle(Where where) throws Exception {
        byte[] data = new byte[BLOCK * BLOCKS];
        Path p = file(data);
        WeftFileChannel ch = WeftFiles.open(p);
        AtomicInteger closedSeen = new AtomicInteger();
        List<CompletableFuture<Integer>> readers = new ArrayList<>();
        for (int i = 0; i < READERS; i++) {
            long seed = i;
            readers.add(where.start(() -> {
                try {
                    return readBlocks(ch, data, seed, 50);
                } catch (ClosedChannelException e) { // AsynchronousCloseException included
                    closedSeen.incrementAndGet();
                    return 0;
                }
            }));
        }
        Thread.sleep(20);
        ch.close();
        for (CompletableFuture<Integer> r : readers) r.get(120, TimeUnit.SECONDS); // wrong bytes would throw
        assertTrue(closedSeen.get() > 0, "some readers saw the close");
        // Pool calls abandoned by their readers still hold the descriptor until a pool thread
        // takes each from the queue (and skips it) or its pread returns.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (ch.holds() > 0 && System.nanoTime() < deadline) Thread.sleep(5);
        assertEquals(0, ch.holds());
        OpenFiles.assertNoneLeftUnder(dir);
    }

    /** Reads {@code n} random blocks, heap and direct buffers in turn, and checks each byte. */
    private static int readBlocks(WeftFileChannel ch, byte[] data, long seed, int n) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            int block = random.nextInt(BLOCKS);
            ByteBuffer b = (i & 1) == 0 ? ByteBuffer.allocate(BLOCK) : ByteBuffer.allocateDirect(BLOCK);
            while (b.hasRemaining()) {
                int r = ch.read(b, (long) block * BLOCK + b.position());
                if (r < 0) throw new AssertionError("end of file inside the file");
            }
            b.flip();
            for (int j = 0; j < BLOCK; j++) {
                if (b.get(j) != data[block * BLOCK + j]) {
                    throw new AssertionError("block " + block + " byte " + j + " differs");
                }
            }
        }
        return n;
    }
}
