package io.weft.stress.pooler;

import io.weft.pooler.PoolerServer;
import io.weft.pooler.config.PoolerConfig;
import io.weft.pooler.pg.EmbeddedPostgres;
import io.weft.pooler.pg.PgTools;
import io.weft.pooler.pg.PgbenchResult;
import io.weft.pooler.pool.ServerPool;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * One pipeline under stress: starts the pooler in this JVM (so its counters can be read)
 * with a fixed-size pool, runs the pgbench fleet and the chaos clients for the run's length,
 * lets everything drain, and checks the end state against the pooler's counters and the
 * server's own view.
 */
final class StressRun {
    static final String USER = "weft";
    static final String PASSWORD = "weft-stress";
    static final String DATABASE = "weft";
    /** The pooler's threads with no client: its acceptor and its pool maintenance thread. */
    static final int IDLE_POOLER_THREADS = 2;
    private static final Duration SETTLE = Duration.ofSeconds(60);

    private final EmbeddedPostgres pg;
    private final StressOptions options;
    private final String pipeline;
    private final int runIndex;
    private final PrintStream log;
    private final ServerView server;
    private final List<String> failures = new ArrayList<>();

    StressRun(EmbeddedPostgres pg, StressOptions options, String pipeline, int runIndex, PrintStream log) {
        this.pg = pg;
        this.options = options;
        this.pipeline = pipeline;
        this.runIndex = runIndex;
        this.log = log;
        this.server = new ServerView(pg, DATABASE, USER);
    }

    RunReport run() throws Exception {
        int poolSize = options.poolSize(pipeline);
        String runName = pipeline + "-" + runIndex;
        Path dir = writeConfig(poolSize);
        PoolerServer pooler = PoolerServer.start(PoolerConfig.load(dir.resolve("weft-pooler.conf")));
        boolean closed = false;
        try {
            if (!await(() -> pool(pooler).total() == poolSize, Duration.ofSeconds(120))) {
                failures.add("the pool did not fill to its " + poolSize + " connections within 120 s: " + pool(pooler));
            }
            Descriptors before = Descriptors.now();
            log.printf(Locale.ROOT, "%s pipeline on %s: pooler on port %d, pool of %d; %d clients for %d s%n", pipeline,
                    pooler.threadsDescription(), pooler.port(), poolSize, options.clients(), options.length().toSeconds());

            PgTools.Target target = new PgTools.Target("127.0.0.1", pooler.port(), USER, DATABASE, PASSWORD);
            // History tags never repeat against the same database: 100,000 per run.
            PgbenchFleet fleet = new PgbenchFleet(pg.tools(), target, options.pgbenchProcesses(),
                    options.pgbenchClients(), options.scale(), options.length(), options.killEverySeconds(),
                    options.seed() + runIndex, (runIndex + 1) * 100_000);
            Ledger ledger = new Ledger((runIndex + 1) * 1_000_000_000L);
            ChaosClients chaos = new ChaosClients(new ChaosClients.Target(pooler.port(), USER, PASSWORD, DATABASE),
                    ledger, runName, options.chaos(), options.seed() * 31 + runIndex);
            long t0 = System.nanoTime();
            fleet.start();
            chaos.start();
            Thread progress = Thread.ofPlatform().daemon().start(() -> progress(pooler, fleet, chaos, t0));
            Thread.sleep(options.length().toMillis());
            chaos.stop();
            fleet.await();
            Duration load = Duration.ofNanos(System.nanoTime() - t0);
            progress.interrupt();

            // Everything has left: the pooler must come back to its resting state by itself.
            if (!await(() -> rested(pooler, poolSize), SETTLE)) {
                failures.add("the pooler did not come to rest within " + SETTLE.toSeconds() + " s of the last client"
                        + " leaving: " + pool(pooler) + ", " + pooler.context().clients() + " clients, "
                        + pooler.liveThreads() + " threads");
            }
            ServerPool.PoolStats pool = pool(pooler);
            List<ServerView.Session> sessions = server.sessions();
            checkPool(pool, poolSize, sessions);
            checkSessions(sessions);
            int clients = pooler.context().clients();
            if (clients != 0) failures.add("the pooler still counts " + clients + " clients after all left");
            int threads = pooler.liveThreads();
            if (threads != IDLE_POOLER_THREADS) {
                failures.add("the pooler has " + threads + " threads alive with no client; expected "
                        + IDLE_POOLER_THREADS + " (acceptor and pool maintenance): leaked threads");
            }
            Descriptors after = Descriptors.now();
            List<String> leaks = after.leaksSince(before);
            if (!leaks.isEmpty()) failures.add("descriptors leaked in the pooler's JVM: " + String.join(", ", leaks));

            long[] inDoubtCommitted = new long[1];
            failures.addAll(ledger.verify(server.ledgerIds(runName), inDoubtCommitted));
            ChaosClients.Summary chaosSummary = chaos.summary();
            if (chaosSummary.unexpectedErrors() > 0 || !chaosSummary.problems().isEmpty()) {
                failures.add("chaos clients hit " + chaosSummary.unexpectedErrors() + " unexpected errors: "
                        + String.join("; ", chaosSummary.problems()));
            }
            failures.addAll(fleet.problems());
            long[] committed = checkPgbench(fleet.processes());
            checkBalances();
            checkStillServes(pooler, poolSize);

            pooler.close();
            closed = true;
            int[] left = new int[1];
            if (!await(() -> (left[0] = server.sessions().size()) == 0, Duration.ofSeconds(20))) {
                failures.add("closing the pooler left " + left[0] + " server sessions behind");
            }
            fleet.deleteFiles();
            List<PgbenchFleet.Process> processes = fleet.processes();
            return new RunReport(pipeline, pooler.threadsDescription(), load, options.clients(),
                    options.pgbenchClients(), poolSize, processes.size(),
                    (int) processes.stream().filter(PgbenchFleet.Process::killed).count(),
                    (int) processes.stream().filter(p -> !p.killed()).count(), committed[0], committed[1],
                    chaosSummary, ledger.counts(), inDoubtCommitted[0], pool, sessions, clients, threads, before, after,
                    left[0], List.copyOf(failures));
        } finally {
            if (!closed) pooler.close();
        }
    }

