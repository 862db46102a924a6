package io.weft.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs JMH benchmarks with JMH's Runner and prints, after JMH's own table, each weft row's
 * score as a ratio against the JDK baseline measured in the same run with the same parameters.
 * Shared by every suite of this module: {@code io.weft.bench.poller.Ratios} (baseline: the JDK's
 * {@code Selector}) and {@code io.weft.bench.scheduler.Ratios} (baseline: the JDK's default
 * virtual-thread scheduler); this class's own {@link #main} runs them all.
 *
 * <p>Takes JMH's command line ({@code -f 1 -wi 2 -i 3 -w 1s -r 1s}, include patterns, {@code -p},
 * {@code -prof}, {@code -rf json}, ...). Without an include pattern it runs the suite's package.
 * {@code -h}, {@code -l}, {@code -lp}, {@code -lprof} and {@code -lrf} are handed to JMH's own main.
 *
 * <p>Rows are matched by benchmark class, parameters and mode; within such a set the baseline
 * is the method named in {@link #BASELINES} ({@code jdkSelector} for the pollers, {@code jdk} for
 * the schedulers), so a new benchmark class takes part by naming its JDK method so.
 *
 * <p>The ratio is a speed-up, so above 1 means weft is faster whatever the mode: the score
 * over the baseline's for throughput, the baseline's over the score for time per operation.
 * The range beside it combines both scores' 99.9% confidence intervals (worst and best case);
 * a range that spans 1 is no evidence either way.
 */
public final class Ratios {
    /** The JDK's own mechanism, one name per suite: a set's baseline is the first of these it has. */
    public static final List<String> BASELINES = List.of("jdkSelector", "jdk");
    /** An error above this fraction of the score marks the row as noisy. */
    static final double NOISY = 0.10;

    private Ratios() {}

    /** Every suite: without an include pattern, everything in {@code io.weft.bench}. */
    public static void main(String[] args) throws Exception {
        run(args, "io\\.weft\\.bench\\..*", "Weft against the JDK");
    }

    /**
     * Runs JMH with {@code args} and prints the ratio table.
     *
     * @param defaultInclude the include pattern when {@code args} names none
     * @param title          what is compared, the first line above the table
     */
    public static void run(String[] args, String defaultInclude, String title) throws Exception {
        CommandLineOptions cmd;
        try {
            cmd = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            System.err.println("Error parsing command line: " + e.getMessage());
            System.exit(1);
            return;
        }
        if (cmd.shouldHelp() || cmd.shouldList() || cmd.shouldListWithParams() || cmd.shouldListProfilers()
                || cmd.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        ChainedOptionsBuilder options = new OptionsBuilder().parent(cmd);
        if (cmd.getIncludes().isEmpty()) {
            options.include(defaultInclude);
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        print(results, System.out, title);
    }

    /** One measured score. */
    record Row(String group, String params, String method, Mode mode, double score, double error, String unit) {
        boolean timePerOp() {
            return mode != Mode.Throughput;
        }

        double low() {
            return Double.isFinite(error) ? score - error : Double.NaN;
        }

        double high() {
            return Double.isFinite(error) ? score + error : Double.NaN;
        }
    }

    static Row row(RunResult r) {
        BenchmarkParams p = r.getParams();
        String name = p.getBenchmark();
        int dot = name.lastIndexOf('.');
        String cls = name.substring(0, dot);
        String group = cls.substring(cls.lastIndexOf('.') + 1);
        StringBuilder params = new StringBuilder();
        for (String key : new TreeMap<String, String>(paramMap(p)).keySet()) {
            if (!params.isEmpty()) params.append(' ');
            params.append(key).append('=').append(p.getParam(key));
        }
        Result<?> res = r.getPrimaryResult();
        return new Row(group, params.toString(), name.substring(dot + 1), p.getMode(), res.getScore(),
                res.getScoreError(), res.getScoreUnit());
    }

    private static Map<String, String> paramMap(BenchmarkParams p) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Object k : p.getParamsKeys()) {
            m.put((String) k, p.getParam((String) k));
        }
        return m;
    }

