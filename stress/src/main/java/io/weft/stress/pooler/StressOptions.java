package io.weft.stress.pooler;

import java.time.Duration;
import java.util.List;

/**
 * What {@code ./weft stress pooler} runs: per pipeline, {@code clients} in all (pgbench
 * processes plus the chaos clients) for {@code length}, with the pool sizes below.
 *
 * @param length           how long the load runs, per pipeline
 * @param clients          clients in all: pgbench's plus the chaos clients
 * @param pipelines        "transaction", "session", or both
 * @param backend          the pooler's backend: auto, io_uring, epoll, jdk
 * @param carriers         the pooler's carriers (0: its default)
 * @param scale            pgbench's scale factor
 * @param pgbenchProcesses pgbench processes at once; they share the pgbench clients
 * @param chaosClients     raw-protocol clients that die at random points
 * @param transactionPool  server connections in the transaction pipeline (fixed size)
 * @param sessionPool      server connections in the session pipeline (fixed size; every client
 *                         must fit, or logins wait for blocking_timeout)
 * @param killEverySeconds a pgbench process is SIGKILLed about this often (0: never)
 * @param seed             seeds every random choice
 */
record StressOptions(Duration length, int clients, List<String> pipelines, String backend, int carriers, int scale,
                     int pgbenchProcesses, int chaosClients, int transactionPool, int sessionPool,
                     double killEverySeconds, long seed) {

    static final String USAGE = """
            usage: weft stress pooler [--minutes N] [--clients 500] [--pipeline transaction|session|both]
                                      [--backend auto|io_uring|epoll|jdk] [options]

            pgbench and raw-protocol chaos clients through the pooler against a throwaway PostgreSQL,
            with pgbench processes SIGKILLed and chaos clients dying mid-transaction, mid-message,
            mid-COPY and between Execute and Sync; then checks the pool, the server's sessions, the
            ledger of commits, and the pooler's descriptors and threads. Exit code 1 names what failed.

              --minutes N            load per pipeline (default 2; decimals allowed)
              --seconds N            the same in seconds
              --clients N            clients in all, pgbench's and the chaos clients (default 500)
              --pipeline P           transaction, session or both (default both)
              --backend B            the pooler's backend (default auto: io_uring, else epoll)
              --carriers N           the pooler's carrier threads (default: one per CPU)
              --scale N              pgbench scale (default 5)
              --pgbench-processes N  pgbench processes at once (default 5)
              --chaos-clients N      raw-protocol clients (default clients/25, at least 4)
              --transaction-pool N   server connections, transaction pipeline (default 40)
              --session-pool N       server connections, session pipeline (default: clients)
              --kill-every S         SIGKILL a pgbench process about every S seconds (default 6; 0 never)
              --seed N               random seed (default: time)
            """;

    static StressOptions defaults() {
        return new StressOptions(Duration.ofMinutes(2), 500, List.of("transaction", "session"), "auto", 0, 5, 5, 0, 40,
                0, 6, System.nanoTime());
    }

    /** Chaos clients: as given, or one in 25 clients (at least 4). */
    int chaos() {
        return chaosClients > 0 ? chaosClients : Math.max(4, clients / 25);
    }

    int pgbenchClients() {
        return clients - chaos();
    }

    int poolSize(String pipeline) {
        if (pipeline.equals("transaction")) return transactionPool;
        return sessionPool > 0 ? sessionPool : clients;
    }

    static StressOptions parse(String[] args) {
        StressOptions o = defaults();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) throw new IllegalArgumentException("");
            if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
            String v = args[++i];
            try {
                o = switch (a) {
                    case "--minutes" -> o.withLength(Duration.ofMillis((long) (Double.parseDouble(v) * 60_000)));
                    case "--seconds" -> o.withLength(Duration.ofMillis((long) (Double.parseDouble(v) * 1000)));
                    case "--clients" -> new StressOptions(o.length, positive(a, v), o.pipelines, o.backend, o.carriers,
                            o.scale, o.pgbenchProcesses, o.chaosClients, o.transactionPool, o.sessionPool,
                            o.killEverySeconds, o.seed);
                    case "--pipeline" -> new StressOptions(o.length, o.clients, pipelines(v), o.backend, o.carriers,
                            o.scale, o.pgbenchProcesses, o.chaosClients, o.transactionPool, o.sessionPool,
                            o.killEverySeconds, o.seed);
                    case "--backend" -> new StressOptions(o.length, o.clients, o.pipelines, v, o.carriers, o.scale,
                            o.pgbenchProcesses, o.chaosClients, o.transactionPool, o.sessionPool, o.killEverySeconds,
                            o.seed);
                    case "--carriers" -> new StressOptions(o.length, o.clients, o.pipelines, o.backend,
                            Integer.parseInt(v), o.scale, o.pgbenchProcesses, o.chaosClients, o.transactionPool,
                            o.sessionPool, o.killEverySeconds, o.seed);
                    case "--scale" -> new StressOptions(o.length, o.clients, o.pipelines, o.backend, o.carriers,
                            positive(a, v), o.pgbenchProcesses, o.chaosClients, o.transactionPool, o.sessionPool,
                            o.killEverySeconds, o.seed);
                    case "--pgbench-processes" -> new StressOptions(o.length, o.clients, o.pipelines, o.backend,
                            o.carriers, o.scale, positive(a, v), o.chaosClients, o.transactionPool, o.sessionPool,
                            o.killEverySeconds, o.seed);
                    case "--chaos-clients" -> new StressOptions(o.length, o.clients, o.pipelines, o.backend, o.carriers,
                            o.scale, o.pgbenchProcesses, positive(a, v), o.transactionPool, o.sessionPool,
                            o.killEverySeconds, o.seed);
                    case "--transaction-pool" -> new StressOptions(o.length, o.clients, o.pipelines, o.backend,
                            o.carriers, o.scale, o.pgbenchProcesses, o.chaosClients, positive(a, v), o.sessionPool,
                            o.killEverySeconds, o.seed);
                    case "--session-pool" -> new StressOptions(o.length, o.clients, o.pipelines, o.backend, o.carriers,
                            o.scale, o.pgbenchProcesses, o.chaosClients, o.transactionPool, positive(a, v),
                            o.killEverySeconds, o.seed);
                    case "--kill-every" -> new StressOptions(o.length, o.clients, o.pipelines, o.backend, o.carriers,
                            o.scale, o.pgbenchProcesses, o.chaosClients, o.transactionPool, o.sessionPool,
                            Double.parseDouble(v), o.seed);
                    case "--seed" -> new StressOptions(o.length, o.clients, o.pipelines, o.backend, o.carriers,
                            o.scale, o.pgbenchProcesses, o.chaosClients, o.transactionPool, o.sessionPool,
                            o.killEverySeconds, Long.parseLong(v));
                    default -> throw new IllegalArgumentException("unknown option " + a);
                };
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(a + ": not a number: " + v);
            }
        }
        if (o.pgbenchClients() < o.pgbenchProcesses) {
            throw new IllegalArgumentException("--clients " + o.clients + " leaves fewer pgbench clients than the "
                    + o.pgbenchProcesses + " pgbench processes (after " + o.chaos() + " chaos clients)");
        }
        return o;
    }

    StressOptions withLength(Duration d) {
        return new StressOptions(d, clients, pipelines, backend, carriers, scale, pgbenchProcesses, chaosClients,
                transactionPool, sessionPool, killEverySeconds, seed);
    }

    private static List<String> pipelines(String v) {
        return switch (v) {
            case "both" -> List.of("transaction", "session");
            case "transaction", "session" -> List.of(v);
            default -> throw new IllegalArgumentException("--pipeline must be transaction, session or both, not " + v);
        };
    }

    private static int positive(String option, String v) {
        int n = Integer.parseInt(v);
        if (n <= 0) throw new IllegalArgumentException(option + " must be positive, not " + v);
        return n;
    }
}
