package io.weft.bench.pooler;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A grouped bar chart of the results, drawn with Java2D into a PNG (headless): one panel per
 * workload, one group of bars per client count, one bar per target, its TPS above it and, for
 * the pooler bars, the ratio to PgBouncer inside it.
 */
final class Chart {
    private static final int WIDTH = 1400;
    private static final int HEADER = 120;
    private static final int PANEL = 430;
    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final Map<Target, Color> COLORS = Map.of(
            Target.DIRECT, new Color(0x9e9e9e),
            Target.WEFT_IO_URING, new Color(0xd1495b),
            Target.WEFT_EPOLL, new Color(0xedae49),
            Target.JDK, new Color(0x00798c),
            Target.PGBOUNCER, new Color(0x30638e));

    private Chart() {}

    static void render(Report report, Path file) throws IOException {
        List<Workload> workloads = report.opts().workloads();
        int height = HEADER + PANEL * workloads.size() + 20;
        BufferedImage img = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);
            header(g, report);
            for (int i = 0; i < workloads.size(); i++) {
                panel(g, report, workloads.get(i), HEADER + i * PANEL);
            }
        } finally {
            g.dispose();
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        if (!ImageIO.write(img, "png", tmp.toFile())) throw new IOException("no PNG writer in this JDK");
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static void header(Graphics2D g, Report r) {
        g.setColor(new Color(0x222222));
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 22));
        g.drawString("Weft pooler vs PgBouncer: pgbench transactions per second (higher is better)", LEFT - 60, 34);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        g.setColor(new Color(0x555555));
        BenchOptions o = r.opts();
        Machine m = r.machine();
        g.drawString(String.format(Locale.ROOT, "%s pipeline, pool %d, pgbench -j %d, %d s per run, scale %d%s   |   %d CPUs %s, %s",
                o.pipeline(), o.poolSize(), o.jobs(), o.durationSec(), o.scale(),
                o.rounds() > 1 ? ", median of " + o.rounds() : "", m.cpus(), m.cpuModel(), m.kernel()), LEFT - 60, 58);
        g.drawString(m.postgres() + ", " + m.pgbouncer() + ", " + m.jdk() + "   |   " + m.date(), LEFT - 60, 78);
        // legend
        int x = LEFT - 60;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
        FontMetrics fm = g.getFontMetrics();
        for (Target t : r.targets()) {
            g.setColor(COLORS.get(t));
            g.fillRect(x, 92, 16, 16);
            g.setColor(new Color(0x222222));
            g.drawString(t.label, x + 22, 105);
            x += 22 + fm.stringWidth(t.label) + 28;
        }
    }

    private static void panel(Graphics2D g, Report r, Workload w, int top) {
        List<Target> targets = r.targets();
        List<Integer> clients = r.opts().clients();
        Results res = r.results();
        int plotTop = top + 40;
        int plotBottom = top + PANEL - 50;
        int plotLeft = LEFT;
        int plotRight = WIDTH - RIGHT;
        g.setColor(new Color(0x222222));
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
        g.drawString(w.label + "  (" + w.description + ")", plotLeft, top + 22);

        double max = 0;
        for (int c : clients) {
            for (Target t : targets) {
                Results.Cell cell = res.cell(w, c, t);
                if (cell.present()) max = Math.max(max, cell.tps());
            }
        }
        double step = niceStep(max <= 0 ? 1 : max * 1.12 / 5);
        double top5 = Math.max(step, Math.ceil(max * 1.12 / step) * step);
        // grid and y axis
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        FontMetrics fm = g.getFontMetrics();
        for (double v = 0; v <= top5 + step / 2; v += step) {
            int y = (int) Math.round(plotBottom - (plotBottom - plotTop) * v / top5);
            g.setColor(new Color(0xe6e6e6));
            g.setStroke(new BasicStroke(1f));
            g.drawLine(plotLeft, y, plotRight, y);
            g.setColor(new Color(0x555555));
            String label = shortNumber(v);
            g.drawString(label, plotLeft - 10 - fm.stringWidth(label), y + 5);
        }
        g.setColor(new Color(0x555555));
        java.awt.geom.AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString("TPS", -(plotTop + plotBottom) / 2 - 12, plotLeft - 62);
        g.setTransform(saved);
        g.setColor(new Color(0x888888));
        g.drawLine(plotLeft, plotBottom, plotRight, plotBottom);

        int groups = clients.size();
        double groupWidth = (plotRight - plotLeft) / (double) groups;
        double barWidth = groupWidth * 0.82 / Math.max(1, targets.size());
        for (int gi = 0; gi < groups; gi++) {
            int c = clients.get(gi);
            double gx = plotLeft + gi * groupWidth + groupWidth * 0.09;
            for (int ti = 0; ti < targets.size(); ti++) {
                Target t = targets.get(ti);
                Results.Cell cell = res.cell(w, c, t);
                int x = (int) Math.round(gx + ti * barWidth);
                int bw = (int) Math.round(barWidth) - 4;
                if (!cell.present()) {
                    g.setColor(new Color(0x999999));
                    g.setFont(new Font(Font.SANS_SERIF, Font.ITALIC, 13));
                    String s = cell.skipped() ? "n/a" : "failed";
                    g.drawString(s, x + (bw - g.getFontMetrics().stringWidth(s)) / 2, plotBottom - 6);
                    continue;
                }
                int h = (int) Math.round((plotBottom - plotTop) * cell.tps() / top5);
                g.setColor(COLORS.get(t));
                g.fillRect(x, plotBottom - h, bw, h);
                if (cell.n() > 1) { // the range of the rounds
                    int yMin = (int) Math.round(plotBottom - (plotBottom - plotTop) * cell.minTps() / top5);
                    int yMax = (int) Math.round(plotBottom - (plotBottom - plotTop) * cell.maxTps() / top5);
                    g.setColor(new Color(0x333333));
                    g.drawLine(x + bw / 2, yMin, x + bw / 2, yMax);
                    g.drawLine(x + bw / 2 - 4, yMin, x + bw / 2 + 4, yMin);
                    g.drawLine(x + bw / 2 - 4, yMax, x + bw / 2 + 4, yMax);
                }
                g.setColor(new Color(0x222222));
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
                String v = shortNumber(cell.tps());
                int ty = plotBottom - h - 6;
                if (cell.n() > 1) {
                    ty = Math.min(ty, (int) Math.round(plotBottom - (plotBottom - plotTop) * cell.maxTps() / top5) - 6);
                }
                g.drawString(v, x + (bw - g.getFontMetrics().stringWidth(v)) / 2, ty);
                double ratio = res.ratioToPgBouncer(w, c, t);
                if (t != Target.PGBOUNCER && t != Target.DIRECT && !Double.isNaN(ratio) && h > 40) {
                    g.setColor(Color.WHITE);
                    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
                    String s = String.format(Locale.ROOT, "%.2f×", ratio);
                    g.drawString(s, x + (bw - g.getFontMetrics().stringWidth(s)) / 2, plotBottom - h + 20);
                }
            }
            g.setColor(new Color(0x222222));
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
            String label = c + " clients";
            g.drawString(label, (int) Math.round(plotLeft + gi * groupWidth + (groupWidth - g.getFontMetrics().stringWidth(label)) / 2),
                    plotBottom + 24);
        }
        if (r.targets().contains(Target.PGBOUNCER)) {
            g.setColor(new Color(0x777777));
            g.setFont(new Font(Font.SANS_SERIF, Font.ITALIC, 12));
            g.drawString("inside the pooler bars: TPS relative to PgBouncer in the same run", plotLeft, plotBottom + 42);
        }
    }

    /** 1, 2, 2.5 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= raw) return m * p;
        }
        return 10 * p;
    }

    static String shortNumber(double v) {
        if (v >= 10_000) return String.format(Locale.ROOT, "%.1fk", v / 1000).replace(".0k", "k");
        if (v >= 1000) return String.format(Locale.ROOT, "%.2fk", v / 1000).replace(".00k", "k");
        return String.format(Locale.ROOT, "%.0f", v);
    }
}
