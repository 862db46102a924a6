package io.weft.bench.files;

import com.sun.nio.file.ExtendedOpenOption;
import io.weft.bench.Host;
import io.weft.bench.TextTable;
import io.weft.files.WeftFiles;
import io.weft.files.WeftOpenOption;
import io.weft.poller.Backend;
import io.weft.poller.PollerConfig;
import io.weft.scheduler.SchedulerConfig;
import io.weft.scheduler.WeftScheduler;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadFactory;

/**
 * {@code ./weft bench files}: random 4 KiB reads of one file by {@code --threads} threads at
 * once, for each cache mode (cold: O_DIRECT; hot: page cache) and each {@link FilesTarget} in
 * turn (the order rotates from mode to mode), all in this JVM, one row after the other. Prints
 * reads per second and latency percentiles with ratios to the JDK's FileChannel on the JDK's
 * virtual threads measured in the same run, and writes the Files section of docs/benchmarks.md
 * with a PNG chart. See {@link FilesBenchOptions#USAGE}.
 *
 * <p>One JVM for every row (unlike the echo benchmark's JVM per server): there is no server and
 * no load generator to keep apart, the rows never run at the same time, and each row's own
 * threads, channel and (for Weft) scheduler are made for it and closed after it.
 */
public final class FilesBench {
    private final FilesBenchOptions opts;
    private final PrintStream out;

    FilesBench(FilesBenchOptions opts, PrintStream out) {
        this.opts = opts;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        FilesBenchOptions opts;
        try {
            opts = FilesBenchOptions.parse(args);
        } catch (FilesBenchOptions.HelpRequested h) {
            System.out.print(FilesBenchOptions.USAGE);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("weft bench files: " + e.getMessage() + "\n\n" + FilesBenchOptions.USAGE);
            System.exit(2);
            return;
        }
        System.setProperty("java.awt.headless", "true");
        FilesReport report = new FilesBench(opts, System.out).run();
        if (opts.docs() != null) report.writeDocs(opts.docs(), System.out);
        System.exit(report.anyFailed() ? 1 : 0);
    }

    /** Makes the file, measures every row, prints the report and deletes the file. */
    FilesReport run() throws IOException, InterruptedException {
        long started = System.nanoTime();
        Host host = Host.describe();
        out.printf(Locale.ROOT, "weft bench files: %s; %s threads, random %d B reads of a %s file in %s;"
                        + " %s s warm-up + %s s measured per row%n",
                String.join(", ", opts.targets().stream().map(t -> t.key).toList()), TextTable.thousands(opts.threads()),
                FilesBenchOptions.BLOCK, FilesReport.bytes(opts.fileBytes()), opts.dir(), FilesReport.trim(opts.warmup()),
                FilesReport.trim(opts.seconds()));
        out.printf(Locale.ROOT, "Machine: %d CPUs (%s), %s, %s, %s; load average %s%n", host.cpus(), host.cpuModel(),
                host.memory(), host.kernel(), host.jdk(), host.loadAtStart());
        List<FilesRun> runs = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String fileSystem = FileSystemInfo.describe(opts.dir());
        out.println("File system: " + fileSystem);
        out.println("Writing the file...");
        try (BenchFile file = BenchFile.create(opts.dir(), opts.fileBytes())) {
            int modeIndex = 0;
            for (CacheMode mode : opts.modes()) {
                if (mode == CacheMode.DIRECT) {
                    String refused = file.directIoRefused();
                    if (refused != null) {
                        notes.add("cold rows skipped: " + refused + "; only the page-cached rows were measured"
                                + " (use --dir on a disk file system for O_DIRECT)");
                        out.println("Skipping O_DIRECT: " + refused);
                        modeIndex++;
                        continue;
                    }
                } else {
                    file.warmPageCache();
                }
                List<FilesTarget> order = new ArrayList<>(opts.targets());
                Collections.rotate(order, -(modeIndex++ % order.size()));
                for (FilesTarget target : order) {
                    FilesRun r = measure(target, mode, file);
                    runs.add(r);
                    print(r);
                }
            }
        }
        FilesReport report = new FilesReport(opts, host, fileSystem, runs, notes,
                Duration.ofNanos(System.nanoTime() - started));
        out.println();
        out.print(report.text());
        return report;
    }

