package io.weft.bench.echo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The command line of {@code ./weft bench echo}.
 *
 * @param quick        the short validation run
 * @param impls        the servers compared, in the report's order
 * @param connections  connection counts
 * @param sizes        message sizes in bytes
 * @param warmupSec    seconds of load before the measured window of each cell
 * @param durationSec  seconds of the measured window
 * @param loadThreads  the load generator's selector threads (0: one per CPU, at most one per connection)
 * @param docsDir      where benchmarks.md and echo-bench.png are written; {@code null}: nowhere
 */
record EchoOptions(boolean quick, List<Impl> impls, List<Integer> connections, List<Integer> sizes, double warmupSec,
                   double durationSec, int loadThreads, Path docsDir) {

    static final String USAGE = """
            usage: weft bench echo [--quick] [options]

            A thread-per-connection echo server on Weft io_uring (completion and readiness mode)
            and Weft epoll, on the JDK's default virtual threads and on platform threads, and
            Netty's epoll and io_uring transports, each in a process of its own, loaded over
            127.0.0.1 by a closed-loop load generator (another process). Prints requests per
            second, p50 and p99 latency and the server's CPU time, with ratios to the JDK's
            virtual threads from the same run, and writes the Echo section of docs/benchmarks.md
            and docs/echo-bench.png.

              --quick              1 and 100 connections, 64-byte messages, 1 s warm-up and 1 s
                                   measured per cell; writes no docs unless --docs is given
                                   (about a minute)
              --impls LIST         any of %s
                                   (default: all)
              --connections LIST   connection counts (default 1,100,1000,10000)
              --sizes LIST         message sizes in bytes, at least 8 (default 64,4096)
              --duration S         seconds measured per cell (default 10)
              --warmup S           seconds of load before that (default 5)
              --load-threads N     the load generator's threads (default: one per CPU)
              --docs DIR           write DIR/benchmarks.md (Echo section) and DIR/echo-bench.png
                                   (default: docs, except with --quick)
              --no-docs            write nothing
            """.formatted(String.join(",", Impl.keys().split(", ")));

    /** A bad command line; a null message means "print the usage and stop". */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    static EchoOptions parse(String[] args) {
        boolean quick = false;
        List<Impl> impls = null;
        List<Integer> connections = null;
        List<Integer> sizes = null;
        Double warmup = null;
        Double duration = null;
        int loadThreads = 0;
        Path docs = null;
        boolean noDocs = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-h", "--help" -> throw new UsageException(null);
                case "--quick" -> quick = true;
                case "--no-docs" -> noDocs = true;
                default -> {
                    if (i + 1 >= args.length) throw new UsageException(a.startsWith("--") ? a + " needs a value" : "unknown argument " + a);
                    String v = args[++i];
                    switch (a) {
                        case "--impls" -> impls = impls(v);
                        case "--connections" -> connections = ints(a, v, 1, 1_000_000);
                        case "--sizes" -> sizes = ints(a, v, Long.BYTES, 1 << 24);
                        case "--duration" -> duration = seconds(a, v, false);
                        case "--warmup" -> warmup = seconds(a, v, true);
                        case "--load-threads" -> loadThreads = ints(a, v, 1, 1024).get(0);
                        case "--docs" -> docs = Path.of(v);
                        default -> throw new UsageException("unknown option " + a);
                    }
                }
            }
        }
        if (impls == null) impls = List.of(Impl.values());
        if (connections == null) connections = quick ? List.of(1, 100) : List.of(1, 100, 1000, 10_000);
        if (sizes == null) sizes = quick ? List.of(64) : List.of(64, 4096);
        if (warmup == null) warmup = quick ? 1.0 : 5.0;
        if (duration == null) duration = quick ? 1.0 : 10.0;
        Path docsDir = noDocs ? null : docs != null ? docs : quick ? null : Path.of("docs");
        return new EchoOptions(quick, impls, connections, sizes, warmup, duration, loadThreads, docsDir);
    }

    int cells() {
        return impls.size() * connections.size() * sizes.size();
    }

    private static List<Impl> impls(String v) {
        LinkedHashSet<Impl> set = new LinkedHashSet<>();
        for (String s : v.split(",")) {
            if (s.isBlank()) continue;
            try {
                set.add(Impl.parse(s));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        if (set.isEmpty()) throw new UsageException("--impls names none");
        // The report's order, whatever the command line's.
        return List.of(Impl.values()).stream().filter(set::contains).toList();
    }

    private static List<Integer> ints(String option, String v, int min, int max) {
        List<Integer> out = new ArrayList<>();
        for (String s : v.split(",")) {
            if (s.isBlank()) continue;
            int n;
            try {
                n = Integer.parseInt(s.strip().replace("_", ""));
            } catch (NumberFormatException e) {
                throw new UsageException(option + ": not a number: " + s);
            }
            if (n < min || n > max) throw new UsageException(option + ": " + n + " is not from " + min + " to " + max);
            if (!out.contains(n)) out.add(n);
        }
        if (out.isEmpty()) throw new UsageException(option + " names none");
        return List.copyOf(out);
    }

    private static double seconds(String option, String v, boolean zeroOk) {
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException(option + ": not a number of seconds: " + v);
        }
        if (d < 0 || (!zeroOk && d == 0) || d > 3600) throw new UsageException(option + ": " + v + " seconds is out of range");
        return d;
    }
}
