package io.weft.bench.files;

import io.weft.bench.DocSection;
import io.weft.bench.Host;
import io.weft.bench.TextTable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The files benchmark's console report and its section of docs/benchmarks.md. */
final class FilesReport {
    static final DocSection SECTION = new DocSection("files-bench", "./weft bench files", "## Files: `./weft bench files`");
    static final String CHART_FILE = "files-bench.png";

    private static final List<String> HEADER = List.of("reader", "reads/s", "vs JDK virtual", "p50", "p99", "p99 vs JDK virtual",
            "p99.9", "max", "CPU / read");

    private final FilesBenchOptions opts;
    private final Host host;
    private final String fileSystem;
    private final List<FilesRun> runs;
    private final List<String> notes;
    private final Duration took;

    FilesReport(FilesBenchOptions opts, Host host, String fileSystem, List<FilesRun> runs, List<String> notes, Duration took) {
        this.opts = opts;
        this.host = host;
        this.fileSystem = fileSystem;
        this.runs = List.copyOf(runs);
        this.notes = List.copyOf(notes);
        this.took = took;
    }

    FilesBenchOptions opts() {
        return opts;
    }

    Host host() {
        return host;
    }

    List<FilesRun> runs() {
        return runs;
    }

    List<String> notes() {
        return notes;
    }

    boolean anyFailed() {
        return runs.stream().anyMatch(r -> !r.ok());
    }

    /** The modes that were measured, in the order of the options. */
    List<CacheMode> modes() {
        return opts.modes().stream().filter(m -> runs.stream().anyMatch(r -> r.mode() == m)).toList();
    }

    /** The row of {@code target} in {@code mode}, or null. */
    FilesRun run(CacheMode mode, FilesTarget target) {
        return runs.stream().filter(r -> r.mode() == mode && r.target() == target).findFirst().orElse(null);
    }

    /** Reads per second relative to the baseline's in the same mode; NaN without one. */
    double throughputRatio(FilesRun r) {
        FilesRun base = run(r.mode(), FilesTarget.BASELINE);
        if (base == null || !base.ok() || !r.ok()) return Double.NaN;
        return r.measured().readsPerSecond() / base.measured().readsPerSecond();
    }

    /** p99 relative to the baseline's (below 1: lower latency than the JDK's virtual threads). */
    private double p99Ratio(FilesRun r) {
        FilesRun base = run(r.mode(), FilesTarget.BASELINE);
        if (base == null || !base.ok() || !r.ok()) return Double.NaN;
        return r.micros(99) / base.micros(99);
    }

    /** What was wrong with a row's measurement, for its note. */
    static String problems(FilesRun r) {
        RandomReads.Measured m = r.measured();
        List<String> p = new ArrayList<>();
        if (m.reads() == 0) p.add("no read completed in the measured window");
        if (m.wrong() > 0) p.add(m.wrong() + " reads returned a short or wrong block");
        if (m.unfinished() > 0) p.add(m.unfinished() + " readers had not returned a minute after the end");
        if (m.error() != null) p.add("a reader failed: " + m.error());
        return String.join("; ", p);
    }

    private List<String> cells(FilesRun r) {
        if (r.measured() == null) {
            return List.of(r.target().label, "failed", "", "", "", "", "", "", "");
        }
        boolean base = r.target() == FilesTarget.BASELINE;
        return List.of(
                r.target().label + (r.ok() ? "" : " (FAILED)"),
                TextTable.thousands(r.measured().readsPerSecond()),
                base ? "1.00×" : ratio(throughputRatio(r)),
                micros(r.micros(50)),
                micros(r.micros(99)),
                base ? "1.00×" : ratio(p99Ratio(r)),
                micros(r.micros(99.9)),
                micros(r.measured().latency().getMaxValue() / 1000.0),
                String.format(Locale.ROOT, "%.1f µs", r.cpuMicrosPerRead()));
    }

    private List<List<String>> rows(CacheMode mode) {
        List<List<String>> rows = new ArrayList<>();
        for (FilesTarget t : opts.targets()) {
            FilesRun r = run(mode, t);
            if (r != null) rows.add(cells(r));
        }
        return rows;
    }

    /** The readers' threads, once each ("Weft io_uring: Weft virtual threads on 2 io_uring carriers"). */
    private Map<FilesTarget, String> threads() {
        Map<FilesTarget, String> m = new LinkedHashMap<>();
        for (FilesTarget t : opts.targets()) {
            runs.stream().filter(r -> r.target() == t && !"?".equals(r.threads())).findFirst()
                    .ifPresent(r -> m.put(t, r.threads()));
        }
        return m;
    }

