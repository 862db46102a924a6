package io.weft.net.conformance;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The "same results" requirement in one test: for every conformance case, every row
 * must have given the same outcome, line for line, as its JDK reference (JDK sockets on the
 * same kind of thread). Each case's own assertions say what is wrong in concrete terms; this
 * one shows where the rows part ways, as a diff. It runs last ({@link SameResultsLast}) and
 * runs itself whatever rows have not run, so it is also correct alone.
 *
 * <p>All outcomes are written to {@code target/conformance/outcomes.txt}.
 */
@ConformanceSuite
class SameResultsTest {

    @Test
    @Timeout(1800)
    void everyRowGivesTheSameOutcomesAsItsJdkReference() throws Exception {
        List<EveryCase.Case> cases = EveryCase.find();
        assertFalse(cases.isEmpty(), "no @ConformanceTest methods found");
        for (EveryCase.Case c : cases) {
            for (Row row : Rows.ALL) {
                EveryCase.runIfMissing(c, row);
            }
        }

        StringBuilder differences = new StringBuilder();
        StringBuilder all = new StringBuilder();
        List<String> notCompared = new ArrayList<>();
        int compared = 0;
        for (EveryCase.Case c : cases) {
            all.append("== ").append(c.name()).append('\n');
            for (Row row : Rows.ALL) {
                OutcomeLog.Outcome outcome = OutcomeLog.get(c.name(), row);
                if (outcome == null) { // aborted before Row.run, e.g. an assumption in the method itself
                    outcome = new OutcomeLog.Outcome(List.of(), "SKIPPED: no outcome recorded");
                }
                all.append("  [").append(row).append("]\n");
                for (String line : outcome.comparable()) all.append("      ").append(line).append('\n');
                if (row.isReference()) {
                    if (!outcome.passed() && !outcome.skipped()) {
                        differences.append("\n").append(c.name()).append(": the JDK reference [").append(row)
                                .append("] itself did not pass (the suite's expectation is wrong, or the JDK changed): ")
                                .append(outcome.ending()).append('\n');
                    }
                    continue;
                }
                if (outcome.skipped()) {
                    notCompared.add(c.name() + " [" + row + "]: " + outcome.ending());
                    continue;
                }
                OutcomeLog.Outcome reference = OutcomeLog.get(c.name(), row.reference());
                if (reference == null || reference.skipped()) {
                    notCompared.add(c.name() + " [" + row + "]: its reference did not run");
                    continue;
                }
                compared++;
                if (!reference.comparable().equals(outcome.comparable())) {
                    differences.append("\n").append(c.name()).append(" [").append(row).append("] differs from [")
                            .append(row.reference()).append("]  (- jdk, + this row):\n");
                    for (String line : TraceDiff.diff(reference.comparable(), outcome.comparable())) {
                        differences.append("    ").append(line).append('\n');
                    }
                }
            }
        }

        Path out = Path.of("target", "conformance", "outcomes.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, all);
        System.out.println(cases.size() + " cases, " + compared + " rows compared with their JDK reference; outcomes in "
                + out.toAbsolutePath());
        if (!notCompared.isEmpty()) {
            System.out.println("not compared (skipped):\n  " + String.join("\n  ", notCompared));
        }
        if (!differences.isEmpty()) {
            fail("rows that do not give the JDK's results (all outcomes: " + out.toAbsolutePath() + "):"
                    + differences);
        }
    }
}
