package io.weft.stress.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What the soak calls a leak, and what it tolerates (LeakVerdict's comments say why). */
class LeakVerdictTest {
    // fds, watched, native, allocations, pooled, lazy allowance, rss, vthreads, pthreads, heap, connections, reachable
    private static final Snapshot START = new Snapshot(17, 14, 100_000, 8, 0, 8_500_000, 90_000, 2, 13, 6_000_000, 0, 0);

    @Test
    void theSameStateAgainIsNoLeak() {
        assertEquals(List.of(), LeakVerdict.problems(START, START));
    }

    @Test
    void toleratesWhatIsKeptOnPurpose() {
        // Receive rings registered lazily (within the allowance), buffers idle in the pool
        // (not counted in nativeBytes), more platform threads (JIT), heap within the tolerance, RSS.
        Snapshot end = new Snapshot(19, 14, 100_000 + 8_400_000, 12, 9_000_000, 8_500_000, 400_000, 2, 15,
                6_000_000 + LeakVerdict.HEAP_TOLERANCE, 0, 0);
        assertEquals(List.of(), LeakVerdict.problems(START, end));
    }

    @Test
    void namesEachLeak() {
        Snapshot end = new Snapshot(30, 27, 100_000 + 8_500_001, 20, 0, 8_500_000, 90_000, 5, 13,
                6_000_001 + LeakVerdict.HEAP_TOLERANCE, 3, 13);
        String all = String.join("\n", LeakVerdict.problems(START, end));
        for (String what : List.of("stuck server threads: 3", "descriptor leak: 14", "virtual thread leak: 2",
                "heap leak: 13 accepted sockets", "native memory leak", "heap growth")) {
            assertTrue(all.contains(what), "expected '" + what + "' in:\n" + all);
        }
    }

    @Test
    void snapshotLinesRoundTrip() {
        assertEquals(START, Snapshot.parse("SNAPSHOT " + START.line()));
    }
}
