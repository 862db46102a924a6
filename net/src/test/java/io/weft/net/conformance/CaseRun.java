package io.weft.net.conformance;

import java.time.Duration;
import org.opentest4j.TestAbortedException;

/** One row of one test: its threads, its context, the body on a thread of the row's kind, the outcome recorded. */
final class CaseRun {
    /** Below the suite's 20 s @Timeout, so a stuck row still ends with a recorded outcome. */
    static final Duration BODY_PATIENCE = Duration.ofSeconds(15);

    private CaseRun() {}

    static void run(String caseName, Row row, CaseBody body) throws Exception {
        Trace trace = new Trace();
        Throwable failure = null;
        try {
            runBody(row, trace, body);
        } catch (TestAbortedException skipped) {
            OutcomeLog.skipped(caseName, row, skipped.getMessage());
            throw skipped;
        } catch (Exception | Error e) {
            failure = e;
        }
        OutcomeLog.record(caseName, row, trace.lines(), failure);
        if (failure instanceof Exception e) throw e;
        if (failure instanceof Error e) throw e;
    }

    private static void runBody(Row row, Trace trace, CaseBody body) throws Exception {
        try (ThreadSource threads = ThreadSource.open(row.threads());
             Conformance c = new Conformance(row, trace, threads)) {
            Forked<Void> main = c.fork("main", () -> {
                trace.ownedBy(Thread.currentThread());
                body.run(c);
                return null;
            });
            if (!main.endsWithin(BODY_PATIENCE)) {
                throw new AssertionError("the test body did not end within " + BODY_PATIENCE.toSeconds()
                        + " s; the row's threads:" + threads.describeAlive());
            }
            main.join();
        }
    }
}
