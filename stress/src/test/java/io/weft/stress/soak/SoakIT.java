package io.weft.stress.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The soak in {@code ./weft test} (mvn verify, failsafe): every backend for 35 s with 2,000
 * connections (about 2 minutes in all on 2 CPUs; the full soak is 10,000 connections for
 * minutes, {@code ./weft stress soak}), then two self-checks: a server with a deliberate bug
 * must fail the soak, naming the bug. Real child JVMs, real loopback sockets; bounded by the
 * soak's own deadlines and by the timeouts here.
 */
class SoakIT {
    private static final int CONNECTIONS = Integer.getInteger("weft.soak.it.connections", 2000);
    private static final int SECONDS = Integer.getInteger("weft.soak.it.seconds", 35);

    @Test
    @Timeout(600)
    void everyBackendKeepsEveryByteAndLeaksNothing() throws Exception {
        SoakOptions o = new SoakOptions(SECONDS, CONNECTIONS, List.of(SoakBackend.values()), System.getProperty("weft.faults"),
                30, 10, 1234, List.of());
        List<BackendRun> runs = new Soak(o, System.out).run();
        assertEquals(SoakBackend.values().length, runs.size());
        for (BackendRun r : runs) {
            if (r.skipped()) {
                // Only io_uring may be missing (a kernel or container that refuses it); epoll never is.
                assertTrue(r.backend() != SoakBackend.EPOLL, "epoll skipped: " + r.problems());
                System.out.println("skipped " + r.backend().key + ": " + r.problems());
                continue;
            }
            assertEquals(List.of(), r.problems(), r.backend().key);
            // It did what it says: every kind of misbehaviour happened, on both address families.
            for (String k : List.of("opened", "closed", "halfClosed", "resets", "stalls", "stallsBlocked", "verified")) {
                assertTrue(r.c(k) > 0, r.backend().key + ": no " + k + " in " + r.client());
            }
            if (SoakServer.ipv6Loopback() != null) assertTrue(r.c("ipv6") > 0, r.backend().key + ": no ::1 connection");
            assertEquals(r.start().watchedFds(), r.end().watchedFds(), r.backend().key);
            assertEquals(r.start().virtualThreads(), r.end().virtualThreads(), r.backend().key);
            assertEquals(0, r.end().reachableSockets(), r.backend().key);
            assertTrue(r.loaded().connections() > 0, r.backend().key + ": the half-time probe saw no connection");
        }
        assertTrue(runs.stream().anyMatch(BackendRun::passed));
    }

    @Test
    @Timeout(180)
    void aServerThatCorruptsAByteFailsTheSoak() throws Exception {
        List<String> problems = flawed("corrupt");
        assertTrue(problems.stream().anyMatch(p -> p.contains("CORRUPTED: echoed byte 100 differs")), problems.toString());
    }

    @Test
    @Timeout(180)
    void aServerThatLeaksSocketsFailsTheSoak() throws Exception {
        List<String> problems = flawed("leak");
        String all = String.join("\n", problems);
        assertTrue(all.contains("descriptor leak"), all);
        assertTrue(all.contains("accepted sockets still reachable after a full GC"), all);
        assertFalse(all.contains("CORRUPTED"), all);
    }

    /** A short epoll soak against a server with {@code -Dweft.soak.flaw=flaw}: its problems. */
    private static List<String> flawed(String flaw) throws Exception {
        SoakOptions o = new SoakOptions(8, 100, List.of(SoakBackend.EPOLL), null, 20, 4, 99,
                List.of("-Dweft.soak.flaw=" + flaw));
        List<BackendRun> runs = new Soak(o, System.out).run();
        assertEquals(1, runs.size());
        assertFalse(runs.get(0).passed(), "a server with the '" + flaw + "' flaw passed the soak");
        return runs.get(0).problems();
    }
}