    private void print(FilesRun r) {
        if (!r.ok() && r.measured() == null) {
            out.printf(Locale.ROOT, "%s, %s: FAILED: %s%n", r.mode().key, r.target().key, r.note());
            return;
        }
        out.printf(Locale.ROOT, "%s, %s: %s reads/s, p50 %.0f µs, p99 %.0f µs%s%n", r.mode().key, r.target().key,
                TextTable.thousands(r.measured().readsPerSecond()), r.micros(50), r.micros(99),
                r.ok() ? "" : " (FAILED: " + FilesReport.problems(r) + ")");
    }

    private FilesRun measure(FilesTarget target, CacheMode mode, BenchFile file) throws InterruptedException {
        WeftScheduler weft = null;
        String threads = "?";
        try {
            ThreadFactory factory;
            switch (target) {
                case WEFT_RING, WEFT_EPOLL -> {
                    Backend backend = target == FilesTarget.WEFT_RING ? Backend.IO_URING : Backend.EPOLL;
                    SchedulerConfig config = SchedulerConfig.fromSystemProperties()
                            .withPoller(PollerConfig.fromSystemProperties().withBackend(backend));
                    weft = WeftScheduler.start(config);
                    threads = "Weft virtual threads on " + config.carriers() + " " + weft.pollerBackend().configName() + " carriers"
                            + (target == FilesTarget.WEFT_EPOLL ? ", reads on the blocking pool (weft.files.blockingThreads "
                            + System.getProperty("weft.files.blockingThreads", "16") + ")" : "");
                    if (weft.pollerBackend() != backend) {
                        return FilesRun.failed(target, mode, threads, "the scheduler fell back to " + weft.pollerBackend().configName());
                    }
                    factory = weft.threadFactory();
                }
                case JDK_VIRTUAL -> {
                    threads = "JDK virtual threads on the default scheduler (parallelism "
                            + System.getProperty("jdk.virtualThreadScheduler.parallelism",
                            Integer.toString(Runtime.getRuntime().availableProcessors())) + ")";
                    factory = Thread.ofVirtual().name("jdk-reader-", 0).factory();
                }
                case PLATFORM -> {
                    threads = opts.threads() + " platform threads";
                    // Small stacks: the readers need little, and 1,000 default stacks is a lot of address space.
                    factory = Thread.ofPlatform().name("platform-reader-", 0).daemon().stackSize(256 << 10).factory();
                }
                default -> throw new IllegalStateException(target.toString());
            }
            try (FileChannel ch = open(target, mode, file)) {
                RandomReads.Measured m = RandomReads.run(ch, file.blocks(), factory, opts.threads(), opts.warmup(),
                        opts.seconds());
                FilesRun r = new FilesRun(target, mode, m, threads, "");
                return r.ok() ? r : new FilesRun(target, mode, m, threads, FilesReport.problems(r));
            }
        } catch (IOException | RuntimeException e) {
            return FilesRun.failed(target, mode, threads, e.toString());
        } finally {
            if (weft != null) weft.close();
        }
    }

    /** The channel every reader of the row shares: the JDK's or Weft's, with O_DIRECT when cold. */
    private static FileChannel open(FilesTarget target, CacheMode mode, BenchFile file) throws IOException {
        List<OpenOption> options = new ArrayList<>(List.of(StandardOpenOption.READ));
        if (mode == CacheMode.DIRECT) options.add(target.weftFiles() ? WeftOpenOption.DIRECT : ExtendedOpenOption.DIRECT);
        OpenOption[] o = options.toArray(OpenOption[]::new);
        return target.weftFiles() ? WeftFiles.open(file.path(), o) : FileChannel.open(file.path(), o);
    }
}
