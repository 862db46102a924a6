package io.weft.bench.agent;

import java.nio.file.Path;
import java.util.List;

/**
 * The agent benchmark's command line.
 *
 * @param quick       one short round (for a check that everything works, not for figures)
 * @param seconds     measured seconds per run
 * @param warmup      unmeasured wrk seconds before each measured run (JIT, connection set-up)
 * @param rounds      each server measured this many times, interleaved; the median is reported
 * @param connections wrk's concurrent connections (each a closed loop: one request in flight)
 * @param threads     wrk's threads
 * @param agentJar    the agent, built by ./weft bench agent
 * @param agentArgs   what follows {@code -javaagent:weft-agent.jar=}
 * @param docs        where benchmarks.md is, or null to write nothing
 * @param install     whether wrk may be installed with apt-get
 */
record AgentBenchOptions(boolean quick, int seconds, int warmup, int rounds, int connections, int threads, Path agentJar,
                         String agentArgs, Path docs, boolean install) {

    static final String USAGE = """
            Usage: ./weft bench agent [--quick] [options]

            The same HTTP server (Jetty 12 on virtual threads) in two JVMs, one after the other:
            without the agent and with -javaagent:weft-agent.jar; wrk drives each over loopback.
            Prints requests/s, p50 and p99 latency, server CPU per request, and the ratios
            (agent / without), and writes them into docs/benchmarks.md.

              --quick              1 round, 2 s warm-up + 5 s measured per server (about 30 s)
              --seconds N          measured seconds per run (default 15)
              --warmup N           warm-up seconds per run (default 5)
              --rounds N           measure each server N times, interleaved; report the median (default 2)
              --connections N      wrk connections (default 50)
              --threads N          wrk threads (default 2)
              --agent-jar PATH     the agent (default agent/target/weft-agent.jar)
              --agent-args TEXT    the agent's options (default carriers=2 equal to the JDK's parallelism
                                   on this machine: the number of CPUs)
              --docs DIR           where benchmarks.md is (default docs)
              --no-docs            print only
              --no-install         do not apt-get install wrk when it is missing
            """;

    static AgentBenchOptions parse(String[] args) {
        boolean quick = List.of(args).contains("--quick");
        int seconds = quick ? 5 : 15;
        int warmup = quick ? 2 : 5;
        int rounds = quick ? 1 : 2;
        int connections = 50;
        int threads = 2;
        Path agentJar = Path.of("agent/target/weft-agent.jar");
        String agentArgs = "carriers=" + Runtime.getRuntime().availableProcessors();
        Path docs = Path.of("docs");
        boolean install = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> { }
                case "--seconds" -> seconds = positive(a, value(args, ++i, a));
                case "--warmup" -> warmup = Integer.parseInt(value(args, ++i, a));
                case "--rounds" -> rounds = positive(a, value(args, ++i, a));
                case "--connections" -> connections = positive(a, value(args, ++i, a));
                case "--threads" -> threads = positive(a, value(args, ++i, a));
                case "--agent-jar" -> agentJar = Path.of(value(args, ++i, a));
                case "--agent-args" -> agentArgs = value(args, ++i, a);
                case "--docs" -> docs = Path.of(value(args, ++i, a));
                case "--no-docs" -> docs = null;
                case "--no-install" -> install = false;
                case "-h", "--help" -> throw new HelpRequested();
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        if (threads > connections) {
            throw new IllegalArgumentException("--threads " + threads + " is more than --connections " + connections);
        }
        return new AgentBenchOptions(quick, seconds, warmup, rounds, connections, threads, agentJar, agentArgs, docs,
                install);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
        return args[i];
    }

    private static int positive(String option, String v) {
        int n = Integer.parseInt(v);
        if (n <= 0) throw new IllegalArgumentException(option + " must be positive: " + v);
        return n;
    }

    /** -h / --help. */
    static final class HelpRequested extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HelpRequested() {
            super(null, null, false, false);
        }
    }
}