    String settings() {
        return String.format(Locale.ROOT, "%s threads, each a closed loop of positional %d B reads at random block-aligned"
                        + " offsets (direct, 4 KiB-aligned buffers) of one shared channel on a %s file (%s);"
                        + " %s s warm-up + %s s measured per row, rows one after another in one JVM",
                TextTable.thousands(opts.threads()), FilesBenchOptions.BLOCK, bytes(opts.fileBytes()), fileSystem,
                trim(opts.warmup()), trim(opts.seconds()));
    }

    String text() {
        StringBuilder sb = new StringBuilder();
        sb.append("Machine: ").append(machine()).append('\n');
        sb.append("Settings: ").append(settings()).append('\n');
        threads().forEach((t, d) -> sb.append("  ").append(t.label).append(": ").append(d).append('\n'));
        for (CacheMode mode : modes()) {
            sb.append('\n').append(mode.label).append('\n');
            List<List<String>> rows = new ArrayList<>();
            rows.add(HEADER);
            rows.addAll(rows(mode));
            sb.append(TextTable.align(rows));
        }
        sb.append("\nRatios are to ").append(FilesTarget.BASELINE.label)
                .append(" in the same mode and run (reads/s above 1, p99 below 1: better than it).\n");
        List<String> all = new ArrayList<>(notes);
        for (FilesRun r : runs) {
            if (!r.note().isEmpty()) all.add(r.mode().key + ", " + r.target().key + ": " + r.note());
        }
        sb.append(TextTable.trailer(all, took));
        return sb.toString();
    }

    private String machine() {
        return String.format(Locale.ROOT, "%d CPUs (%s), %s, %s, %s; load average at start %s", host.cpus(), host.cpuModel(),
                host.memory(), host.kernel(), host.jdk(), host.loadAtStart());
    }

    String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append(SECTION.begin()).append("\n\n");
        sb.append("Measured ").append(host.date()).append(" with `./weft bench files").append(opts.quick() ? " --quick" : "")
                .append("` (took ").append(String.format(Locale.ROOT, "%d min %02d s", took.toMinutes(), took.toSecondsPart()))
                .append(").\n\n");
        sb.append("- Machine: ").append(machine()).append('\n');
        sb.append("- Settings: ").append(settings()).append('\n');
        threads().forEach((t, d) -> sb.append("- ").append(t.label).append(": ").append(d).append('\n'));
        for (String n : notes) sb.append("- Note: ").append(n).append('\n');
        sb.append("\n![Files: reads per second](").append(CHART_FILE).append(")\n");
        for (CacheMode mode : modes()) {
            sb.append("\n### ").append(mode.label.substring(0, 1).toUpperCase(Locale.ROOT)).append(mode.label.substring(1))
                    .append("\n\n");
            sb.append("| ").append(String.join(" | ", HEADER)).append(" |\n|---|").append("---:|".repeat(HEADER.size() - 1))
                    .append('\n');
            for (List<String> row : rows(mode)) sb.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        sb.append("\nRatios are to ").append(FilesTarget.BASELINE.label)
                .append(" in the same mode and run: reads/s above 1 and p99 below 1 are better than it.\n");
        List<String> problems = runs.stream().filter(r -> !r.note().isEmpty())
                .map(r -> r.mode().key + ", " + r.target().key + ": " + r.note()).toList();
        if (!problems.isEmpty()) {
            sb.append('\n');
            for (String p : problems) sb.append("- Problem: ").append(p).append('\n');
        }
        sb.append('\n').append(SECTION.end()).append('\n');
        return sb.toString();
    }

    /** Writes the chart beside benchmarks.md and the section into it. */
    void writeDocs(Path dir, PrintStream out) throws IOException {
        Files.createDirectories(dir);
        Path png = dir.resolve(CHART_FILE);
        FilesChart.render(this, png);
        Path md = dir.resolve("benchmarks.md");
        SECTION.writeTo(md, markdown());
        out.println("Wrote " + md + " (Files section) and " + png);
    }

    static String bytes(long n) {
        if (n % (1L << 30) == 0) return (n >> 30) + " GiB";
        if (n % (1L << 20) == 0) return (n >> 20) + " MiB";
        if (n % (1L << 10) == 0) return (n >> 10) + " KiB";
        return n + " B";
    }

    private static String micros(double us) {
        if (us >= 10_000) return String.format(Locale.ROOT, "%.1f ms", us / 1000);
        return String.format(Locale.ROOT, us < 10 ? "%.1f µs" : "%.0f µs", us);
    }

    private static String ratio(double r) {
        return Double.isNaN(r) ? "–" : String.format(Locale.ROOT, "%.2f×", r);
    }

    static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
