package io.weft.bench.files;

import io.weft.bench.BarChart;
import io.weft.bench.Host;
import io.weft.bench.TextTable;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The files results as a {@link BarChart}: one panel of reads per second per cache mode, one
 * bar per reader, its ratio to the JDK's virtual threads inside it. The colours
 * are the echo chart's for the same kinds of thread.
 */
final class FilesChart {
    private static final Map<FilesTarget, Color> COLORS = Map.of(
            FilesTarget.WEFT_RING, new Color(0xd1495b),
            FilesTarget.JDK_VIRTUAL, new Color(0x00798c),
            FilesTarget.PLATFORM, new Color(0x9e9e9e),
            FilesTarget.WEFT_EPOLL, new Color(0xedae49));

    private FilesChart() {}

    static void render(FilesReport report, Path file) throws IOException {
        FilesBenchOptions o = report.opts();
        Host h = report.host();
        List<BarChart.Series> series = o.targets().stream().map(t -> new BarChart.Series(t.label, COLORS.get(t))).toList();
        List<BarChart.Panel> panels = new ArrayList<>();
        for (CacheMode mode : report.modes()) panels.add(panel(report, mode));
        BarChart.render(new BarChart.Spec(
                "File reads: reads per second (higher is better)",
                List.of(String.format(Locale.ROOT, "closed loop, one read in flight per thread, %s s measured after %s s warm-up"
                                        + "   |   %d CPUs %s, %s, %s", FilesReport.trim(o.seconds()), FilesReport.trim(o.warmup()),
                                h.cpus(), h.cpuModel(), h.memory(), h.kernel()),
                        h.jdk() + "   |   " + h.date()),
                "reads/s", series, panels), file);
    }

    /** One mode on its own scale: a page-cache hit is an order of magnitude faster than a device read. */
    private static BarChart.Panel panel(FilesReport report, CacheMode mode) {
        FilesBenchOptions o = report.opts();
        List<BarChart.Bar> group = new ArrayList<>();
        for (FilesTarget t : o.targets()) {
            FilesRun r = report.run(mode, t);
            if (r == null || !r.ok()) {
                group.add(BarChart.Bar.missing(r == null ? "n/a" : "failed"));
                continue;
            }
            double ratio = report.throughputRatio(r);
            boolean show = t != FilesTarget.BASELINE && !Double.isNaN(ratio);
            group.add(BarChart.Bar.of(r.measured().readsPerSecond(), show ? BarChart.ratio(ratio) : null));
        }
        return new BarChart.Panel(mode.label, List.of(TextTable.thousands(o.threads()) + " threads, random "
                + FilesBenchOptions.BLOCK / 1024 + " KiB reads of a " + FilesReport.bytes(o.fileBytes()) + " file"),
                List.of(group), "inside the bars: reads per second relative to " + FilesTarget.BASELINE.label + " in the same run");
    }
}
