package io.weft.bench.agent;

import io.weft.bench.Host;
import io.weft.bench.ProcStat;
import io.weft.bench.TextTable;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ./weft bench agent}: the same HTTP server ({@link HelloServer}: Jetty 12 on virtual
 * threads) in a JVM without the agent and in one with {@code -javaagent:weft-agent.jar}, each
 * driven by wrk over loopback for a bounded time; prints requests/s, p50, p99, server CPU and
 * context switches per request, and the ratios agent / without; writes its section of
 * docs/benchmarks.md. See {@link AgentBenchOptions#USAGE}.
 *
 * <p>Each run: a fresh server JVM, an unmeasured warm-up with the same wrk settings, the
 * measured wrk run (the server's CPU time and context switches read from /proc around it), then
 * the server stops and prints the agent's counters. With several rounds the order alternates.
 */
public final class AgentBench {
    /** The same for both JVMs: a fixed heap, so that neither run sizes it differently. */
    private static final List<String> SERVER_JVM = List.of("-Xms512m", "-Xmx512m");

    private AgentBench() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        AgentBenchOptions opts;
        try {
            opts = AgentBenchOptions.parse(args);
        } catch (AgentBenchOptions.HelpRequested h) {
            out.print(AgentBenchOptions.USAGE);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("weft bench agent: " + e.getMessage() + "\n\n" + AgentBenchOptions.USAGE);
            System.exit(2);
            return;
        }
        if (!Files.isRegularFile(opts.agentJar())) {
            System.err.println("weft bench agent: no agent at " + opts.agentJar() + " (./weft bench agent builds it)");
            System.exit(1);
        }
        Optional<Wrk> wrk = Wrk.locateOrInstall(opts.install(), out);
        if (wrk.isEmpty()) {
            System.exit(1);
        }
        Instant start = Instant.now();
        Host machine = Host.describe();
        String wrkVersion = wrk.get().version();
        out.println("Machine: " + AgentReport.describe(machine) + "; load average " + machine.loadAtStart());
        out.println("Load: " + wrkVersion + "; server: Jetty 12 on virtual threads, without and with the agent ("
                + opts.agentArgs() + ")");
        List<ServerRun> runs = new ArrayList<>();
        String agentLine = null;
        for (int round = 0; round < opts.rounds(); round++) {
            boolean agentFirst = round % 2 == 1;
            for (boolean withAgent : new boolean[] {agentFirst, !agentFirst}) {
                Measured m = measure(wrk.get(), opts, withAgent, round, out);
                runs.add(m.run());
                if (withAgent && m.agentLine() != null) agentLine = m.agentLine();
            }
        }
        AgentReport report = new AgentReport(opts, machine, wrkVersion, agentLine, runs,
                Duration.between(start, Instant.now()));
        out.println();
        out.print(report.text());
        if (opts.docs() != null) {
            Files.createDirectories(opts.docs());
            AgentReport.SECTION.writeTo(opts.docs().resolve("benchmarks.md"), report.markdown());
            out.println("Wrote " + opts.docs().resolve("benchmarks.md") + " (Agent section)");
        }
    }

    private record Measured(ServerRun run, String agentLine) {}

    private static Measured measure(Wrk wrk, AgentBenchOptions opts, boolean withAgent, int round, PrintStream out)
            throws Exception {
        List<String> jvm = new ArrayList<>(SERVER_JVM);
        if (withAgent) {
            jvm.add("-javaagent:" + opts.agentJar().toAbsolutePath() + (opts.agentArgs().isEmpty() ? "" : "=" + opts.agentArgs()));
        }
        String label = withAgent ? "with the agent" : "without the agent";
        try (ServerJvm server = ServerJvm.start(System.getProperty("java.class.path"), jvm)) {
            String url = "http://127.0.0.1:" + server.port() + HelloServer.PATH + "world";
            if (withAgent && server.agentLines().stream().noneMatch(l -> l.startsWith("weft-agent: on: "))) {
                Thread.sleep(200); // the agent's line comes on stderr, possibly after the port line
            }
            if (opts.warmup() > 0) {
                wrk.run(url, opts.threads(), opts.connections(), opts.warmup());
            }
            double cpu0 = ProcStat.cpuSeconds(server.pid());
            long cs0 = ProcStat.switches(server.pid());
            long[] m0 = ProcStat.machine();
            Wrk.Result load = wrk.run(url, opts.threads(), opts.connections(), opts.seconds());
            double cpu1 = ProcStat.cpuSeconds(server.pid());
            long cs1 = ProcStat.switches(server.pid());
            long[] m1 = ProcStat.machine();
            List<String> agentLines = server.agentLines();
            Map<String, Long> counters = server.stop();
            if (withAgent && counters.isEmpty()) {
                throw new IllegalStateException("the server JVM with the agent has no agent MBean: " + agentLines);
            }
            double busy = m1[0] - m0[0] <= 0 ? Double.NaN : 1 - (double) (m1[1] - m0[1]) / (m1[0] - m0[0]);
            ServerRun run = new ServerRun(withAgent, round, load, cpu1 - cpu0,
                    cs1 - cs0, busy, counters);
            out.printf("round %d, %s: %s requests/s, p99 %.2f ms, %d errors%n", round + 1, label,
                    TextTable.thousands(load.requestsPerSecond()), load.p99Millis(), load.errors());
            String line = agentLines.stream().filter(l -> l.startsWith("weft-agent: on: ")).findFirst().orElse(null);
            if (withAgent && line == null) {
                throw new IllegalStateException("the agent did not start in the server JVM: " + agentLines);
            }
            return new Measured(run, line);
        }
    }
}
