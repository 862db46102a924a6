package io.weft.bench.pooler;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * The command line of {@code ./weft bench pooler}. Every figure the run uses is here, so the
 * report can print them all.
 *
 * @param quick         the short validation run
 * @param durationSec   pgbench {@code -T} of each measured run
 * @param warmupSec     pgbench {@code -T} of the unmeasured run before each measured one (0: none)
 * @param clients       the client counts ({@code -c})
 * @param jobs          pgbench threads ({@code -j})
 * @param scale         {@code pgbench -i -s}
 * @param rounds        how often each cell is measured (the report gives the median)
 * @param pipeline      {@code session} or {@code transaction}, for the pooler and PgBouncer alike
 * @param poolSize      server connections per pool, the same for the pooler and PgBouncer
 * @param carriers      Weft carrier threads of the pooler (0: the scheduler's default, one per CPU)
 * @param targets       what pgbench goes through, in the report's column order
 * @param workloads     which pgbench workloads
 * @param docsDir       where benchmarks.md and pooler-bench.png are written; {@code null}: nowhere
 * @param install       may install PgBouncer with apt-get when it is missing
 */
record BenchOptions(
        boolean quick,
        int durationSec,
        int warmupSec,
        List<Integer> clients,
        int jobs,
        int scale,
        int rounds,
        String pipeline,
        int poolSize,
        int carriers,
        List<Target> targets,
        List<Workload> workloads,
        Path docsDir,
        boolean install) {

    static final String USAGE = """
            usage: weft bench pooler [--quick] [options]

            pgbench through PostgreSQL directly, the Weft pooler on io_uring, on epoll and on the
            JDK's virtual threads, and PgBouncer, one after the other in the same run; prints TPS
            and average latency with each pooler's ratio to PgBouncer, and writes the Pooler
            section of docs/benchmarks.md and docs/pooler-bench.png.

              --quick              3 s runs, 1 s warm-up, 10 and 50 clients; writes no docs
                                   unless --docs is given (about 2 minutes)
              --duration S         seconds of each measured pgbench run (default 20)
              --warmup S           seconds of the unmeasured run before each one (default 15)
              --clients LIST       client counts, comma-separated (default 10,50,200)
              --jobs N             pgbench threads, -j (default 2)
              --scale N            pgbench -i -s (default 10)
              --rounds N           measure every cell N times, interleaved; report the median (default 1)
              --pipeline P         session (default) or transaction, for the pooler and PgBouncer
              --pool-size N        server connections per pool for both poolers (default: the
                                   largest client count in session, 20 in transaction)
              --carriers N         Weft carrier threads (default 0: one per CPU)
              --targets LIST       any of direct,io_uring,epoll,jdk,pgbouncer (default: all of
                                   these) and io_uring-wait (the io_uring pooler with
                                   write_behind off: what write-behind is worth)
              --workloads LIST     any of select,tpcb (default: both)
              --docs DIR           write DIR/benchmarks.md (Pooler section) and DIR/pooler-bench.png
                                   (default: docs, except with --quick)
              --no-docs            write nothing
              --no-install         never run apt-get to install PgBouncer
            """;

    static BenchOptions parse(String[] args) {
        boolean quick = false;
        Integer duration = null;
        Integer warmup = null;
        List<Integer> clients = null;
        int jobs = 2;
        int scale = 10;
        int rounds = 1;
        String pipeline = "session";
        Integer poolSize = null;
        int carriers = 0;
        List<Target> targets = java.util.Arrays.stream(Target.values()).filter(t -> t.byDefault).toList();
        List<Workload> workloads = List.of(Workload.values());
        String docs = null;
        boolean noDocs = false;
        boolean install = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--quick" -> { quick = true; continue; }
                case "--no-docs" -> { noDocs = true; continue; }
                case "--no-install" -> { install = false; continue; }
                case "-h", "--help" -> throw new UsageException(null);
                default -> { }
            }
            if (v == null) throw new UsageException(a.startsWith("--") ? a + " needs a value" : "unknown argument '" + a + "'");
            switch (a) {
                case "--duration" -> duration = positive(a, v, 1);
                case "--warmup" -> warmup = positive(a, v, 0);
                case "--clients" -> {
                    clients = new ArrayList<>();
                    for (String s : v.split(",")) clients.add(positive(a, s.strip(), 1));
                }
                case "--jobs" -> jobs = positive(a, v, 1);
                case "--scale" -> scale = positive(a, v, 1);
                case "--rounds" -> rounds = positive(a, v, 1);
                case "--pipeline" -> {
                    pipeline = v.toLowerCase(Locale.ROOT);
                    if (!pipeline.equals("session") && !pipeline.equals("transaction")) {
                        throw new UsageException("--pipeline must be session or transaction, got '" + v + "'");
                    }
                }
                case "--pool-size" -> poolSize = positive(a, v, 1);
                case "--carriers" -> carriers = positive(a, v, 0);
                case "--targets" -> {
                    LinkedHashSet<Target> set = new LinkedHashSet<>();
                    for (String s : v.split(",")) set.add(Target.parse(s.strip()));
                    // Report columns keep their fixed order whatever order the list had.
                    targets = List.of(Target.values()).stream().filter(set::contains).toList();
                }
                case "--workloads" -> {
                    LinkedHashSet<Workload> set = new LinkedHashSet<>();
                    for (String s : v.split(",")) set.add(Workload.parse(s.strip()));
                    workloads = List.of(Workload.values()).stream().filter(set::contains).toList();
                }
                case "--docs" -> docs = v;
                default -> throw new UsageException("unknown argument '" + a + "'");
            }
            i++;
        }
        if (clients == null) clients = quick ? List.of(10, 50) : List.of(10, 50, 200);
        clients = clients.stream().distinct().sorted().toList();
        int d = duration != null ? duration : quick ? 3 : 20;
        // 15 s: C2 compiles the relay's server loop about 7 s into a run (async-profiler, session 6);
        // a shorter warm-up charged that compile to the measured window.
        int w = warmup != null ? warmup : quick ? 1 : 15;
        int maxClients = clients.get(clients.size() - 1);
        int pool = poolSize != null ? poolSize : pipeline.equals("session") ? maxClients : 20;
        if (pipeline.equals("session") && pool < maxClients) {
            throw new UsageException("--pool-size " + pool + " is below " + maxClients + " clients in the session"
                    + " pipeline: a client holds a server connection for its whole session, so the clients"
                    + " beyond the pool would wait for the whole run. Use --pipeline transaction for a small pool.");
        }
        Path docsDir = noDocs ? null : docs != null ? Path.of(docs) : quick ? null : Path.of("docs");
        return new BenchOptions(quick, d, w, List.copyOf(clients), jobs, scale, rounds, pipeline, pool, carriers,
                targets, workloads, docsDir, install);
    }

    int maxClients() {
        return clients.get(clients.size() - 1);
    }

    private static int positive(String option, String s, int min) {
        try {
            int n = Integer.parseInt(s);
            if (n < min) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(option + " needs an integer >= " + min + ", got '" + s + "'");
        }
    }

    /** A bad command line; a {@code null} message means "print the usage". */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
