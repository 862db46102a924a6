package io.weft.bench.pooler;

import io.weft.bench.DocSection;
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

/** The console tables, the Markdown section of docs/benchmarks.md and the chart. */
final class Report {
    static final DocSection SECTION = new DocSection("pooler-bench", "./weft bench pooler", "## Pooler: `./weft bench pooler`");
    static final String CHART_FILE = "pooler-bench.png";

    private final BenchOptions opts;
    private final List<Target> targets;
    private final Results results;
    private final Machine machine;
    private final Map<Target, String> descriptions;
    private final List<String> notes;
    private final Duration took;

    Report(BenchOptions opts, List<Target> targets, Results results, Machine machine, Map<Target, String> descriptions,
           List<String> notes, Duration took) {
        this.opts = opts;
        this.targets = targets;
        this.results = results;
        this.machine = machine;
        this.descriptions = descriptions;
        this.notes = notes;
        this.took = took;
    }

    String settings() {
        return String.format(Locale.ROOT, "%s pipeline, pool %d server connections (pooler max_size = PgBouncer"
                        + " default_pool_size), clients %s, pgbench -j %d, %d s per run after a %d s warm-up, %d round%s%s,"
                        + " scale %d, Weft carriers %s",
                opts.pipeline(), opts.poolSize(), opts.clients(), opts.jobs(), opts.durationSec(), opts.warmupSec(),
                opts.rounds(), opts.rounds() == 1 ? "" : "s", opts.rounds() > 1 ? " (median)" : "", opts.scale(),
                opts.carriers() == 0 ? "= CPUs" : Integer.toString(opts.carriers()));
    }

    // -------------------------------------------------------------------------------------
    // Console

    String text() {
        StringBuilder sb = new StringBuilder();
        sb.append(machine.oneLine()).append('\n');
        sb.append("Settings: ").append(settings()).append('\n');
        for (Target t : targets) {
            String d = descriptions.get(t);
            if (d != null) sb.append("  ").append(t.label).append(": ").append(d).append('\n');
        }
        for (Workload w : opts.workloads()) {
            sb.append('\n').append(w.label).append(" (").append(w.description).append("): TPS (average latency)");
            if (targets.contains(Target.PGBOUNCER)) sb.append(", pooler TPS / PgBouncer TPS");
            sb.append('\n');
            List<List<String>> rows = new ArrayList<>();
            List<String> header = new ArrayList<>(List.of("clients"));
            for (Target t : targets) header.add(t.label);
            rows.add(header);
            for (int c : opts.clients()) {
                List<String> row = new ArrayList<>(List.of(Integer.toString(c)));
                for (Target t : targets) row.add(textCell(w, c, t));
                rows.add(row);
            }
            sb.append(TextTable.align(rows));
        }
        sb.append(TextTable.trailer(problems(), took));
        return sb.toString();
    }

    private String textCell(Workload w, int c, Target t) {
        Results.Cell cell = results.cell(w, c, t);
        if (!cell.present()) return cell.skipped() ? "n/a" : "failed";
        String s = String.format(Locale.ROOT, "%.0f (%.2f ms)", cell.tps(), cell.latencyMs());
        double ratio = results.ratioToPgBouncer(w, c, t);
        if (t != Target.PGBOUNCER && t != Target.DIRECT && !Double.isNaN(ratio)) {
            s += String.format(Locale.ROOT, " %.2fx", ratio);
        }
        if (cell.n() > 1) s += String.format(Locale.ROOT, " [%.0f-%.0f]", cell.minTps(), cell.maxTps());
        return s;
    }

    private List<String> problems() {
        List<String> out = new ArrayList<>(notes);
        for (Workload w : opts.workloads()) {
            for (Target t : targets) {
                String skip = null;
                for (int c : opts.clients()) {
                    Results.Cell cell = results.cell(w, c, t);
                    if (cell.problem() == null) continue;
                    if (cell.skipped()) {
                        skip = cell.problem();
                    } else {
                        out.add(t.label + ", " + w.label + ", " + c + " clients: " + cell.problem().replace("\n", " / "));
                    }
                }
                if (skip != null) out.add(t.label + ", " + w.label + ": n/a: " + skip);
            }
        }
        return out;
    }

