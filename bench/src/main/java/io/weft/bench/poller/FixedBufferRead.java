package io.weft.bench.poller;

import io.weft.poller.CompletionHandler;
import io.weft.poller.CompletionPoller;
import io.weft.poller.sys.NativeMemory;
import io.weft.poller.sys.Sockets;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reads of a file block that is in the page cache, on one io_uring ring: {@code READ} into a
 * plain native buffer against {@code READ_FIXED} into a registered one (the kernel skips
 * pinning and unpinning the buffer's pages per read), and {@code READ_FIXED} on a registered
 * file as well (it also skips the file-table lookup and reference count). Per read: every
 * invocation queues {@code batch} reads of consecutive blocks, then polls until all completed
 * (so {@code batch=1} is one {@code io_uring_enter} per read).
 *
 * <p>No JDK baseline: the JDK has no asynchronous file read on a ring; what is measured is the
 * price of an unregistered buffer. Results in docs/architecture.md ("io_uring beyond sockets").
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(FixedBufferRead.OPS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FixedBufferRead {
    /** Reads per invocation: a multiple of every batch size. */
    static final int OPS = 16;

    @Param({"4096", "65536"})
    public int blockSize;

    /** Reads per system-call round trip. */
    @Param({"1", "16"})
    public int batch;

    private Path file;
    private int fd = -1;
    private CompletionPoller ring;
    private MemorySegment buffer;
    private int completed;
    private long wrong;
    private int lastWrongResult;

    private final CompletionHandler done = (token, result, flags) -> {
        completed++;
        if (result != blockSize) {
            wrong++;
            lastWrongResult = result;
        }
    };

    @Setup(Level.Trial)
    public void open() throws IOException {
        if (OPS % batch != 0) {
            throw new IllegalArgumentException("batch=" + batch + ": must divide " + OPS);
        }
        byte[] data = new byte[blockSize * batch];
        new Random(1).nextBytes(data);
        file = Files.createTempFile("weft-fixed-read", ".bin");
        Files.write(file, data); // and so into the page cache
        fd = RawFiles.openReadOnly(file);
        ring = SubmitComplete.openRing();
        buffer = NativeMemory.allocatePages((long) blockSize * batch);
        ring.registerBuffers(buffer);
        ring.registerFiles(1);
        ring.registerFile(0, fd);
    }

    @Benchmark
    public int read() throws IOException {
        return rounds(false, fd);
    }

    @Benchmark
    public int readFixed() throws IOException {
        return rounds(true, fd);
    }

    @Benchmark
    public int readFixedOnRegisteredFile() throws IOException {
        return rounds(true, CompletionPoller.fixedFile(0));
    }

    private int rounds(boolean fixed, int file) throws IOException {
        for (int r = 0; r < OPS / batch; r++) {
            completed = 0;
            for (int i = 0; i < batch; i++) {
                MemorySegment block = buffer.asSlice((long) i * blockSize, blockSize);
                if (fixed) {
                    ring.readFixed(file, block, (long) i * blockSize, 0, i);
                } else {
                    ring.read(file, block, (long) i * blockSize, i);
                }
            }
            while (completed < batch) {
                ring.poll(-1, done);
            }
        }
        return completed;
    }

    @TearDown(Level.Iteration)
    public void verify() {
        if (wrong != 0) {
            throw new IllegalStateException(wrong + " reads did not return a whole block; last result " + lastWrongResult);
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        if (ring != null) {
            ring.close(); // unregisters the buffer and the file
            ring = null;
        }
        if (buffer != null) {
            NativeMemory.unmap(buffer);
            buffer = null;
        }
        if (fd >= 0) {
            Sockets.close(fd);
            fd = -1;
        }
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }
}