    /** Prints the ratio table under {@code title}; rows whose baseline failed or was not run say so. */
    public static void print(Collection<RunResult> results, PrintStream out, String title) {
        // group|params|mode -> method -> row, in the order JMH ran them, baseline first.
        Map<String, Map<String, Row>> sets = new LinkedHashMap<>();
        for (RunResult r : results) {
            Row row = row(r);
            sets.computeIfAbsent(row.group() + '|' + row.params() + '|' + row.mode(), k -> new LinkedHashMap<>())
                    .put(row.method(), row);
        }
        List<String[]> lines = new ArrayList<>();
        boolean noisy = false;
        lines.add(new String[] {"Benchmark", "Params", "Backend", "Score", "Error", "Units", "vs JDK", "range"});
        for (Map<String, Row> set : sets.values()) {
            Row base = baseline(set);
            List<Row> ordered = new ArrayList<>();
            if (base != null) ordered.add(base);
            for (Row r : set.values()) {
                if (r != base) ordered.add(r);
            }
            for (Row r : ordered) {
                String ratio;
                String range = "";
                if (r == base) {
                    ratio = "1 (baseline)";
                } else if (base == null) {
                    ratio = "no baseline";
                } else {
                    ratio = fmtRatio(speedup(r, r.score(), base.score()));
                    // Worst case: our slow end against the baseline's fast end, and back.
                    double worst = r.timePerOp() ? speedup(r, r.high(), base.low()) : speedup(r, r.low(), base.high());
                    double best = r.timePerOp() ? speedup(r, r.low(), base.high()) : speedup(r, r.high(), base.low());
                    if (!(r.low() > 0 && base.low() > 0)) {
                        // NaN (too few iterations for an interval) stays blank; an interval
                        // reaching 0 or below bounds nothing.
                        range = Double.isNaN(r.low()) || Double.isNaN(base.low()) ? "" : "unbounded (noisy)";
                    } else {
                        range = fmtRatio(worst) + " .. " + fmtRatio(best);
                    }
                }
                if (Double.isFinite(r.error()) && r.error() > NOISY * r.score()) {
                    noisy = true;
                    ratio = ratio + " *";
                }
                lines.add(new String[] {r.group(), r.params(), r.method(), fmtScore(r.score()),
                        Double.isFinite(r.error()) ? "± " + fmtScore(r.error()) : "", r.unit(), ratio, range});
            }
        }
        out.println();
        out.println(title + ", measured in this run (vs JDK > 1: weft is faster;");
        out.println("throughput: score / baseline, time per op: baseline / score; range: from both 99.9% intervals).");
        if (lines.size() == 1) {
            out.println("No results: every benchmark failed or none was selected.");
            return;
        }
        int[] width = new int[lines.get(0).length];
        for (String[] l : lines) {
            for (int i = 0; i < l.length; i++) width[i] = Math.max(width[i], l[i].length());
        }
        for (String[] l : lines) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < l.length; i++) {
                boolean right = i == 3 || i == 4;
                String f = "%" + (right ? "" : "-") + width[i] + "s";
                sb.append(String.format(Locale.ROOT, f, l[i]));
                if (i < l.length - 1) sb.append("  ");
            }
            out.println(sb.toString().stripTrailing());
        }
        if (noisy) {
            out.println("* error above " + Math.round(NOISY * 100) + "% of the score: run more iterations or forks; on a"
                    + " small VM pin the run to one CPU (taskset -c 1, see bench/README.md).");
        }
        Map<String, Row> missing = new TreeMap<>();
        for (Map<String, Row> set : sets.values()) {
            if (baseline(set) == null) {
                set.values().forEach(r -> missing.put((r.group() + " " + r.params()).strip(), r));
            }
        }
        if (!missing.isEmpty()) {
            out.println("Without a baseline (the JDK benchmark failed or was excluded): " + missing.keySet());
        }
    }

    /** The set's baseline row: the first of {@link #BASELINES} it has, or null. */
    static Row baseline(Map<String, Row> set) {
        for (String name : BASELINES) {
            Row r = set.get(name);
            if (r != null) return r;
        }
        return null;
    }

    static double speedup(Row r, double score, double base) {
        return r.timePerOp() ? base / score : score / base;
    }

    static String fmtRatio(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2fx", v) : "n/a";
    }

    static String fmtScore(double v) {
        if (!Double.isFinite(v)) return "NaN";
        double a = Math.abs(v);
        if (a >= 1000) return String.format(Locale.ROOT, "%,.0f", v);
        if (a >= 10) return String.format(Locale.ROOT, "%.2f", v);
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
