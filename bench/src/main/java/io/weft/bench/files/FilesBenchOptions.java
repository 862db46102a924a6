package io.weft.bench.files;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * The files benchmark's command line.
 *
 * @param quick     short runs and a smaller file (a check that everything works, not figures)
 * @param seconds   measured seconds per row
 * @param warmup    unmeasured seconds per row before it, with the same threads reading
 * @param threads   concurrent readers (one thread each)
 * @param fileBytes the size of the file read, a multiple of {@link #BLOCK}
 * @param modes     cold (O_DIRECT) and/or hot (page cache), in this order
 * @param targets   the rows, in this order
 * @param dir       where the file is made (and deleted afterwards)
 * @param docs      where benchmarks.md is, or null to write nothing
 */
record FilesBenchOptions(boolean quick, double seconds, double warmup, int threads, long fileBytes,
                         List<CacheMode> modes, List<FilesTarget> targets, Path dir, Path docs) {

    /** Every read is one block at a block-aligned random offset (O_DIRECT needs the alignment). */
    static final int BLOCK = 4096;

    static final String USAGE = """
            Usage: ./weft bench files [--quick] [options]

            Random 4 KiB reads of one file by many threads at once, each a closed loop (one read
            in flight per thread), through WeftFiles on Weft io_uring carriers (the ring), the JDK's
            FileChannel on the JDK's default virtual threads (the baseline of every ratio), the
            JDK's FileChannel on platform threads, and WeftFiles on Weft epoll carriers (the
            blocking pool). Cold (O_DIRECT, when the file system takes it) and hot (page cache).
            Prints reads/s and latency percentiles and writes them into docs/benchmarks.md with a
            chart (docs/files-bench.png).

              --quick              2 s warm-up + 5 s measured per row, a 256 MiB file (about 1 min)
              --seconds S          measured seconds per row (default 15)
              --warmup S           warm-up seconds per row (default 5)
              --threads N          concurrent readers (default 1000)
              --file-size SIZE     the file read, e.g. 512m, 2g (default 2g; multiple of 4 KiB)
              --modes a,b          direct, cached (default both; direct is skipped with a note when
                                   the file system refuses O_DIRECT)
              --targets a,b        weft-ring, jdk-virtual, platform, weft-epoll (default all)
              --dir DIR            where the file is made and deleted (default /var/tmp: a disk,
                                   where /tmp may be a tmpfs, which has no O_DIRECT)
              --docs DIR           where benchmarks.md is (default docs)
              --no-docs            print only
            """;

    static FilesBenchOptions parse(String[] args) {
        boolean quick = List.of(args).contains("--quick");
        double seconds = quick ? 5 : 15;
        double warmup = quick ? 2 : 5;
        int threads = 1000;
        long fileBytes = quick ? 256L << 20 : 2L << 30;
        List<CacheMode> modes = List.of(CacheMode.values());
        List<FilesTarget> targets = List.of(FilesTarget.values());
        Path dir = Path.of("/var/tmp");
        Path docs = Path.of("docs");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> { }
                case "--seconds" -> seconds = positive(a, Double.parseDouble(value(args, ++i, a)));
                case "--warmup" -> warmup = notNegative(a, Double.parseDouble(value(args, ++i, a)));
                case "--threads" -> threads = (int) positive(a, Integer.parseInt(value(args, ++i, a)));
                case "--file-size" -> fileBytes = size(value(args, ++i, a));
                case "--modes" -> modes = keys(value(args, ++i, a), CacheMode::ofKey);
                case "--targets" -> targets = keys(value(args, ++i, a), FilesTarget::ofKey);
                case "--dir" -> dir = Path.of(value(args, ++i, a));
                case "--docs" -> docs = Path.of(value(args, ++i, a));
                case "--no-docs" -> docs = null;
                case "-h", "--help" -> throw new HelpRequested();
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        return new FilesBenchOptions(quick, seconds, warmup, threads, fileBytes, modes, targets, dir, docs);
    }

    /** 4096, 64k, 512m, 2g (binary units). */
    static long size(String v) {
        String s = v.strip().toLowerCase(Locale.ROOT);
        long unit = switch (s.isEmpty() ? ' ' : s.charAt(s.length() - 1)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1;
        };
        long n = Long.parseLong(unit == 1 ? s : s.substring(0, s.length() - 1)) * unit;
        if (n < BLOCK || n % BLOCK != 0) {
            throw new IllegalArgumentException("--file-size " + v + ": must be a positive multiple of " + BLOCK);
        }
        return n;
    }

    private static <T> List<T> keys(String csv, java.util.function.Function<String, T> of) {
        LinkedHashSet<T> set = new LinkedHashSet<>();
        for (String k : csv.split(",")) {
            if (!k.isBlank()) set.add(of.apply(k.strip()));
        }
        if (set.isEmpty()) throw new IllegalArgumentException("empty list: '" + csv + "'");
        return List.copyOf(new ArrayList<>(set));
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
        return args[i];
    }

    private static double positive(String option, double v) {
        if (!(v > 0)) throw new IllegalArgumentException(option + " must be positive: " + v);
        return v;
    }

    private static double notNegative(String option, double v) {
        if (v < 0) throw new IllegalArgumentException(option + " must not be negative: " + v);
        return v;
    }

    /** -h / --help. */
    static final class HelpRequested extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HelpRequested() {
            super(null, null, false, false);
        }
    }
}
