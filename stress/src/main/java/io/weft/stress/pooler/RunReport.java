package io.weft.stress.pooler;

import io.weft.pooler.pool.ServerPool;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The figures of one pipeline's run, and what failed (nothing, if it passed). */
record RunReport(
        String pipeline,
        String threads,
        Duration load,
        int clients,
        int pgbenchClients,
        int poolSize,
        int pgbenchStarted,
        int pgbenchKilled,
        int pgbenchFinished,
        long committedTpcb,
        long committedByFinished,
        ChaosClients.Summary chaos,
        Map<Ledger.Expect, Integer> ledger,
        long inDoubtCommitted,
        ServerPool.PoolStats pool,
        List<ServerView.Session> sessions,
        int poolerClients,
        int poolerThreads,
        Descriptors descriptorsBefore,
        Descriptors descriptorsAfter,
        int sessionsAfterClose,
        List<String> failures) {

    boolean passed() {
        return failures.isEmpty();
    }

    double tps() {
        return committedTpcb / Math.max(1e-9, load.toMillis() / 1000.0);
    }

    void print(PrintStream out) {
        out.printf(Locale.ROOT, "%n== %s pipeline, %s: %s ==%n", pipeline, threads, passed() ? "PASSED" : "FAILED");
        out.printf(Locale.ROOT, "  load        %d s, %d clients (%d pgbench + %d chaos), pool of %d server connections%n",
                load.toSeconds(), clients, pgbenchClients, clients - pgbenchClients, poolSize);
        out.printf(Locale.ROOT, "  pgbench     %d processes started, %d SIGKILLed, %d finished by themselves;"
                + " %d TPC-B transactions committed (%.0f tps), %d of them by processes that finished%n",
                pgbenchStarted, pgbenchKilled, pgbenchFinished, committedTpcb, tps(), committedByFinished);
        out.printf(Locale.ROOT, "  chaos       %d scenarios %s; %d deaths (%d resets); cancels: %d honoured, %d slept"
                + " through; %d unexpected errors%n", chaos.runs().values().stream().mapToLong(Long::longValue).sum(),
                chaos.runs(), chaos.deaths(), chaos.resets(), chaos.cancelsHonoured(), chaos.cancelsSleptThrough(),
                chaos.unexpectedErrors());
        out.printf(Locale.ROOT, "  ledger      %d acknowledged commits, %d rows of clients that died before committing,"
                + " %d in doubt (%d of them committed)%n", ledger.get(Ledger.Expect.COMMITTED),
                ledger.get(Ledger.Expect.ABSENT), ledger.get(Ledger.Expect.IN_DOUBT), inDoubtCommitted);
        out.printf(Locale.ROOT, "  end state   pool total %d, idle %d, active %d, waiting %d (configured %d);"
                + " pg_stat_activity: %d sessions of the pool's user, %d not idle or in a transaction;"
                + " pooler: %d clients, %d threads%n", pool.total(), pool.idle(), pool.active(), pool.waiting(),
                pool.maxSize(), sessions.size(), sessions.stream().filter(s -> !s.clean()).count(), poolerClients,
                poolerThreads);
        out.printf(Locale.ROOT, "  descriptors before %s, after %s; server sessions after the pooler closed: %d%n",
                descriptorsBefore, descriptorsAfter, sessionsAfterClose);
        for (String f : failures) out.println("  FAIL: " + f);
    }
}