    private Path writeConfig(int poolSize) throws java.io.IOException {
        Path dir = Files.createTempDirectory("weft-stress-pooler-");
        dir.toFile().deleteOnExit();
        Files.writeString(dir.resolve("weft-pooler.conf"), """
                [pooler]
                host = 127.0.0.1
                port = 0
                pipeline = %s
                backend = %s
                carriers = %d
                auth_method = scram-sha-256
                # every client, the killed ones' sessions still being reset, and room to spare
                max_connections = %d
                # a client queued behind hundreds of others waits; it must not be refused
                blocking_timeout = 120
                # the pool is fixed-size: it must hold exactly its connections at the end
                idle_timeout = 0
                log_level = error

                [server primary]
                host = 127.0.0.1
                port = %d
                """.formatted(pipeline, options.backend(), options.carriers(), options.clients() * 2 + 100, pg.port()));
        Files.writeString(dir.resolve("weft-users.conf"), USER + " " + PASSWORD + "\n");
        // database user max_size initial_size min_size: a fixed pool, opened at start
        Files.writeString(dir.resolve("weft-databases.conf"),
                DATABASE + " " + USER + " " + poolSize + " " + poolSize + " " + poolSize + "\n");
        for (String f : List.of("weft-pooler.conf", "weft-users.conf", "weft-databases.conf")) {
            dir.resolve(f).toFile().deleteOnExit();
        }
        return dir;
    }

    private static ServerPool.PoolStats pool(PoolerServer pooler) {
        return pooler.pools().stats().stream().filter(s -> s.user().equals(USER) && s.database().equals(DATABASE))
                .findFirst().orElse(new ServerPool.PoolStats(DATABASE, USER, 0, 0, 0, 0, 0));
    }

    private boolean rested(PoolerServer pooler, int poolSize) {
        ServerPool.PoolStats p = pool(pooler);
        if (p.total() != poolSize || p.idle() != poolSize || p.active() != 0 || p.waiting() != 0) return false;
        if (pooler.context().clients() != 0 || pooler.liveThreads() != IDLE_POOLER_THREADS) return false;
        List<ServerView.Session> s = server.sessions();
        return s.size() == poolSize && s.stream().allMatch(ServerView.Session::clean);
    }

    /** The pooler's counters: exactly the configured connections, all idle; and the server agrees. */
    private void checkPool(ServerPool.PoolStats p, int poolSize, List<ServerView.Session> sessions) {
        if (p.total() != poolSize || p.idle() != poolSize || p.active() != 0 || p.waiting() != 0) {
            failures.add("the pool does not hold exactly its " + poolSize + " connections, all idle: total " + p.total()
                    + ", idle " + p.idle() + ", active " + p.active() + ", waiting " + p.waiting());
        }
        if (sessions.size() != p.total()) {
            failures.add("pg_stat_activity shows " + sessions.size() + " sessions of user " + USER + " where the pool"
                    + " counts " + p.total() + " connections" + (sessions.size() > p.total()
                    ? ": leaked server connections" : ": the pool counts connections that do not exist"));
        }
    }

