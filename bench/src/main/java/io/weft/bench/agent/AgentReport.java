package io.weft.bench.agent;

import io.weft.bench.DocsSection;
import io.weft.bench.MachineInfo;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** The agent benchmark's console summary and its section of docs/benchmarks.md. */
final class AgentReport {
    static final DocsSection SECTION = new DocsSection(
            "<!-- agent-bench:begin (written by ./weft bench agent; edits between these markers are replaced) -->",
            "<!-- agent-bench:end -->",
            "## Agent: `./weft bench agent`");

    private final AgentBenchOptions opts;
    private final MachineInfo machine;
    private final String wrkVersion;
    private final String agentLine;
    private final List<ServerRun> runs;
    private final Duration took;

    AgentReport(AgentBenchOptions opts, MachineInfo machine, String wrkVersion, String agentLine, List<ServerRun> runs,
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

    private String row(boolean agent, boolean markdown) {
        String weft = "–";
        if (agent) {
            ServerRun last = of(true).get(of(true).size() - 1);
            weft = last.counters().isEmpty() ? "?" : thousands(last.counters().getOrDefault("WeftWaits", 0L)) + " / "
                    + thousands(last.counters().getOrDefault("WeftSelectorWaits", 0L)) + " / "
                    + thousands(last.counters().getOrDefault("JdkFallbacks", 0L));
        }
        String sep = markdown ? " | " : " | ";
        return (markdown ? "| " : "  ") + String.join(sep,
                agent ? "with the agent" : "without the agent",
                thousands(rps(agent)),
                String.format(Locale.ROOT, "%.2f ms", median(agent, r -> r.load().p50Millis())),
                String.format(Locale.ROOT, "%.2f ms", p99(agent)),
                String.format(Locale.ROOT, "%.1f µs", median(agent, ServerRun::cpuMicrosPerRequest)),
                String.format(Locale.ROOT, "%.2f", median(agent, ServerRun::switchesPerRequest)),
                Long.toString(errors(agent)),
                weft) + (markdown ? " |" : "");
    }

    private static final String HEADER = "server JVM | requests/s | p50 | p99 | server CPU / request | server context switches / request | errors | Weft waits / selector waits / JDK fallbacks";

    String ratios() {
        return String.format(Locale.ROOT, "agent / without: requests/s %.2f×, p99 %.2f× (p99 below 1: lower latency with the agent)",
                rps(true) / rps(false), p99(true) / p99(false));
    }

    String text() {
        StringBuilder sb = new StringBuilder();
        sb.append("Machine: ").append(machine.oneLine()).append("; load average at start ").append(machine.loadAtStart())
                .append('\n');
        sb.append("Settings: ").append(settings()).append('\n');
        if (agentLine != null) sb.append("Agent: ").append(agentLine).append('\n');
        sb.append('\n').append("  ").append(HEADER).append('\n');
        sb.append(row(false, false)).append('\n').append(row(true, false)).append('\n');
        sb.append('\n').append(ratios()).append('\n');
        if (opts.rounds() > 1) {
            sb.append("\nEvery run:\n");
            for (ServerRun r : runs) sb.append("  ").append(runLine(r)).append('\n');
        }
        sb.append(String.format(Locale.ROOT, "%nTook %d min %02d s.%n", took.toMinutes(), took.toSecondsPart()));
        return sb.toString();
    }

    private static String runLine(ServerRun r) {
        return String.format(Locale.ROOT, "round %d, %s: %s requests/s, p99 %.2f ms, server CPU %.1f µs/request, machine busy %.0f%%",
                r.round() + 1, r.withAgent() ? "with the agent" : "without the agent", thousands(r.load().requestsPerSecond()),
                r.load().p99Millis(), r.cpuMicrosPerRequest(), 100 * r.machineBusy());
    }

    String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append(SECTION.begin()).append("\n\n");
        sb.append("Measured ").append(machine.date()).append(" with `./weft bench agent").append(opts.quick() ? " --quick" : "")
                .append("` (took ").append(String.format(Locale.ROOT, "%d min %02d s", took.toMinutes(), took.toSecondsPart()))
                .append(").\n\n");
        sb.append("- Machine: ").append(machine.oneLine()).append("; load average at start ").append(machine.loadAtStart())
                .append('\n');
        sb.append("- Load: ").append(wrkVersion).append(", ").append(settings()).append('\n');
        if (agentLine != null) sb.append("- The agent said: `").append(agentLine).append("`\n");
        sb.append('\n');
        sb.append("| ").append(HEADER).append(" |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        sb.append(row(false, true)).append('\n').append(row(true, true)).append("\n\n");
        sb.append(ratios().replace("agent / without", "**Agent / without**")).append(".\n\n");
        if (opts.rounds() > 1) {
            sb.append("<details><summary>Every run</summary>\n\n");
            for (ServerRun r : runs) sb.append("- ").append(runLine(r)).append('\n');
            sb.append("\n</details>\n\n");
        }
        sb.append(SECTION.end()).append('\n');
        return sb.toString();
    }

    static String thousands(double v) {
        return String.format(Locale.ROOT, "%,.0f", v).replace(',', '\u202f');
    }

    /** For a one-line look at the medians in tests and logs. */
    @Override
    public String toString() {
        return Arrays.toString(new double[] {rps(false), rps(true), p99(false), p99(true)});
    }
}
