package io.weft.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A grouped bar chart drawn with Java2D into a PNG (headless), for the benchmark reports: one
 * panel per table, one group of bars per row of it (a client count), one bar per series (a
 * target), its value above it and an optional text inside (a ratio to the baseline).
 */
public final class BarChart {
    private static final int MIN_WIDTH = 1400;
    /** The narrowest room one bar gets; wider charts when there are many bars. */
    private static final int MIN_SLOT = 62;
    private static final int HEADER = 120;
    private static final int PANEL = 430;
    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final Color INK = new Color(0x222222);
    private static final Color GREY = new Color(0x555555);

    /** One bar series: a target of the benchmark. */
    public record Series(String label, Color color) {}

    /**
     * One bar.
     *
     * @param value   its height; NaN: no bar, {@code missing} written instead
     * @param min     the low end of a range drawn on it (NaN: none)
     * @param max     the high end
     * @param inside  white text inside the top of the bar when it is tall enough ({@code null}: none)
     * @param missing what to write where there is no value ("failed", "n/a")
     */
    public record Bar(double value, double min, double max, String inside, String missing) {
        public static Bar of(double value, String inside) {
            return new Bar(value, Double.NaN, Double.NaN, inside, null);
        }

        public static Bar missing(String why) {
            return new Bar(Double.NaN, Double.NaN, Double.NaN, null, why);
        }

        public Bar withRange(double min, double max) {
            return new Bar(value, min, max, inside, missing);
        }

        boolean present() {
            return !Double.isNaN(value);
        }

        boolean ranged() {
            return !Double.isNaN(min) && !Double.isNaN(max);
        }
    }

    /**
     * One panel.
     *
     * @param title    above the plot
     * @param groups   the group labels under the axis
     * @param bars     per group, one bar per series (in the order of the chart's series)
     * @param footnote a line under the plot ({@code null}: none)
     */
    public record Panel(String title, List<String> groups, List<List<Bar>> bars, String footnote) {}

    /**
     * The whole chart.
     *
     * @param title    the first header line
     * @param subtitle up to two grey lines under it
     * @param axis     the value axis's label
     * @param series   the legend, in bar order
     * @param panels   top to bottom
     */
    public record Spec(String title, List<String> subtitle, String axis, List<Series> series, List<Panel> panels) {}

    private BarChart() {}

    /** Draws {@code spec} into {@code file} (written beside it first, then moved into place). */
    public static void render(Spec spec, Path file) throws IOException {
        int width = width(spec);
        int height = HEADER + PANEL * spec.panels().size() + 20;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            header(g, spec);
            for (int i = 0; i < spec.panels().size(); i++) {
                panel(g, spec, spec.panels().get(i), HEADER + i * PANEL, width);
            }
        } finally {
            g.dispose();
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        if (!ImageIO.write(img, "png", tmp.toFile())) throw new IOException("no PNG writer in this JDK");
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }

    private static int width(Spec spec) {
        int bars = 0;
        for (Panel p : spec.panels()) bars = Math.max(bars, p.groups().size() * spec.series().size());
        // 82% of each group's width holds its bars (see panel()).
        return Math.max(MIN_WIDTH, LEFT + RIGHT + (int) Math.ceil(bars * MIN_SLOT / 0.82));
    }

