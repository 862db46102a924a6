package io.weft.bench;

import java.util.List;
import java.util.Locale;

/** Plain-text tables and number formats the benchmark reports share. */
public final class TextTable {
    private TextTable() {}

    /** The rows (the first is the header) as right-aligned columns separated by {@code |}. */
    public static String align(List<List<String>> rows) {
        int cols = rows.get(0).size();
        int[] width = new int[cols];
        for (List<String> r : rows) {
            for (int i = 0; i < cols; i++) width[i] = Math.max(width[i], r.get(i).length());
        }
        StringBuilder sb = new StringBuilder();
        for (List<String> r : rows) {
            for (int i = 0; i < cols; i++) {
                String v = r.get(i);
                sb.append(i == 0 ? "  " : " | ");
                sb.append(" ".repeat(width[i] - v.length())).append(v);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The end of a report: its notes (problems met), if any, and how long the run took. */
    public static String trailer(List<String> notes, java.time.Duration took) {
        StringBuilder sb = new StringBuilder();
        if (!notes.isEmpty()) {
            sb.append("\nNotes:\n");
            for (String n : notes) sb.append("  - ").append(n).append('\n');
        }
        sb.append(String.format(Locale.ROOT, "%nTook %d min %02d s.%n", took.toMinutes(), took.toSecondsPart()));
        return sb.toString();
    }

    /** {@code v} rounded, thousands separated by a narrow no-break space (12 345). */
    public static String thousands(double v) {
        return String.format(Locale.ROOT, "%,.0f", v).replace(',', '\u202f');
    }
}
