package io.weft.net.conformance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows whose outcome differs from their JDK reference, as diffs. Rows of one case that
 * differ in exactly the same way (typically every Weft row) are reported once, with all their
 * names, so a report reads as one entry per behaviour rather than per row.
 */
final class DifferenceReport {
    private record Key(String caseName, List<String> diff) {}

    private final Map<Key, List<Row>> differences = new LinkedHashMap<>();
    private final List<String> brokenReferences = new ArrayList<>();

    void referenceFailed(String caseName, Row reference, String ending) {
        brokenReferences.add(caseName + ": the JDK reference [" + reference + "] itself did not pass (the suite's"
                + " expectation is wrong, or the JDK changed): " + ending);
    }

    /** Records {@code row}'s outcome if it differs from its reference's; returns whether it did. */
    boolean compare(String caseName, Row row, OutcomeLog.Outcome reference, OutcomeLog.Outcome outcome) {
        if (reference.comparable().equals(outcome.comparable())) {
            return false;
        }
        List<String> diff = TraceDiff.diff(reference.comparable(), outcome.comparable());
        differences.computeIfAbsent(new Key(caseName, diff), k -> new ArrayList<>()).add(row);
        return true;
    }

    boolean isEmpty() {
        return differences.isEmpty() && brokenReferences.isEmpty();
    }

    /** Cases with at least one row that differs. */
    long differingCases() {
        return differences.keySet().stream().map(Key::caseName).distinct().count();
    }

    String render() {
        StringBuilder sb = new StringBuilder();
        for (String broken : brokenReferences) {
            sb.append('\n').append(broken).append('\n');
        }
        for (Map.Entry<Key, List<Row>> e : differences.entrySet()) {
            sb.append('\n').append(e.getKey().caseName()).append(" differs from the JDK (- jdk, + this row) on:\n");
            for (Row r : e.getValue()) {
                sb.append("    [").append(r).append("]\n");
            }
            for (String line : e.getKey().diff()) {
                sb.append("      ").append(line).append('\n');
            }
        }
        return sb.toString();
    }
}
