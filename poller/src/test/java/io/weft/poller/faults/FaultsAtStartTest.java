package io.weft.poller.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code weft.faults} is read once per JVM, so these run a child JVM: a bad spec stops Weft
 * where it starts, naming the bad part; a good one is on and reported; none is off.
 */
class FaultsAtStartTest {

    @Test
    void aBadSpecFailsOpeningAPollerNamingTheBadPart() throws Exception {
        Result r = run("-Dweft.faults=recv:EAGAIN:0.1,send:EWHAT:0.2");
        assertNotEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("IllegalArgumentException: weft.faults: bad part 'send:EWHAT:0.2': unknown fault 'EWHAT'"),
                r.output);
    }

    @Test
    void aGoodSpecIsOnAndReportsItsCountsAtExit() throws Exception {
        Result r = run("-Dweft.faults=poll:EINTR:0.5,seed=3");
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("weft.faults is on (test only): injecting poll:EINTR:0.5,seed=3"), r.output);
        assertTrue(r.output.contains("weft.faults injected (poll:EINTR:0.5,seed=3):"), r.output);
    }

    @Test
    void offWithoutTheProperty() throws Exception {
        Result r = run();
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("weft.faults: off"), r.output);
    }

    private record Result(int exit, String output) {}

    private static Result run(String... props) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path")));
        cmd.addAll(List.of(props));
        cmd.add(OpenPoller.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "child JVM did not exit");
            return new Result(p.exitValue(), out);
        } finally {
            // Closed now, not by the garbage collector during a later class's leak check.
            p.getOutputStream().close();
            p.getInputStream().close();
            p.getErrorStream().close();
        }
    }
}
