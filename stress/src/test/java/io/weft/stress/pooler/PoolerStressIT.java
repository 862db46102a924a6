package io.weft.stress.pooler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The short pooler-under-stress run of {@code ./weft test}: both pipelines, 20 s each, 60
 * clients (a CI machine has two cores), pgbench processes SIGKILLed every few seconds and
 * chaos clients dying at every awkward point; every end-state check of the full run.
 */
class PoolerStressIT {
    @Test
    void thePoolerComesBackToRestWithNothingLostOrLeaked() throws Exception {
        StressOptions options = new StressOptions(Duration.ofSeconds(20), 60, List.of("transaction", "session"),
                System.getProperty("weft.stress.backend", "auto"), 2, 2, 3, 6, 10, 60, 4, 42);
        List<RunReport> reports = PoolerStress.run(options, System.out);
        assertEquals(2, reports.size());
        for (RunReport r : reports) {
            assertTrue(r.passed(), () -> r.pipeline() + " pipeline: " + String.join("\n", r.failures()));
            assertTrue(r.pgbenchKilled() > 0, () -> r.pipeline() + ": no pgbench process was killed");
            assertTrue(r.chaos().deaths() > 0, () -> r.pipeline() + ": no chaos client died");
        }
    }
}
