package io.weft.bench.agent;

import io.weft.bench.DocSection;
import io.weft.bench.Host;
import io.weft.bench.TextTable;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** The agent benchmark's console summary and its section of docs/benchmarks.md. */
final class AgentReport {
    static final DocSection SECTION = new DocSection("agent-bench", "./weft bench agent", "## Agent: `./weft bench agent`");

    private final AgentBenchOptions opts;
    private final Host machine;
    private final String wrkVersion;
    private final String agentLine;
    private final List<ServerRun> runs;
    private final Duration took;

    AgentReport(AgentBenchOptions opts, Host machine, String wrkVersion, String agentLine, List<ServerRun> runs,
                Duration took) {
        this.opts = opts;
        this.machine = machine;
        this.wrkVersion = wrkVersion;
        this.agentLine = agentLine;
        this.runs = runs;
        this.took = took;
    }

    private List<ServerRun> of(boolean agent) {
        return runs.stream().filter(r -> r.withAgent() == agent).toList();
    }

    /** The median of one figure over a server's rounds (the mean of the middle two for an even count). */
    private double median(boolean agent, ToDoubleFunction<ServerRun> figure) {
        double[] v = of(agent).stream().mapToDouble(figure).sorted().toArray();
        if (v.length == 0) return Double.NaN;
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    double rps(boolean agent) {
        return median(agent, r -> r.load().requestsPerSecond());
    }

    double p99(boolean agent) {
        return median(agent, r -> r.load().p99Millis());
    }

    private long errors(boolean agent) {
        return of(agent).stream().mapToLong(r -> r.load().errors()).sum();
    }

    String settings() {
        return String.format(Locale.ROOT, "wrk -t %d -c %d, %d s measured after a %d s warm-up, %d round%s%s, loopback;"
                        + " agent options %s", opts.threads(), opts.connections(), opts.seconds(), opts.warmup(),
                opts.rounds(), opts.rounds() == 1 ? "" : "s", opts.rounds() > 1 ? " interleaved (median)" : "",
                opts.agentArgs());
    }

    /** One server's cells, in {@link #HEADER}'s order. */
    private List<String> cells(boolean agent) {
        String weft = "–";
        if (agent) {
            ServerRun last = of(true).get(of(true).size() - 1);
            weft = last.counters().isEmpty() ? "?" : TextTable.thousands(last.counters().getOrDefault("WeftWaits", 0L)) + " / "
                    + TextTable.thousands(last.counters().getOrDefault("WeftSelectorWaits", 0L)) + " / "
                    + TextTable.thousands(last.counters().getOrDefault("JdkFallbacks", 0L));
        }
        return List.of(
                agent ? "with the agent" : "without the agent",
                TextTable.thousands(rps(agent)),
                String.format(Locale.ROOT, "%.2f ms", median(agent, r -> r.load().p50Millis())),
                String.format(Locale.ROOT, "%.2f ms", p99(agent)),
                String.format(Locale.ROOT, "%.1f µs", median(agent, ServerRun::cpuMicrosPerRequest)),
                String.format(Locale.ROOT, "%.2f", median(agent, ServerRun::switchesPerRequest)),
                Long.toString(errors(agent)),
                weft);
    }

    private static final List<String> HEADER = List.of("server JVM", "requests/s", "p50", "p99", "server CPU / request",
            "server context switches / request", "errors", "Weft waits / selector waits / JDK fallbacks");

    /** "2 CPUs (model), 24 GiB, Linux 6.x, JDK" */
    static String describe(Host h) {
        return h.cpus() + " CPUs (" + h.cpuModel() + "), " + h.memory() + ", " + h.kernel() + ", " + h.jdk();
    }

    String ratios() {
        return String.format(Locale.ROOT, "agent / without: requests/s %.2f×, p99 %.2f× (p99 below 1: lower latency with the agent)",
                rps(true) / rps(false), p99(true) / p99(false));
    }

    String text() {
        StringBuilder sb = new StringBuilder();
        sb.append("Machine: ").append(describe(machine)).append("; load average at start ").append(machine.loadAtStart())
                .append('\n');
        sb.append("Settings: ").append(settings()).append('\n');
        if (agentLine != null) sb.append("Agent: ").append(agentLine).append('\n');
        sb.append('\n').append(TextTable.align(List.of(HEADER, cells(false), cells(true))));
        sb.append('\n').append(ratios()).append('\n');
        if (opts.rounds() > 1) {
            sb.append("\nEvery run:\n");
            for (ServerRun r : runs) sb.append("  ").append(runLine(r)).append('\n');
        }
        sb.append(TextTable.trailer(List.of(), took));
        return sb.toString();
    }

    private static String runLine(ServerRun r) {
        return String.format(Locale.ROOT, "round %d, %s: %s requests/s, p99 %.2f ms, server CPU %.1f µs/request, machine busy %.0f%%",
                r.round() + 1, r.withAgent() ? "with the agent" : "without the agent", TextTable.thousands(r.load().requestsPerSecond()),
                r.load().p99Millis(), r.cpuMicrosPerRequest(), 100 * r.machineBusy());
    }

    String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append(SECTION.begin()).append("\n\n");
        sb.append("Measured ").append(machine.date()).append(" with `./weft bench agent").append(opts.quick() ? " --quick" : "")
                .append("` (took ").append(String.format(Locale.ROOT, "%d min %02d s", took.toMinutes(), took.toSecondsPart()))
                .append(").\n\n");
        sb.append("- Machine: ").append(describe(machine)).append("; load average at start ").append(machine.loadAtStart())
                .append('\n');
        sb.append("- Load: ").append(wrkVersion).append(", ").append(settings()).append('\n');
        if (agentLine != null) sb.append("- The agent said: `").append(agentLine).append("`\n");
        sb.append('\n');
        sb.append("| ").append(String.join(" | ", HEADER)).append(" |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        sb.append("| ").append(String.join(" | ", cells(false))).append(" |\n");
        sb.append("| ").append(String.join(" | ", cells(true))).append(" |\n\n");
        sb.append(ratios().replace("agent / without", "**Agent / without**")).append(".\n\n");
        if (opts.rounds() > 1) {
            sb.append("<details><summary>Every run</summary>\n\n");
            for (ServerRun r : runs) sb.append("- ").append(runLine(r)).append('\n');
            sb.append("\n</details>\n\n");
        }
        sb.append(SECTION.end()).append('\n');
        return sb.toString();
    }

    /** For a one-line look at the medians in tests and logs. */
    @Override
    public String toString() {
        return Arrays.toString(new double[] {rps(false), rps(true), p99(false), p99(true)});
    }
}