    private static void header(Graphics2D g, Spec spec) {
        g.setColor(INK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 22));
        g.drawString(spec.title(), LEFT - 60, 34);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        g.setColor(GREY);
        for (int i = 0; i < Math.min(2, spec.subtitle().size()); i++) {
            g.drawString(spec.subtitle().get(i), LEFT - 60, 58 + 20 * i);
        }
        int x = LEFT - 60;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
        FontMetrics fm = g.getFontMetrics();
        for (Series s : spec.series()) {
            g.setColor(s.color());
            g.fillRect(x, 92, 16, 16);
            g.setColor(INK);
            g.drawString(s.label(), x + 22, 105);
            x += 22 + fm.stringWidth(s.label()) + 28;
        }
    }

    private static void panel(Graphics2D g, Spec spec, Panel p, int top, int width) {
        List<Series> series = spec.series();
        int plotTop = top + 40;
        int plotBottom = top + PANEL - 50;
        int plotLeft = LEFT;
        int plotRight = width - RIGHT;
        g.setColor(INK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
        g.drawString(p.title(), plotLeft, top + 22);

        double max = 0;
        for (List<Bar> group : p.bars()) {
            for (Bar b : group) {
                if (b.present()) max = Math.max(max, b.ranged() ? Math.max(b.value(), b.max()) : b.value());
            }
        }
        double step = niceStep(max <= 0 ? 1 : max * 1.12 / 5);
        double scaleTop = Math.max(step, Math.ceil(max * 1.12 / step) * step);
        // grid and value axis
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        FontMetrics fm = g.getFontMetrics();
        for (double v = 0; v <= scaleTop + step / 2; v += step) {
            int y = y(v, scaleTop, plotTop, plotBottom);
            g.setColor(new Color(0xe6e6e6));
            g.setStroke(new BasicStroke(1f));
            g.drawLine(plotLeft, y, plotRight, y);
            g.setColor(GREY);
            String label = shortNumber(v);
            g.drawString(label, plotLeft - 10 - fm.stringWidth(label), y + 5);
        }
        g.setColor(GREY);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(spec.axis(), -(plotTop + plotBottom) / 2 - 12, plotLeft - 62);
        g.setTransform(saved);
        g.setColor(new Color(0x888888));
        g.drawLine(plotLeft, plotBottom, plotRight, plotBottom);

        int groups = p.groups().size();
        double groupWidth = (plotRight - plotLeft) / (double) groups;
        double barWidth = groupWidth * 0.82 / Math.max(1, series.size());
        for (int gi = 0; gi < groups; gi++) {
            double gx = plotLeft + gi * groupWidth + groupWidth * 0.09;
            List<Bar> group = p.bars().get(gi);
            for (int si = 0; si < series.size(); si++) {
                Bar bar = si < group.size() ? group.get(si) : Bar.missing("");
                int x = (int) Math.round(gx + si * barWidth);
                int bw = (int) Math.round(barWidth) - 4;
                if (!bar.present()) {
                    g.setColor(new Color(0x999999));
                    g.setFont(new Font(Font.SANS_SERIF, Font.ITALIC, 13));
                    String s = bar.missing() == null ? "" : bar.missing();
                    g.drawString(s, x + (bw - g.getFontMetrics().stringWidth(s)) / 2, plotBottom - 6);
                    continue;
                }
                int h = plotBottom - y(bar.value(), scaleTop, plotTop, plotBottom);
                g.setColor(series.get(si).color());
                g.fillRect(x, plotBottom - h, bw, h);
                int ty = plotBottom - h - 6;
                if (bar.ranged()) {
                    int yMin = y(bar.min(), scaleTop, plotTop, plotBottom);
                    int yMax = y(bar.max(), scaleTop, plotTop, plotBottom);
                    g.setColor(new Color(0x333333));
                    g.drawLine(x + bw / 2, yMin, x + bw / 2, yMax);
                    g.drawLine(x + bw / 2 - 4, yMin, x + bw / 2 + 4, yMin);
                    g.drawLine(x + bw / 2 - 4, yMax, x + bw / 2 + 4, yMax);
                    ty = Math.min(ty, yMax - 6);
                }
                g.setColor(INK);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
                String v = shortNumber(bar.value());
                g.drawString(v, x + (bw - g.getFontMetrics().stringWidth(v)) / 2, ty);
                if (bar.inside() != null && h > 40) {
                    g.setColor(Color.WHITE);
                    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
                    g.drawString(bar.inside(), x + (bw - g.getFontMetrics().stringWidth(bar.inside())) / 2, plotBottom - h + 20);
                }
            }
            g.setColor(INK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
            String label = p.groups().get(gi);
            g.drawString(label, (int) Math.round(plotLeft + gi * groupWidth + (groupWidth - g.getFontMetrics().stringWidth(label)) / 2),
                    plotBottom + 24);
        }
        if (p.footnote() != null) {
            g.setColor(new Color(0x777777));
            g.setFont(new Font(Font.SANS_SERIF, Font.ITALIC, 12));
            g.drawString(p.footnote(), plotLeft, plotBottom + 42);
        }
    }

    private static int y(double v, double scaleTop, int plotTop, int plotBottom) {
        return (int) Math.round(plotBottom - (plotBottom - plotTop) * v / scaleTop);
    }

    /** 1, 2, 2.5 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= raw) return m * p;
        }
        return 10 * p;
    }

    /** 950, 1.25k, 12.5k, 125k. */
    public static String shortNumber(double v) {
        if (v >= 10_000) return String.format(Locale.ROOT, "%.1fk", v / 1000).replace(".0k", "k");
        if (v >= 1000) return String.format(Locale.ROOT, "%.2fk", v / 1000).replace(".00k", "k");
        return String.format(Locale.ROOT, "%.0f", v);
    }

    /** "1.23×": a ratio as the charts print it inside a bar. */
    public static String ratio(double r) {
        return String.format(Locale.ROOT, "%.2f×", r);
    }
}
