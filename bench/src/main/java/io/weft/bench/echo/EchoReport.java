package io.weft.bench.echo;

import io.weft.bench.DocSection;
import io.weft.bench.Host;
import io.weft.bench.TextTable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The echo benchmark's console table, its Markdown section of docs/benchmarks.md and its chart.
 * Every ratio compares a server with the JDK's virtual threads in the same cell of the same run
 * and reads "above 1: better": more requests per second, lower latency, less CPU per request.
 */
final class EchoReport {
    static final DocSection SECTION = new DocSection("echo-bench", "./weft bench echo", "## Echo: `./weft bench echo`");
    static final String CHART_FILE = "echo-bench.png";

    private final EchoOptions opts;
    private final List<EchoRun> runs;
    private final Host host;
    private final Map<Impl, String> descriptions;
    private final Duration took;

    EchoReport(EchoOptions opts, List<EchoRun> runs, Host host, Map<Impl, String> descriptions, Duration took) {
        this.opts = opts;
        this.runs = runs;
        this.host = host;
        this.descriptions = descriptions;
        this.took = took;
    }

    List<EchoRun> runs() {
        return runs;
    }

    EchoOptions opts() {
        return opts;
    }

    Host host() {
        return host;
    }

    boolean anyFailed() {
        return runs.stream().anyMatch(r -> r.status() == EchoRun.Status.FAILED);
    }

    /** The run of {@code impl} in a cell, or null. */
    EchoRun run(Impl impl, int connections, int size) {
        for (EchoRun r : runs) {
            if (r.impl() == impl && r.connections() == connections && r.size() == size) return r;
        }
        return null;
    }

    /** Requests per second over the baseline's in the same cell; NaN if either is missing. */
    double throughputRatio(EchoRun r) {
        return ratio(r, x -> x.load().requestsPerSecond(), false);
    }

    /**
     * {@code metric} of {@code r} against the baseline's in the same cell, oriented so that
     * above 1 is better: r over baseline when higher is better, baseline over r when lower is.
     */
    private double ratio(EchoRun r, ToDoubleFunction<EchoRun> metric, boolean lowerIsBetter) {
        if (r == null || !r.ok() || r.impl() == Impl.BASELINE) return Double.NaN;
        EchoRun base = run(Impl.BASELINE, r.connections(), r.size());
        if (base == null || !base.ok()) return Double.NaN;
        double mine = metric.applyAsDouble(r);
        double theirs = metric.applyAsDouble(base);
        if (!(mine > 0) || !(theirs > 0)) return Double.NaN;
        return lowerIsBetter ? theirs / mine : mine / theirs;
    }

    static String sizeLabel(int size) {
        return size % 1024 == 0 ? size / 1024 + " KiB" : size + " B";
    }

