package io.weft.bench.echo;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * {@code ./weft bench echo --quick} end to end: every server implementation starts in its own
 * JVM, answers the load generator's requests with correct echoes (each compared byte for byte),
 * and stops cleanly when told. No assertion about speed: that is the benchmark's report.
 */
class EchoBenchQuickTest {

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void everyServerEchoesCorrectly() {
        EchoOptions opts = EchoOptions.parse(new String[] {"--quick", "--no-docs"});
        EchoReport report = new EchoBench(opts, System.out).run();

        assertEquals(opts.cells(), report.runs().size(), "one run per implementation and cell");
        List<Executable> checks = new ArrayList<>();
        for (EchoRun r : report.runs()) {
            String cell = r.impl().key + ", " + r.connections() + " connections, " + r.size() + " B";
            checks.add(() -> {
                assertEquals(EchoRun.Status.OK, r.status(), cell + ": " + r.note());
                LoadResult l = r.load();
                assertNotNull(l, cell);
                assertEquals(r.connections(), l.connections(), cell + ": connections");
                assertTrue(l.requests() > 0, cell + ": no request completed in the measured window");
                assertTrue(l.verified() >= l.requests(), cell + ": echoes verified " + l.verified());
                assertEquals(0, l.mismatches(), cell + ": echoes that differed from the message");
                assertEquals(0, l.failed(), cell + ": connections lost");
                assertTrue(r.stoppedCleanly(), cell + ": the server did not stop cleanly: " + r.serverStop());
                assertTrue(r.description() != null && !r.description().isBlank(), cell + ": no ready line");
            });
        }
        assertAll(checks);
    }
}
