package io.weft.bench.files;

import io.weft.bench.ProcStat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * One row's load: {@code threads} threads made by one factory, all reading random blocks of one
 * shared channel with positional reads, each in a closed loop (one read in flight per thread),
 * through a warm-up and then a measured window. Only reads that start inside the window are
 * counted and timed; every read is checked (a whole block, the block asked for).
 */
final class RandomReads {
    private static final int WARMUP = 0;
    private static final int MEASURE = 1;
    private static final int STOP = 2;
    /** How long the readers may take to start, and to notice the end and return (a read in flight finishes first). */
    private static final long JOIN_SECONDS = 60;

    private final FileChannel channel;
    private final long blocks;
    private volatile int phase = WARMUP;
    private final ConcurrentLinkedQueue<Reader> finished = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Throwable> firstError = new AtomicReference<>();

    private RandomReads(FileChannel channel, long blocks) {
        this.channel = channel;
        this.blocks = blocks;
    }

    /** Runs the load and returns what the measured window saw. */
    static Measured run(FileChannel channel, long blocks, ThreadFactory threads, int count, double warmupSeconds,
                        double seconds) throws InterruptedException {
        return new RandomReads(channel, blocks).run(threads, count, warmupSeconds, seconds);
    }

    /**
     * The measured window's figures.
     *
     * @param reads      reads that started in the window and completed
     * @param nanos      the window's length
     * @param latency    every counted read's time, in nanoseconds
     * @param cpuSeconds this process's CPU time over the window (user + system, all its threads)
     * @param wrong      reads that returned fewer bytes than a block or another block's bytes
     * @param unfinished readers that had not returned {@link #JOIN_SECONDS} after the end
     * @param error      the first exception a reader met (it stopped there), or null
     */
    record Measured(long reads, long nanos, Histogram latency, double cpuSeconds, long wrong, int unfinished,
                    Throwable error) {
        double readsPerSecond() {
            return reads * 1e9 / nanos;
        }
    }

    private Measured run(ThreadFactory factory, int count, double warmupSeconds, double seconds)
            throws InterruptedException {
        CountDownLatch started = new CountDownLatch(count);
        List<Thread> threads = new ArrayList<>(count);
        long pid = ProcessHandle.current().pid();
        try {
            for (int i = 0; i < count; i++) {
                Reader r = new Reader(i, started);
                Thread t = factory.newThread(r);
                threads.add(t);
                t.start();
            }
            if (!started.await(JOIN_SECONDS, TimeUnit.SECONDS)) {
                // Readers that keep their carriers (a read that never parks) can starve the rest.
                throw new IllegalStateException("only " + (count - started.getCount()) + " of " + count
                        + " readers had started after " + JOIN_SECONDS + " s");
            }
            sleep(warmupSeconds);
            double cpu0 = ProcStat.cpuSeconds(pid);
            long t0 = System.nanoTime();
            phase = MEASURE;
            sleep(seconds);
            phase = STOP;
            long t1 = System.nanoTime();
            double cpu1 = ProcStat.cpuSeconds(pid);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(JOIN_SECONDS);
            int unfinished = 0;
            for (Thread t : threads) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !t.join(java.time.Duration.ofNanos(left))) unfinished++;
            }
            Histogram all = newHistogram();
            long reads = 0;
            long wrong = 0;
            for (Reader r : finished) {
                all.add(r.latency);
                reads += r.reads;
                wrong += r.wrong;
            }
            return new Measured(reads, t1 - t0, all, cpu1 - cpu0, wrong, unfinished, firstError.get());
        } finally {
            phase = STOP; // also after an interrupt: the readers end by themselves
        }
    }

    private static void sleep(double seconds) throws InterruptedException {
        Thread.sleep(Math.round(seconds * 1000));
    }

    /**
     * 0.1 µs (a page-cache hit takes about 1 µs) to 100 s at 2 significant digits: about 30 KiB,
     * small enough for one per thread.
     */
    private static Histogram newHistogram() {
        return new Histogram(100, 100_000_000_000L, 2);
    }

    /** One thread's closed loop; its own buffer, random sequence and histogram. */
    private final class Reader implements Runnable {
        private final SplittableRandom random;
        private final CountDownLatch started;
        final Histogram latency = newHistogram();
        long reads;
        long wrong;

        Reader(int index, CountDownLatch started) {
            this.random = new SplittableRandom(0x5eed_f11e_0000L + index);
            this.started = started;
        }

        @Override
        public void run() {
            // Aligned and direct: what O_DIRECT needs, and no copy through a temporary buffer anywhere.
            ByteBuffer block = BenchFile.alignedBlock();
            started.countDown();
            try {
                for (int p; (p = phase) != STOP; ) {
                    long index = random.nextLong(blocks);
                    block.clear();
                    long start = System.nanoTime();
                    int n = channel.read(block, index * FilesBenchOptions.BLOCK);
                    long took = System.nanoTime() - start;
                    if (p != MEASURE) continue;
                    reads++;
                    latency.recordValue(Math.min(took, latency.getHighestTrackableValue()));
                    if (n != FilesBenchOptions.BLOCK || block.getLong(0) != index) wrong++;
                }
            } catch (IOException | RuntimeException e) {
                firstError.compareAndSet(null, e);
            } finally {
                finished.add(this);
            }
        }
    }
}
