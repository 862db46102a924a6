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
 * <p>All outcomes are written to {@code target/conformance/outcomes.txt}
 * ({@code outcomes-under-faults.txt} in the run with {@code weft.faults}).
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

        DifferenceReport differences = new DifferenceReport();
        StringBuilder all = new StringBuilder();
        List<String> notCompared = new ArrayList<>();
        int compared = 0;
        int differing = 0;
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
                        differences.referenceFailed(c.name(), row, outcome.ending());
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
                if (differences.compare(c.name(), row, reference, outcome)) {
                    differing++;
                }
            }
        }

        // Kept apart from the run without faults, to compare the two files.
        Path out = Path.of("target", "conformance",
                System.getProperty("weft.faults") == null ? "outcomes.txt" : "outcomes-under-faults.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, all);
        String summary = cases.size() + " cases, " + compared + " rows compared with their JDK reference, " + differing
                + " rows in " + differences.differingCases() + " cases differ; all outcomes in " + out.toAbsolutePath();
        System.out.println(summary);
        if (io.weft.poller.faults.Faults.ENABLED) {
            System.out.println(io.weft.poller.faults.Faults.report());
        }
        if (!notCompared.isEmpty()) {
            System.out.println("not compared (skipped):\n  " + String.join("\n  ", notCompared));
        }
        if (!differences.isEmpty()) {
            fail(summary + "\n" + differences.render());
        }
    }
}