    // -------------------------------------------------------------------------------------
    // Markdown

    String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append(SECTION.begin()).append("\n\n");
        sb.append("Measured ").append(machine.date()).append(" with `./weft bench pooler")
                .append(commandLineFlags()).append("` (took ")
                .append(String.format(Locale.ROOT, "%d min %02d s", took.toMinutes(), took.toSecondsPart())).append(").\n\n");
        sb.append("- Machine: ").append(machine.cpus()).append(" CPUs (`nproc`), ").append(machine.cpuModel())
                .append(", ").append(machine.memory()).append(", ").append(machine.kernel())
                .append("; load average at start ").append(machine.loadAtStart()).append('\n');
        sb.append("- Software: ").append(machine.jdk()).append("; ").append(machine.postgres())
                .append(" (throwaway, fsync off, shared_buffers 256MB); ").append(machine.pgbouncer()).append('\n');
        sb.append("- Settings: ").append(settings()).append('\n');
        for (Target t : targets) {
            if (t.isWeftPooler() && descriptions.get(t) != null) {
                sb.append("- ").append(t.label).append(": the pooler's threads ran as ").append(descriptions.get(t)).append('\n');
            }
        }
        sb.append('\n');
        sb.append("Cells: TPS without the initial connection time (average latency).");
        if (targets.contains(Target.PGBOUNCER)) {
            sb.append(" Beside each pooler column's TPS: its ratio to PgBouncer's TPS in the same run (above 1: faster than PgBouncer).");
        }
        sb.append("\n\n");
        for (Workload w : opts.workloads()) {
            sb.append("### ").append(w.label).append(" (`").append(w.description).append("`)\n\n");
            sb.append("| clients |");
            for (Target t : targets) sb.append(' ').append(t.label).append(" |");
            sb.append("\n|---:|");
            sb.append("---:|".repeat(targets.size()));
            sb.append('\n');
            for (int c : opts.clients()) {
                sb.append("| ").append(c).append(" |");
                for (Target t : targets) sb.append(' ').append(mdCell(w, c, t)).append(" |");
                sb.append('\n');
            }
            sb.append('\n');
        }
        sb.append("![pgbench TPS per target, client count and workload](").append(CHART_FILE).append(")\n\n");
        sb.append(cpuTable());
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            sb.append("Notes from the run:\n\n");
            for (String p : problems) sb.append("- ").append(p.replace("|", "\\|")).append('\n');
            sb.append('\n');
        }
        if (opts.rounds() > 1) sb.append(allRuns());
        sb.append(SECTION.end()).append('\n');
        return sb.toString();
    }

    private String commandLineFlags() {
        StringBuilder sb = new StringBuilder();
        if (opts.quick()) sb.append(" --quick");
        if (!opts.pipeline().equals("session")) sb.append(" --pipeline ").append(opts.pipeline());
        if (opts.rounds() != 1) sb.append(" --rounds ").append(opts.rounds());
        return sb.toString();
    }

    private String mdCell(Workload w, int c, Target t) {
        Results.Cell cell = results.cell(w, c, t);
        if (!cell.present()) return cell.skipped() ? "n/a" : "failed";
        String s = String.format(Locale.ROOT, "%s (%.2f ms)", TextTable.thousands(cell.tps()), cell.latencyMs());
        double ratio = results.ratioToPgBouncer(w, c, t);
        if (t != Target.PGBOUNCER && t != Target.DIRECT && !Double.isNaN(ratio)) {
            String r = String.format(Locale.ROOT, "%.2f×", ratio);
            s += ratio >= 1 ? " **" + r + "**" : " " + r;
        }
        return s;
    }

    /** Where the CPU went in each measured run (the median round), and the pooler's CPU per transaction. */
    private String cpuTable() {
        StringBuilder sb = new StringBuilder();
        sb.append("<details><summary>Where the CPU went (share of all ").append(machine.cpus())
                .append(" CPUs during each measured run, from /proc)</summary>\n\n");
        sb.append("\"pooler\" is the benchmark JVM's own CPU time (the Weft pooler runs in it) or the PgBouncer process;"
                + " \"other\" is busy time charged to none of these: other jobs on the machine (noise) and kernel"
                + " threads such as ksoftirqd. \"irq\" is interrupt and softirq time, mostly the loopback network"
                + " stack (a pooler doubles the packets); the kernel here (tick-based accounting) also charges it to"
                + " the process it interrupted, so it overlaps the other columns rather than adding to them."
                + " \"µs/txn\" is the pooler's CPU time per pgbench transaction, \"cs/txn\" the context switches of"
                + " the pooler's threads per transaction, \"GC\" the JVM's collector time during the run.\n\n");
        sb.append("| workload | clients | target | TPS | pgbench | postgres | pooler | irq | other | idle | µs/txn | cs/txn | GC |\n");
        sb.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Workload w : opts.workloads()) {
            for (int c : opts.clients()) {
                for (Target t : targets) {
                    Results.Cell cell = results.cell(w, c, t);
                    if (!cell.present()) continue;
                    CpuMeter.Split s = cell.cpu();
                    boolean proxy = t != Target.DIRECT;
                    // From the same round as the CPU split.
                    double usPerTxn = proxy && cell.cpuTps() > 0 ? s.proxy() * machine.cpus() / cell.cpuTps() * 1e6 : Double.NaN;
                    double csPerTxn = proxy && cell.transactions() > 0 ? s.proxySwitches() / (double) cell.transactions() : Double.NaN;
                    sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %.0f%% | %.0f%% | %s | %.0f%% | %.0f%% | %.0f%% | %s | %s | %s |%n",
                            w.label, c, t.label, TextTable.thousands(cell.tps()), 100 * s.pgbench(), 100 * s.postgres(),
                            proxy ? String.format(Locale.ROOT, "%.0f%%", 100 * s.proxy()) : "–",
                            100 * s.irq(), 100 * s.other(), 100 * (s.idle() + s.steal()),
                            Double.isNaN(usPerTxn) ? "–" : String.format(Locale.ROOT, "%.0f", usPerTxn),
                            Double.isNaN(csPerTxn) ? "–" : String.format(Locale.ROOT, "%.1f", csPerTxn),
                            t.isWeftPooler() ? s.gcMillis() + " ms" : "–"));
                }
            }
        }
        sb.append("\n</details>\n\n");
        return sb.toString();
    }

    private String allRuns() {
        StringBuilder sb = new StringBuilder();
        sb.append("<details><summary>Every round</summary>\n\n| workload | clients | target | round | TPS | latency | other CPU |\n");
        sb.append("|---|---:|---|---:|---:|---:|---:|\n");
        for (Run r : results.all()) {
            if (r.status() == Run.Status.SKIPPED) continue;
            sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %d | %s | %s | %s |%n", r.workload().label, r.clients(),
                    r.target().label, r.round() + 1, r.ok() ? TextTable.thousands(r.tps()) : "failed",
                    r.ok() ? String.format(Locale.ROOT, "%.2f ms", r.latencyMs()) : "",
                    r.ok() ? String.format(Locale.ROOT, "%.0f%%", 100 * r.cpu().other()) : ""));
        }
        sb.append("\n</details>\n\n");
        return sb.toString();
    }

    // -------------------------------------------------------------------------------------
    // Files

    /** Writes DIR/pooler-bench.png and the generated part of DIR/benchmarks.md's Pooler section. */
    void writeDocs(Path dir, PrintStream out) throws IOException {
        Files.createDirectories(dir);
        Path png = dir.resolve(CHART_FILE);
        Chart.render(this, png);
        Path md = dir.resolve("benchmarks.md");
        SECTION.writeTo(md, markdown());
        out.println("Wrote " + md + " (Pooler section) and " + png);
    }

    // accessors for the chart
    BenchOptions opts() {
        return opts;
    }

    List<Target> targets() {
        return targets;
    }

    Results results() {
        return results;
    }

    Machine machine() {
        return machine;
    }
}