    String settings() {
        return String.format(Locale.ROOT, "connections %s, messages %s, %s s warm-up + %s s measured per cell, load generator"
                        + " with %s, servers and load each in a JVM of their own (%s)",
                String.join(", ", opts.connections().stream().map(String::valueOf).toList()),
                String.join(" and ", opts.sizes().stream().map(EchoReport::sizeLabel).toList()),
                trim(opts.warmupSec()), trim(opts.durationSec()),
                opts.loadThreads() > 0 ? opts.loadThreads() + " selector threads" : "one selector thread per CPU",
                String.join(" ", ChildJvm.COMMON_FLAGS));
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    // -------------------------------------------------------------------------------------
    // Console

    String text() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Machine: %d CPUs (%s), %s, %s, %s; load average at start %s%n", host.cpus(),
                host.cpuModel(), host.memory(), host.kernel(), host.jdk(), host.loadAtStart()));
        sb.append("Settings: ").append(settings()).append('\n');
        for (Impl i : opts.impls()) {
            if (descriptions.containsKey(i)) sb.append("  ").append(i.label).append(": ").append(descriptions.get(i)).append('\n');
        }
        for (int size : opts.sizes()) {
            sb.append('\n').append(sizeLabel(size)).append(" messages. In brackets: the ratio to ").append(Impl.BASELINE.label)
                    .append(" in the same cell, above 1 is better (more req/s, lower latency, less CPU per request).\n");
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("connections", "server", "req/s", "p50 µs", "p99 µs", "server CPU s", "CPU µs/req"));
            for (int c : opts.connections()) {
                for (Impl i : opts.impls()) {
                    EchoRun r = run(i, c, size);
                    if (r == null) continue;
                    List<String> row = new ArrayList<>(List.of(Integer.toString(c), i.label));
                    if (!r.ok()) {
                        String why = r.status() == EchoRun.Status.SKIPPED ? "skipped" : "failed";
                        row.addAll(List.of(why, "", "", "", ""));
                    } else {
                        LoadResult l = r.load();
                        row.add(withRatio("%.0f", l.requestsPerSecond(), throughputRatio(r), "x"));
                        row.add(withRatio("%.1f", l.p50Micros(), ratio(r, x -> x.load().p50Micros(), true), "x"));
                        row.add(withRatio("%.1f", l.p99Micros(), ratio(r, x -> x.load().p99Micros(), true), "x"));
                        row.add(String.format(Locale.ROOT, "%.2f", r.serverCpuSeconds()));
                        row.add(withRatio("%.1f", r.cpuMicrosPerRequest(), ratio(r, EchoRun::cpuMicrosPerRequest, true), "x"));
                    }
                    rows.add(row);
                }
            }
            sb.append(TextTable.align(rows));
        }
        sb.append(TextTable.trailer(problems(), took));
        return sb.toString();
    }

    private static String withRatio(String format, double value, double ratio, String times) {
        String s = String.format(Locale.ROOT, format, value);
        return Double.isNaN(ratio) ? s : s + String.format(Locale.ROOT, " (%.2f%s)", ratio, times);
    }

    /** Failures, skips and oddities (a server that did not stop cleanly), one line each. */
    List<String> problems() {
        List<String> out = new ArrayList<>();
        for (EchoRun r : runs) {
            if (r.note() == null || r.note().isEmpty()) continue;
            out.add(r.impl().label + ", " + r.connections() + " connections, " + sizeLabel(r.size()) + ": "
                    + (r.status() == EchoRun.Status.OK ? "" : r.status().name().toLowerCase(Locale.ROOT) + ": ")
                    + r.note().replace("\n", " / "));
        }
        return out;
    }

    // -------------------------------------------------------------------------------------
    // Markdown

    String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append(SECTION.begin()).append("\n\n");
        sb.append("Measured ").append(host.date()).append(" with `./weft bench echo").append(commandLineFlags())
                .append("` (took ").append(String.format(Locale.ROOT, "%d min %02d s", took.toMinutes(), took.toSecondsPart()))
                .append(").\n\n");
        sb.append("- Machine: ").append(host.cpus()).append(" CPUs (`nproc`), ").append(host.cpuModel()).append(", ")
                .append(host.memory()).append(", ").append(host.kernel()).append("; load average at start ")
                .append(host.loadAtStart()).append('\n');
        sb.append("- Software: ").append(host.jdk()).append('\n');
        sb.append("- Settings: ").append(settings()).append('\n');
        for (Impl i : opts.impls()) {
            if (descriptions.containsKey(i)) sb.append("- ").append(i.label).append(": ").append(descriptions.get(i)).append('\n');
        }
        sb.append('\n');
        sb.append("Cells: the value, and in brackets its ratio to ").append(Impl.BASELINE.label)
                .append(" in the same cell, oriented so that above 1 is better: more requests per second, lower latency,"
                        + " less server CPU time per request. \"CPU s\" is the server process's CPU time (user + system) over"
                        + " the measured window.\n\n");
        for (int size : opts.sizes()) {
            sb.append("### ").append(sizeLabel(size)).append(" messages\n\n");
            sb.append("| connections | server | req/s | p50 | p99 | CPU s | CPU per request |\n");
            sb.append("|---:|---|---:|---:|---:|---:|---:|\n");
            for (int c : opts.connections()) {
                for (Impl i : opts.impls()) {
                    EchoRun r = run(i, c, size);
                    if (r == null) continue;
                    sb.append("| ").append(TextTable.thousands(c)).append(" | ").append(i.label).append(" | ");
                    if (!r.ok()) {
                        sb.append(r.status() == EchoRun.Status.SKIPPED ? "n/a" : "failed").append(" | | | | |\n");
                        continue;
                    }
                    LoadResult l = r.load();
                    sb.append(mdRatio(TextTable.thousands(l.requestsPerSecond()), throughputRatio(r))).append(" | ");
                    sb.append(mdRatio(micros(l.p50Micros()), ratio(r, x -> x.load().p50Micros(), true))).append(" | ");
                    sb.append(mdRatio(micros(l.p99Micros()), ratio(r, x -> x.load().p99Micros(), true))).append(" | ");
                    sb.append(String.format(Locale.ROOT, "%.2f", r.serverCpuSeconds())).append(" | ");
                    sb.append(mdRatio(micros(r.cpuMicrosPerRequest()), ratio(r, EchoRun::cpuMicrosPerRequest, true))).append(" |\n");
                }
            }
            sb.append('\n');
        }
        sb.append("![Echo requests per second per server, connection count and message size](").append(CHART_FILE).append(")\n\n");
        sb.append(loadTable());
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            sb.append("Notes from the run:\n\n");
            for (String p : problems) sb.append("- ").append(p.replace("|", "\\|")).append('\n');
            sb.append('\n');
        }
        sb.append(SECTION.end()).append('\n');
        return sb.toString();
    }

    private String commandLineFlags() {
        StringBuilder sb = new StringBuilder();
        if (opts.quick()) sb.append(" --quick");
        EchoOptions defaults = EchoOptions.parse(opts.quick() ? new String[] {"--quick"} : new String[0]);
        if (!opts.impls().equals(defaults.impls())) {
            sb.append(" --impls ").append(String.join(",", opts.impls().stream().map(i -> i.key).toList()));
        }
        if (!opts.connections().equals(defaults.connections())) {
            sb.append(" --connections ").append(String.join(",", opts.connections().stream().map(String::valueOf).toList()));
        }
        if (!opts.sizes().equals(defaults.sizes())) {
            sb.append(" --sizes ").append(String.join(",", opts.sizes().stream().map(String::valueOf).toList()));
        }
        if (opts.warmupSec() != defaults.warmupSec()) sb.append(" --warmup ").append(trim(opts.warmupSec()));
        if (opts.durationSec() != defaults.durationSec()) sb.append(" --duration ").append(trim(opts.durationSec()));
        if (opts.loadThreads() > 0) sb.append(" --load-threads ").append(opts.loadThreads());
        return sb.toString();
    }

    private static String micros(double us) {
        if (Double.isNaN(us)) return "–";
        if (us >= 10_000) return String.format(Locale.ROOT, "%.1f ms", us / 1000);
        if (us >= 1000) return String.format(Locale.ROOT, "%.2f ms", us / 1000);
        if (us >= 100) return String.format(Locale.ROOT, "%.0f µs", us);
        return String.format(Locale.ROOT, "%.1f µs", us);
    }

    private static String mdRatio(String value, double ratio) {
        if (Double.isNaN(ratio)) return value;
        String r = String.format(Locale.ROOT, "%.2f×", ratio);
        return value + " (" + (ratio >= 1 ? "**" + r + "**" : r) + ")";
    }

    /** What the load generator did in each cell: the verification behind every figure. */
    private String loadTable() {
        StringBuilder sb = new StringBuilder();
        sb.append("<details><summary>The load generator's side of each cell</summary>\n\n");
        sb.append("\"verified\" counts the echoes compared byte for byte with the message sent (warm-up and drain"
                + " included); \"idle\" the connections that completed no request in the measured window; \"load CPU\""
                + " the load generator's own CPU time over the window; \"stop\" how the server ended when its input was"
                + " closed.\n\n");
        sb.append("| size | connections | server | requests | verified | idle | max latency | load CPU s | stop |\n");
        sb.append("|---:|---:|---|---:|---:|---:|---:|---:|---|\n");
        for (int size : opts.sizes()) {
            for (int c : opts.connections()) {
                for (Impl i : opts.impls()) {
                    EchoRun r = run(i, c, size);
                    if (r == null || r.load() == null) continue;
                    LoadResult l = r.load();
                    sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %d | %s | %.2f | %s |%n", sizeLabel(size),
                            TextTable.thousands(c), i.label, TextTable.thousands(l.requests()),
                            TextTable.thousands(l.verified()), l.idle(), micros(l.maxMicros()), l.loadCpuSeconds(),
                            r.serverStop() == null ? "–" : r.serverStop()));
                }
            }
        }
        sb.append("\n</details>\n\n");
        return sb.toString();
    }

    // -------------------------------------------------------------------------------------
    // Files

    /** Writes DIR/echo-bench.png and the generated part of DIR/benchmarks.md's Echo section. */
    void writeDocs(Path dir, PrintStream out) throws IOException {
        Files.createDirectories(dir);
        Path png = dir.resolve(CHART_FILE);
        EchoChart.render(this, descriptions, png);
        Path md = dir.resolve("benchmarks.md");
        SECTION.writeTo(md, markdown());
        out.println("Wrote " + md + " (Echo section) and " + png);
    }
}
