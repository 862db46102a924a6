package io.weft.stress.pooler;

import io.weft.pooler.pg.EmbeddedPostgres;
import io.weft.pooler.pg.PgbenchResult;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./weft stress pooler}: the pooler under pgbench and dying clients, per pipeline,
 * against a throwaway PostgreSQL; exit code 0 if every check passed, 1 naming what failed, 2
 * for bad arguments.
 */
public final class PoolerStress {
    private PoolerStress() {}

    public static void main(String[] args) throws Exception {
        StressOptions options;
        try {
            options = StressOptions.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) System.err.println("weft stress pooler: " + e.getMessage());
            System.err.print(StressOptions.USAGE);
            System.exit(e.getMessage().isEmpty() ? 0 : 2);
            return;
        }
        List<RunReport> reports = run(options, System.out);
        boolean passed = reports.stream().allMatch(RunReport::passed);
        System.out.println(passed ? "\nweft stress pooler: PASSED" : "\nweft stress pooler: FAILED (see FAIL lines above)");
        System.exit(passed ? 0 : 1);
    }

    /** Starts PostgreSQL, runs each pipeline in turn, prints and returns their reports. */
    static List<RunReport> run(StressOptions options, PrintStream log) throws Exception {
        int maxPool = options.pipelines().stream().mapToInt(options::poolSize).max().orElse(1);
        long t0 = System.nanoTime();
        log.printf(Locale.ROOT, "Starting a throwaway PostgreSQL (max_connections %d) ...%n", maxPool + 30);
        List<RunReport> reports = new ArrayList<>();
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(EmbeddedPostgres.Options.defaults()
                .withMaxConnections(maxPool + 30))) {
            prepare(pg, options);
            log.printf(Locale.ROOT, "seed %d; pgbench scale %d, %d processes at once, one SIGKILLed about every"
                    + " %.0f s; %d chaos clients%n", options.seed(), options.scale(), options.pgbenchProcesses(),
                    options.killEverySeconds(), options.chaos());
            for (int i = 0; i < options.pipelines().size(); i++) {
                RunReport r = new StressRun(pg, options, options.pipelines().get(i), i, log).run();
                r.print(log);
                reports.add(r);
            }
        }
        log.printf(Locale.ROOT, "%ntotal %d s%n", Duration.ofNanos(System.nanoTime() - t0).toSeconds());
        return reports;
    }

    /** The pool's user and database, pgbench's tables, and the ledger table. */
    private static void prepare(EmbeddedPostgres pg, StressOptions options) {
        pg.createUser(StressRun.USER, StressRun.PASSWORD, "scram-sha-256");
        pg.createDatabase(StressRun.DATABASE, StressRun.USER);
        PgbenchResult init = pg.tools().pgbench(pg.tcpTarget(StressRun.USER, StressRun.PASSWORD, StressRun.DATABASE),
                List.of("-i", "-q", "-s", Integer.toString(options.scale())), null, Duration.ofMinutes(5));
        if (init.exitCode() != 0) throw new IllegalStateException("pgbench -i failed: " + init.stderr());
        pg.execute(StressRun.DATABASE, "CREATE TABLE " + Ledger.TABLE + " (id bigint PRIMARY KEY, run text NOT NULL,"
                + " scenario text NOT NULL); ALTER TABLE " + Ledger.TABLE + " OWNER TO " + StressRun.USER);
    }
}
