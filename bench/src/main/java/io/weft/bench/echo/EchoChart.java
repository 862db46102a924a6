package io.weft.bench.echo;

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
 * The echo results as a {@link BarChart}: one panel per message size, one group of bars per
 * connection count, one bar per server, its requests per second above it and its ratio to the
 * JDK's virtual threads inside it.
 */
final class EchoChart {
    private static final Map<Impl, Color> COLORS = Map.ofEntries(
            Map.entry(Impl.WEFT_COMPLETION, new Color(0xd1495b)),
            Map.entry(Impl.WEFT_SQPOLL, new Color(0x7a1f2b)),
            Map.entry(Impl.WEFT_SEND_FIRST, new Color(0xa4243b)),
            Map.entry(Impl.WEFT_READINESS, new Color(0xe8857f)),
            Map.entry(Impl.WEFT_EPOLL, new Color(0xedae49)),
            Map.entry(Impl.JDK_VIRTUAL, new Color(0x00798c)),
            Map.entry(Impl.PLATFORM, new Color(0x9e9e9e)),
            Map.entry(Impl.NETTY_EPOLL, new Color(0x30638e)),
            Map.entry(Impl.NETTY_IO_URING, new Color(0x6b8fb8)));

    private EchoChart() {}

    static void render(EchoReport report, Map<Impl, String> descriptions, Path file) throws IOException {
        EchoOptions o = report.opts();
        Host h = report.host();
        List<BarChart.Series> series = o.impls().stream().map(i -> new BarChart.Series(i.label, COLORS.get(i))).toList();
        List<BarChart.Panel> panels = new ArrayList<>();
        for (int size : o.sizes()) panels.add(panel(report, size));
        String netty = descriptions.getOrDefault(Impl.NETTY_EPOLL, descriptions.getOrDefault(Impl.NETTY_IO_URING, ""));
        netty = netty.isEmpty() ? "" : ", " + netty.substring(0, netty.indexOf(" transport") < 0 ? netty.length() : netty.indexOf(" transport"))
                .replace(" epoll", "").replace(" io_uring", "");
        BarChart.render(new BarChart.Spec(
                "Echo over loopback: requests per second (higher is better)",
                List.of(String.format(Locale.ROOT, "closed loop, one request in flight per connection, %s s measured after %s s warm-up"
                                        + "   |   %d CPUs %s, %s",
                                trim(o.durationSec()), trim(o.warmupSec()), h.cpus(), h.cpuModel(), h.kernel()),
                        h.jdk() + netty + "   |   " + h.date()),
                "requests/s", series, panels), file);
    }

    private static BarChart.Panel panel(EchoReport r, int size) {
        List<String> groups = new ArrayList<>();
        List<List<BarChart.Bar>> bars = new ArrayList<>();
        for (int c : r.opts().connections()) {
            groups.add(TextTable.thousands(c) + (c == 1 ? " connection" : " connections"));
            List<BarChart.Bar> group = new ArrayList<>();
            for (Impl i : r.opts().impls()) {
                EchoRun run = r.run(i, c, size);
                if (run == null || !run.ok()) {
                    group.add(BarChart.Bar.missing(run != null && run.status() == EchoRun.Status.SKIPPED ? "n/a" : "failed"));
                    continue;
                }
                double ratio = r.throughputRatio(run);
                boolean show = i != Impl.BASELINE && !Double.isNaN(ratio);
                group.add(BarChart.Bar.of(run.load().requestsPerSecond(), show ? BarChart.ratio(ratio) : null));
            }
            bars.add(group);
        }
        return new BarChart.Panel(EchoReport.sizeLabel(size) + " messages", groups, bars,
                "inside the bars: requests per second relative to " + Impl.BASELINE.label + " in the same run");
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