    /** No session left active, idle in transaction, or with a transaction open. */
    private void checkSessions(List<ServerView.Session> sessions) {
        List<ServerView.Session> stuck = sessions.stream().filter(s -> !s.clean()).toList();
        if (!stuck.isEmpty()) {
            failures.add(stuck.size() + " server sessions are not idle, or have a transaction open: "
                    + stuck.stream().limit(5).map(Object::toString).toList());
        }
    }

    /**
     * Processes that finished by themselves: exit 0, no failed transaction, no error, and
     * exactly the rows they reported committed. Returns {all committed, by finished processes}.
     */
    private long[] checkPgbench(List<PgbenchFleet.Process> processes) {
        Map<Integer, Long> rows = server.historyByTag();
        long all = 0;
        long byFinished = 0;
        int bad = 0;
        for (PgbenchFleet.Process p : processes) {
            long committed = rows.getOrDefault(p.tag(), 0L);
            all += committed;
            if (p.killed()) continue;
            byFinished += committed;
            PgbenchResult r = p.result();
            String problem = null;
            if (r.exitCode() != 0 || r.failedTransactions() > 0) {
                problem = "exit " + r.exitCode() + ", " + Math.max(0, r.failedTransactions()) + " failed transactions";
            } else if (committed != r.transactionsProcessed()) {
                problem = "reported " + r.transactionsProcessed() + " transactions, the server has " + committed
                        + " of its rows" + (committed < r.transactionsProcessed() ? " (lost transactions)" : "");
            } else if (r.stderr().toLowerCase(Locale.ROOT).contains("error")) {
                problem = "errors on stderr";
            }
            if (problem != null && bad++ < 5) {
                failures.add("pgbench process " + p.tag() + " (-M " + p.mode() + ", " + p.clients() + " clients) "
                        + problem + ": " + tail(r.stderr()));
            }
        }
        if (bad > 5) failures.add((bad - 5) + " more pgbench processes failed");
        if (processes.stream().noneMatch(p -> !p.killed())) {
            failures.add("no pgbench process finished by itself: nothing to compare with what pgbench reports");
        }
        return new long[] {all, byFinished};
    }

    private void checkBalances() {
        List<Long> b = server.balances();
        if (b.stream().distinct().count() != 1) {
            failures.add("TPC-B balances disagree (accounts, tellers, branches, history deltas): " + b
                    + ": some transaction was torn, part of it committed");
        }
    }

    /** After the storm, every pooled connection still works: one pgbench client per connection. */
    private void checkStillServes(PoolerServer pooler, int poolSize) {
        PgTools.Target target = new PgTools.Target("127.0.0.1", pooler.port(), USER, DATABASE, PASSWORD);
        PgbenchResult r = pg.tools().pgbench(target, List.of("-n", "-S", "-M", "extended", "-c",
                Integer.toString(Math.min(poolSize, 200)), "-j", "2", "-t", "20"), Map.of(), Duration.ofSeconds(180));
        if (!r.ok() || r.transactionsProcessed() != Math.min(poolSize, 200) * 20L) {
            failures.add("after the run, pgbench -S through the pooler failed: " + r.summary() + " " + tail(r.stderr()));
        }
        if (!await(() -> rested(pooler, poolSize), SETTLE)) {
            failures.add("after the final pgbench -S the pooler did not come back to rest: " + pool(pooler));
        }
    }

    private void progress(PoolerServer pooler, PgbenchFleet fleet, ChaosClients chaos, long t0) {
        for (;;) {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                return;
            }
            ServerPool.PoolStats p = pool(pooler);
            log.printf(Locale.ROOT, "  [%s %3d s] pgbench: %d running, %d started; chaos scenarios: %d;"
                    + " pool: %d total, %d active, %d waiting; pooler: %d clients, %d threads%n", pipeline,
                    Duration.ofNanos(System.nanoTime() - t0).toSeconds(), fleet.runningNow(), fleet.started(),
                    chaos.totalRuns(), p.total(), p.active(), p.waiting(), pooler.context().clients(),
                    pooler.liveThreads());
        }
    }

    private static boolean await(BooleanSupplier condition, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) return false;
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static String tail(String s) {
        String t = s.strip();
        return t.length() <= 400 ? t : "..." + t.substring(t.length() - 400);
    }
}
