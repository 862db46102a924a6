package io.weft.bench.pooler;

import io.weft.bench.BarChart;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pooler results as a {@link BarChart}: one panel per workload, one group of bars per
 * client count, one bar per target, its TPS above it and, for the pooler bars, the ratio to
 * PgBouncer inside it.
 */
final class Chart {
    private static final Map<Target, Color> COLORS = Map.of(
            Target.DIRECT, new Color(0x9e9e9e),
            Target.WEFT_IO_URING, new Color(0xd1495b),
            Target.WEFT_IO_URING_NO_WRITE_BEHIND, new Color(0xe8a0a8),
            Target.WEFT_EPOLL, new Color(0xedae49),
            Target.JDK, new Color(0x00798c),
            Target.PGBOUNCER, new Color(0x30638e));

    private Chart() {}

    static void render(Report report, Path file) throws IOException {
        BenchOptions o = report.opts();
        Machine m = report.machine();
        List<BarChart.Series> series = report.targets().stream().map(t -> new BarChart.Series(t.label, COLORS.get(t))).toList();
        List<BarChart.Panel> panels = new ArrayList<>();
        for (Workload w : o.workloads()) panels.add(panel(report, w));
        BarChart.render(new BarChart.Spec(
                "Weft pooler vs PgBouncer: pgbench transactions per second (higher is better)",
                List.of(String.format(Locale.ROOT, "%s pipeline, pool %d, pgbench -j %d, %d s per run, scale %d%s   |   %d CPUs %s, %s",
                                o.pipeline(), o.poolSize(), o.jobs(), o.durationSec(), o.scale(),
                                o.rounds() > 1 ? ", median of " + o.rounds() : "", m.cpus(), m.cpuModel(), m.kernel()),
                        m.postgres() + ", " + m.pgbouncer() + ", " + m.jdk() + "   |   " + m.date()),
                "TPS", series, panels), file);
    }

    private static BarChart.Panel panel(Report r, Workload w) {
        Results res = r.results();
        List<String> groups = new ArrayList<>();
        List<List<BarChart.Bar>> bars = new ArrayList<>();
        for (int c : r.opts().clients()) {
            groups.add(c + " clients");
            List<BarChart.Bar> group = new ArrayList<>();
            for (Target t : r.targets()) {
                Results.Cell cell = res.cell(w, c, t);
                if (!cell.present()) {
                    group.add(BarChart.Bar.missing(cell.skipped() ? "n/a" : "failed"));
                    continue;
                }
                double ratio = res.ratioToPgBouncer(w, c, t);
                boolean showRatio = t != Target.PGBOUNCER && t != Target.DIRECT && !Double.isNaN(ratio);
                BarChart.Bar bar = BarChart.Bar.of(cell.tps(), showRatio ? BarChart.ratio(ratio) : null);
                group.add(cell.n() > 1 ? bar.withRange(cell.minTps(), cell.maxTps()) : bar);
            }
            bars.add(group);
        }
        String footnote = r.targets().contains(Target.PGBOUNCER)
                ? "inside the pooler bars: TPS relative to PgBouncer in the same run" : null;
        return new BarChart.Panel(w.label + "  (" + w.description + ")", groups, bars, footnote);
    }
}
