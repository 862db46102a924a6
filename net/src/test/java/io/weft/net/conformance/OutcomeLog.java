package io.weft.net.conformance;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Every outcome of every row of every conformance test run in this JVM, for
 * {@link SameResultsTest}: the trace's lines, plus how the row ended.
 */
final class OutcomeLog {
    /** A row's outcome: its trace, and {@code FAILED: ...} or {@code SKIPPED: ...} when it did not pass. */
    record Outcome(List<String> lines, String ending) {
        boolean passed() {
            return ending == null;
        }

        boolean skipped() {
            return ending != null && ending.startsWith("SKIPPED");
        }

        /** The lines to compare, the ending included, since "the JDK failed here too" is the same result. */
        List<String> comparable() {
            if (ending == null) return lines;
            return java.util.stream.Stream.concat(lines.stream(), java.util.stream.Stream.of(ending)).toList();
        }
    }

    private static final Map<String, Map<Row, Outcome>> CASES = new ConcurrentSkipListMap<>();

    private OutcomeLog() {}

    static void record(String caseName, Row row, List<String> lines, Throwable failure) {
        String ending = failure == null ? null : "FAILED: " + Trace.describe(failure);
        rows(caseName).put(row, new Outcome(lines, ending));
    }

    static void skipped(String caseName, Row row, String why) {
        rows(caseName).put(row, new Outcome(List.of(), "SKIPPED: " + why));
    }

    static Outcome get(String caseName, Row row) {
        Map<Row, Outcome> rows = CASES.get(caseName);
        return rows == null ? null : rows.get(row);
    }

    static Set<String> cases() {
        return CASES.keySet();
    }

    private static Map<Row, Outcome> rows(String caseName) {
        return CASES.computeIfAbsent(caseName, k -> new ConcurrentHashMap<>());
    }
}
