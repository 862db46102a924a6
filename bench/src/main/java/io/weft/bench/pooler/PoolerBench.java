package io.weft.bench.pooler;

import io.weft.pooler.PoolerServer;
import io.weft.pooler.config.PoolerConfig;
import io.weft.pooler.pg.EmbeddedPostgres;
import io.weft.pooler.pg.PgTools;
import io.weft.pooler.pg.PgbenchResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code ./weft bench pooler}: pgbench through PostgreSQL directly, the Weft pooler on each of
 * its thread backends (Weft io_uring, Weft epoll, the JDK's default virtual threads) and
 * PgBouncer, one target after the other against one throwaway PostgreSQL, for a select-only
 * ({@code -S -M prepared}) and the TPC-B-like workload at several client counts. Prints TPS and
 * average latency with each pooler's ratio to PgBouncer's TPS from the same run, the CPU split
 * of each run, and writes the Pooler section of docs/benchmarks.md with a PNG chart.
 *
 * <p>The Weft pooler runs inside this JVM ({@link PoolerServer#start}); while pgbench runs,
 * the JVM's only other thread is the one waiting for pgbench, so the JVM's CPU time during a
 * run is the pooler's. Every pooler and PgBouncer is started fresh for each measured cell, warmed
 * up with an unmeasured pgbench run of the same shape, measured, and stopped.
 */
public final class PoolerBench {
    static final String USER = "weft_bench";
    static final String PASSWORD = "weft-bench-secret";
    static final String DATABASE = "weft_bench";

    private final BenchOptions opts;
    private final PrintStream out = System.out;
    private final Results results = new Results();
    private final Map<Target, String> descriptions = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private List<Target> targets;
    private EmbeddedPostgres pg;
    private Path pgbouncerExe;
    /** Guards starting and stopping targets, so the shutdown hook never misses one. */
    private final Object lifecycle = new Object();
    private AutoCloseable running; // guarded by lifecycle
    private volatile boolean stopping;

    private PoolerBench(BenchOptions opts) {
        this.opts = opts;
        this.targets = opts.targets();
    }

    public static void main(String[] args) throws Exception {
        BenchOptions opts;
        try {
            opts = BenchOptions.parse(args);
        } catch (BenchOptions.UsageException e) {
            if (e.getMessage() == null) {
                System.out.print(BenchOptions.USAGE);
                return;
            }
            System.err.println("weft bench pooler: " + e.getMessage());
            System.err.print(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        System.setProperty("java.awt.headless", "true");
        quietLogging();
        PoolerBench bench = new PoolerBench(opts);
        int code = bench.run();
        // During a shutdown (Ctrl-C) the hooks finish the JVM; System.exit would block.
        if (!bench.stopping) System.exit(code);
    }

    private int run() throws Exception {
        Thread hook = new Thread(this::emergencyStop, "weft-bench-pooler-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        long started = System.nanoTime();
        try {
            plan();
            if (targets.contains(Target.PGBOUNCER)) {
                Optional<Path> exe = PgBouncer.locateOrInstall(opts.install(), out);
                if (exe.isPresent()) {
                    pgbouncerExe = exe.get();
                    descriptions.put(Target.PGBOUNCER, PgBouncer.version(pgbouncerExe));
                } else {
                    targets = targets.stream().filter(t -> t != Target.PGBOUNCER).toList();
                    notes.add("PgBouncer was not available (see the console output), so there is no PgBouncer column and no ratio.");
                }
            }
            startPostgres();
            Machine machine = Machine.describe(pg, descriptions.get(Target.PGBOUNCER));
            out.println(machine.oneLine());
            measureAll();
            if (stopping) return 130;
            Report report = new Report(opts, targets, results, machine, descriptions, notes,
                    Duration.ofNanos(System.nanoTime() - started));
            out.println();
            out.print(report.text());
            if (opts.docsDir() != null) {
                report.writeDocs(opts.docsDir(), out);
            }
            return results.all().stream().anyMatch(r -> r.status() == Run.Status.FAILED) ? 1 : 0;
        } finally {
            stopRunning();
            if (pg != null) {
                out.println("Stopping PostgreSQL ...");
                pg.close();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is stopping
            }
        }
    }

    private void plan() {
        int cells = 0;
        for (Workload w : opts.workloads()) {
            for (Target t : targets) {
                if (!skipReason(t, w).isPresent()) cells += opts.clients().size();
            }
        }
        cells *= opts.rounds();
        long seconds = (long) cells * (opts.durationSec() + opts.warmupSec() + 2) + 30;
        out.printf(Locale.ROOT, "weft bench pooler: %s pipeline, pool %d, clients %s, -j %d, %d s runs after %d s warm-up,"
                        + " %d round(s), scale %d; %d measured runs, about %d min %02d s%n",
                opts.pipeline(), opts.poolSize(), opts.clients(), opts.jobs(), opts.durationSec(), opts.warmupSec(),
                opts.rounds(), opts.scale(), cells, seconds / 60, seconds % 60);
    }

    private void startPostgres() {
        int maxConnections = Math.max(300, opts.maxClients() + opts.poolSize() + 50);
        out.println("Starting a throwaway PostgreSQL (max_connections " + maxConnections + ") ...");
        pg = EmbeddedPostgres.start(EmbeddedPostgres.Options.defaults()
                .withHostAuth(EmbeddedPostgres.HostAuth.MD5)
                .withMaxConnections(maxConnections)
                // The scale-10 data set (about 160 MB) fits in shared buffers: every target reads from memory.
                .withSetting("shared_buffers", "256MB")
                .withTimeouts(Duration.ofSeconds(120), Duration.ofSeconds(30), Duration.ofSeconds(600)));
        pg.createUser(USER, PASSWORD, "scram-sha-256");
        pg.createDatabase(DATABASE, USER);
        out.println("pgbench -i -s " + opts.scale() + " ...");
        PgbenchResult init = pg.tools().pgbench(directTarget(), List.of("-i", "-q", "-s", Integer.toString(opts.scale())),
                Map.of(), Duration.ofMinutes(15));
        if (init.exitCode() != 0 || init.timedOut()) init.requireOk();
    }

    private PgTools.Target directTarget() {
        return pg.tcpTarget(USER, PASSWORD, DATABASE);
    }

    /**
     * For each workload and client count, every target in turn (the order rotates from cell to
     * cell and from round to round, so no target always runs first or right after the same one).
     */
    private void measureAll() {
        int cell = 0;
        for (Workload w : opts.workloads()) {
            for (int clients : opts.clients()) {
                for (int round = 0; round < opts.rounds(); round++) {
                    List<Target> order = new ArrayList<>(targets);
                    java.util.Collections.rotate(order, -(cell % Math.max(1, order.size())));
                    cell++;
                    for (Target t : order) {
                        if (stopping) return;
                        Optional<String> skip = skipReason(t, w);
                        Run r = skip.isPresent()
                                ? Run.skipped(t, w, clients, round, skip.get())
                                : measure(t, w, clients, round);
                        results.add(r);
                        if (!skip.isPresent()) print(r);
                    }
                }
            }
        }
    }

    private Optional<String> skipReason(Target t, Workload w) {
        if (t == Target.PGBOUNCER && w.prepared && opts.pipeline().equals("transaction")) {
            return Optional.of("PgBouncer 1.18 has no protocol-level prepared statements in transaction mode"
                    + " (max_prepared_statements came in 1.21)");
        }
        return Optional.empty();
    }

    private Run measure(Target t, Workload w, int clients, int round) {
        try {
            prepareDatabase(w);
        } catch (RuntimeException e) {
            return Run.failed(t, w, clients, round, "preparing the database: " + firstLine(e.getMessage()));
        }
        Endpoint ep;
        try {
            synchronized (lifecycle) {
                if (stopping) return Run.failed(t, w, clients, round, "stopped");
                ep = start(t);
                running = ep;
            }
        } catch (Exception e) {
            return Run.failed(t, w, clients, round, "cannot start: " + firstLine(String.valueOf(e.getMessage())));
        }
        try {
            if (opts.warmupSec() > 0) {
                PgbenchResult warm = pgbench(ep, w, clients, opts.warmupSec());
                if (!warm.ok()) return Run.failed(t, w, clients, round, "warm-up: " + problem(warm) + ep.logTail());
            }
            CpuMeter.Snapshot a = CpuMeter.snapshot(pg.pid(), ep.pgbouncerPid());
            PgbenchResult r = pgbench(ep, w, clients, opts.durationSec());
            CpuMeter.Snapshot b = CpuMeter.snapshot(pg.pid(), ep.pgbouncerPid());
            if (!r.ok()) return Run.failed(t, w, clients, round, problem(r) + ep.logTail());
            return new Run(t, w, clients, round, Run.Status.OK, r.tps(), r.latencyAverageMs(), r.transactionsProcessed(),
                    descriptions.get(t), CpuMeter.between(a, b));
        } catch (RuntimeException e) {
            return Run.failed(t, w, clients, round, firstLine(String.valueOf(e.getMessage())));
        } finally {
            stopRunning();
        }
    }

    private PgbenchResult pgbench(Endpoint ep, Workload w, int clients, int seconds) {
        List<String> args = new ArrayList<>(List.of("-n", "-c", Integer.toString(clients),
                "-j", Integer.toString(Math.min(opts.jobs(), clients)), "-T", Integer.toString(seconds)));
        args.addAll(w.args);
        PgTools.Target through = new PgTools.Target("127.0.0.1", ep.port(), USER, DATABASE, PASSWORD);
        return pg.tools().pgbench(through, args, Map.of(), Duration.ofSeconds(seconds + 90L));
    }

    /**
     * Between runs, outside any measurement: the previous target's server connections are gone,
     * a checkpoint, and for TPC-B what pgbench's own vacuum step does (which -n skips).
     */
    private void prepareDatabase(Workload w) {
        awaitNoSessions(Duration.ofSeconds(15));
        StringBuilder sql = new StringBuilder();
        if (w == Workload.TPCB) {
            sql.append("VACUUM pgbench_branches; VACUUM pgbench_tellers; TRUNCATE pgbench_history;\n");
        }
        sql.append("CHECKPOINT;\n");
        pg.execute(DATABASE, sql.toString());
    }

    private void awaitNoSessions(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        for (;;) {
            List<List<String>> rows = pg.query("SELECT count(*) FROM pg_stat_activity WHERE usename = "
                    + EmbeddedPostgres.literal(USER));
            long n = rows.isEmpty() ? 0 : Long.parseLong(rows.get(0).get(0));
            if (n == 0) return;
            if (System.nanoTime() > deadline) {
                out.println("  (note: " + n + " sessions of the previous target still open after " + max.toSeconds() + " s)");
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    // -------------------------------------------------------------------------------------
    // Targets

    /** Where pgbench connects, and how to stop it. */
    private interface Endpoint extends AutoCloseable {
        int port();

        default long pgbouncerPid() {
            return -1;
        }

        default String logTail() {
            return "";
        }

        @Override
        void close();
    }

    private Endpoint start(Target t) throws Exception {
        return switch (t) {
            case DIRECT -> {
                descriptions.putIfAbsent(t, "PostgreSQL " + pg.query("SHOW server_version").get(0).get(0));
                int port = pg.port();
                yield new Endpoint() {
                    @Override
                    public int port() {
                        return port;
                    }

                    @Override
                    public void close() {
                        // PostgreSQL stays up for the next target
                    }
                };
            }
            case PGBOUNCER -> {
                PgBouncer b = PgBouncer.start(new PgBouncer.Settings(pgbouncerExe, pg.port(), DATABASE, USER, PASSWORD,
                        opts.pipeline(), opts.poolSize(), opts.maxClients()), pg.tools());
                yield new Endpoint() {
                    @Override
                    public int port() {
                        return b.port();
                    }

                    @Override
                    public long pgbouncerPid() {
                        return b.pid();
                    }

                    @Override
                    public String logTail() {
                        return "\n" + b.logTail(10);
                    }

                    @Override
                    public void close() {
                        b.close();
                    }
                };
            }
            default -> startPooler(t);
        };
    }

    private Endpoint startPooler(Target t) throws Exception {
        Path dir = Files.createTempDirectory("weft-bench-pooler-");
        try {
            Files.writeString(dir.resolve("weft-pooler.conf"), """
                    # Written by ./weft bench pooler
                    [pooler]
                    host = 127.0.0.1
                    port = 0
                    pipeline = %s
                    backend = %s
                    carriers = %d
                    write_behind = %s
                    auth_method = md5
                    max_connections = %d
                    blocking_timeout = 60
                    log_level = warning
                    users_file = weft-users.conf
                    databases_file = weft-databases.conf

                    [server primary]
                    host = 127.0.0.1
                    port = %d
                    """.formatted(opts.pipeline(), t.poolerBackend, opts.carriers(), t.writeBehind(), Math.max(1000, opts.maxClients() * 2),
                    pg.port()), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("weft-users.conf"), USER + " " + PASSWORD + "\n", StandardCharsets.UTF_8);
            // database user max_size initial_size min_size: like PgBouncer's default_pool_size, min_pool_size 0
            Files.writeString(dir.resolve("weft-databases.conf"), "all all " + opts.poolSize() + " 0 0\n",
                    StandardCharsets.UTF_8);
            PoolerServer server = PoolerServer.start(PoolerConfig.load(dir.resolve("weft-pooler.conf")));
            descriptions.putIfAbsent(t, server.threadsDescription());
            return new Endpoint() {
                @Override
                public int port() {
                    return server.port();
                }

                @Override
                public void close() {
                    try {
                        server.close();
                    } finally {
                        PgBouncer.deleteTree(dir);
                    }
                }
            };
        } catch (Exception | Error e) {
            PgBouncer.deleteTree(dir);
            throw e;
        }
    }

    private void stopRunning() {
        synchronized (lifecycle) {
            AutoCloseable r = running;
            running = null;
            if (r == null) return;
            try {
                r.close();
            } catch (Exception e) {
                out.println("  (stopping the target: " + e + ")");
            }
        }
    }

    /**
     * The shutdown hook (Ctrl-C): our pgbench and psql children, then the running target.
     * PostgreSQL and PgBouncer have hooks of their own.
     */
    private void emergencyStop() {
        stopping = true;
        ProcessHandle.current().children()
                .filter(h -> h.info().command().map(c -> c.endsWith("/pgbench") || c.endsWith("/psql")).orElse(false))
                .forEach(ProcessHandle::destroy);
        stopRunning();
    }

    // -------------------------------------------------------------------------------------
    // Output

    private void print(Run r) {
        String head = String.format(Locale.ROOT, "%-11s c=%-4d %-20s", r.workload().label, r.clients(), r.target().label);
        if (!r.ok()) {
            out.println(head + " FAILED: " + r.note());
            return;
        }
        CpuMeter.Split c = r.cpu();
        out.printf(Locale.ROOT, "%s %9.1f tps %8.3f ms   cpu: pgbench %3.0f%% postgres %3.0f%% %s %3.0f%% irq %3.0f%%"
                        + " other %3.0f%% idle %3.0f%%   %s cs/txn %.1f%n",
                head, r.tps(), r.latencyMs(), 100 * c.pgbench(), 100 * c.postgres(),
                r.target() == Target.PGBOUNCER ? "pgbouncer" : "pooler", 100 * c.proxy(), 100 * c.irq(), 100 * c.other(),
                100 * (c.idle() + c.steal()), r.target() == Target.PGBOUNCER ? "pgbouncer" : "pooler",
                r.transactions() > 0 ? c.proxySwitches() / (double) r.transactions() : 0.0);
    }

    static String problem(PgbenchResult r) {
        String why = r.timedOut() ? "pgbench timed out" : "pgbench exit " + r.exitCode();
        if (r.failedTransactions() > 0) why += ", " + r.failedTransactions() + " failed transactions";
        String err = r.stderr().lines().filter(l -> !l.isBlank()).reduce((x, y) -> y).orElse("");
        return why + (err.isEmpty() ? "" : ": " + err.strip());
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static void quietLogging() {
        Logger weft = Logger.getLogger("io.weft");
        weft.setLevel(Level.WARNING);
        weft.setUseParentHandlers(false);
        ConsoleHandler h = new ConsoleHandler();
        h.setLevel(Level.WARNING);
        weft.addHandler(h);
    }

    static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
