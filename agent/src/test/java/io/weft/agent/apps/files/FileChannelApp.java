package io.weft.agent.apps.files;

import io.weft.agent.apps.AgentStatus;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An unmodified application's FileChannel use on virtual threads, printed so that a run without
 * the agent and one with {@code files=weft} can be compared line by line ({@code outcome
 * name=...}), plus the agent's counters ({@link AgentStatus}):
 * <ul>
 *   <li>{@code bytes}: 3 MiB written with relative and positional writes from heap and direct
 *       buffers, read back with relative and positional reads into both kinds of buffer; the
 *       digest of what was read, the positions, the size and the read at end of file;</li>
 *   <li>{@code fifo-read}: a read of a FIFO that blocks until another thread writes, while a
 *       second virtual thread ticks; prints whether it ticked while the read was blocked (with
 *       one carrier: whether the read pinned it) as {@code ticked-while-blocked};</li>
 *   <li>{@code class-initializer}: a FileChannel read inside a static initializer, where a
 *       virtual thread cannot unmount (with files=weft it must take the JDK's call, not park);</li>
 *   <li>{@code fifo-interrupt} / {@code fifo-close}: a thread blocked reading a FIFO is
 *       interrupted / its channel closed by another thread; data then arrives; the exception the
 *       reader got, its interrupt status and whether the channel is closed.</li>
 * </ul>
 */
public final class FileChannelApp {
    private static final int SIZE = 3 << 20;

    private FileChannelApp() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("weft-agent-files-");
        try {
            System.out.println("outcome bytes=" + onVirtualThread(() -> bytes(dir.resolve("data"))));
            dataFile = dir.resolve("data");
            System.out.println("outcome class-initializer=" + onVirtualThread(() -> "read " + ReadInInitializer.LENGTH));
            Path fifo = mkfifo(dir.resolve("fifo"));
            System.out.println("outcome fifo-read=" + fifoRead(fifo));
            System.out.println("ticked-while-blocked " + ticked);
            System.out.println("outcome fifo-interrupt=" + fifoStopped(fifo, true));
            System.out.println("outcome fifo-close=" + fifoStopped(fifo, false));
        } finally {
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        }
        AgentStatus.print();
    }

    interface Body {
        String run() throws Exception;
    }

    private static String onVirtualThread(Body body) throws Exception {
        CompletableFuture<String> r = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                r.complete(body.run());
            } catch (Throwable t) {
                r.complete("FAILED " + t);
            }
        });
        return r.get(60, TimeUnit.SECONDS);
    }

    private static String bytes(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        StringBuilder out = new StringBuilder();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            byte[] pattern = new byte[SIZE];
            for (int i = 0; i < SIZE; i++) pattern[i] = (byte) (i * 131 + (i >> 12));
            ByteBuffer heap = ByteBuffer.wrap(pattern, 0, SIZE / 2);
            while (heap.hasRemaining()) ch.write(heap);                        // relative, heap
            ByteBuffer direct = ByteBuffer.allocateDirect(SIZE / 2).put(pattern, SIZE / 2, SIZE / 2).flip();
            for (long at = SIZE / 2; direct.hasRemaining(); ) at += ch.write(direct, at); // positional, direct
            out.append("size ").append(ch.size()).append(" position-after-writes ").append(ch.position());
            ch.position(0);
            ByteBuffer block = ByteBuffer.allocate(4096);
            for (int n; (n = ch.read(block.clear())) > 0; ) digest.update(block.array(), 0, n); // relative, heap
            out.append(" position-after-reads ").append(ch.position());
            out.append(" eof ").append(ch.read(block.clear()));
            ByteBuffer dblock = ByteBuffer.allocateDirect(65536);
            for (long at = 0; ; ) {                                            // positional, direct
                int n = ch.read(dblock.clear(), at);
                if (n < 0) break;
                at += n;
                dblock.flip();
                byte[] b = new byte[n];
                dblock.get(b);
                digest.update(b);
            }
            out.append(" positional-eof ").append(ch.read(dblock.clear(), SIZE + 100));
            out.append(" position-kept ").append(ch.position());
        }
        return out.append(" sha256 ").append(HexFormat.of().formatHex(digest.digest())).toString();
    }

    private static Path mkfifo(Path p) throws Exception {
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        if (mk.waitFor() != 0) throw new IOException("mkfifo failed");
        return p;
    }

    private static volatile boolean ticked;
    private static volatile Path dataFile;

    /** Reads the data file in its static initializer: a pinned virtual thread's file read. */
    private static final class ReadInInitializer {
        static final long LENGTH;

        static {
            try (FileChannel ch = FileChannel.open(dataFile, StandardOpenOption.READ)) {
                ByteBuffer b = ByteBuffer.allocate(65536);
                long total = 0;
                for (int n; (n = ch.read(b.clear())) > 0; ) total += n;
                LENGTH = total;
            } catch (IOException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /**
     * A virtual thread reads the FIFO (opened read-write, so the open itself does not block)
     * until this thread writes to it; meanwhile another virtual thread counts. With one carrier,
     * a read that pinned it would stop the count.
     */
    private static String fifoRead(Path fifo) throws Exception {
        AtomicLong ticks = new AtomicLong();
        CompletableFuture<Void> blocked = new CompletableFuture<>();
        CompletableFuture<String> reader = new CompletableFuture<>();
        try (FileChannel ch = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Thread.ofVirtual().start(() -> {
                try {
                    ByteBuffer b = ByteBuffer.allocate(16);
                    blocked.complete(null);
                    int n = ch.read(b);
                    reader.complete("read " + n + " bytes: " + new String(b.array(), 0, n));
                } catch (Throwable t) {
                    reader.complete("FAILED " + t);
                }
            });
            blocked.get(30, TimeUnit.SECONDS);
            Thread.sleep(200); // the reader is in its read now (nothing to read: it waits)
            Thread ticker = Thread.ofVirtual().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    ticks.incrementAndGet();
                    Thread.yield();
                }
            });
            Thread.sleep(500);
            ticked = ticks.get() > 0 && !reader.isDone();
            try (FileOutputStream w = new FileOutputStream(fifo.toFile())) {
                w.write("hello".getBytes());
            }
            String r = reader.get(30, TimeUnit.SECONDS);
            ticker.interrupt();
            ticker.join();
            return r;
        }
    }

    /** As {@link #fifoRead}, but the reader is interrupted or its channel closed while it waits. */
    private static String fifoStopped(Path fifo, boolean interrupt) throws Exception {
        CompletableFuture<Void> blocked = new CompletableFuture<>();
        CompletableFuture<String> reader = new CompletableFuture<>();
        FileChannel ch = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
        Thread r = Thread.ofVirtual().start(() -> {
            try {
                blocked.complete(null);
                int n = ch.read(ByteBuffer.allocateDirect(16));
                reader.complete("read " + n + " bytes");
            } catch (AsynchronousCloseException e) { // ClosedByInterruptException is one
                reader.complete(e.getClass().getSimpleName() + " interrupted=" + Thread.currentThread().isInterrupted());
            } catch (Throwable t) {
                reader.complete("FAILED " + t);
            }
        });
        blocked.get(30, TimeUnit.SECONDS);
        Thread.sleep(200);
        // The JDK's close (also the one an interrupt makes) waits for a read in progress to
        // return before it closes the descriptor: on another thread, then data makes it return.
        Thread stopper = Thread.ofPlatform().start(() -> {
            try {
                if (interrupt) r.interrupt(); else ch.close();
            } catch (IOException e) {
                reader.complete("FAILED close " + e);
            }
        });
        Thread.sleep(300);
        try (FileOutputStream w = new FileOutputStream(fifo.toFile())) {
            w.write("late".getBytes());
        }
        String outcome = reader.get(30, TimeUnit.SECONDS);
        stopper.join(30_000);
        return outcome + " channel-open=" + ch.isOpen() + " stopper-done=" + !stopper.isAlive();
    }
}
