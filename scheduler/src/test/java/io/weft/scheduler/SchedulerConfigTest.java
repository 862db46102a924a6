package io.weft.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.Backend;
import io.weft.poller.BackendUnavailableException;
import io.weft.poller.PollerConfig;
import io.weft.poller.testkit.LeakCheck;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@ExtendWith(LeakCheck.class)
class SchedulerConfigTest {

    @Test
    void defaultsComeFromTheMachine() {
        SchedulerConfig c = SchedulerConfig.from(new Properties());
        assertEquals(Runtime.getRuntime().availableProcessors(), c.carriers());
        assertEquals(65536, c.runQueueCapacity());
        assertEquals(32, c.reapInterval());
        assertEquals(10, c.pinnedWatchMillis());
    }

    @Test
    void theWatchFollowsItsPropertyAndZeroTurnsItOff() throws IOException {
        Properties p = new Properties();
        p.setProperty("weft.scheduler.pinnedWatchMillis", "0");
        assertEquals(0, SchedulerConfig.from(p).pinnedWatchMillis());
        try (WeftScheduler weft = WeftScheduler.start(SchedulerConfig.from(p).withCarriers(1), "nowatch")) {
            assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("nowatch-pinned-watch")));
        }
        try (WeftScheduler weft = WeftScheduler.start(SchedulerConfig.from(new Properties()).withCarriers(1), "watched")) {
            assertTrue(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("watched-pinned-watch")));
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("watched-pinned-watch")),
                "close() stops the watch");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "weft.carriers               | 0",
        "weft.carriers               | many",
        "weft.scheduler.runQueue     | 1000",
        "weft.scheduler.reapInterval | 0",
        "weft.scheduler.graceMillis  | -1",
        "weft.scheduler.pinnedWatchMillis | -5",
        "weft.scheduler.pinnedWatchMillis | 600000",
    })
    void badValuesNameTheProperty(String property, String value) {
        Properties p = new Properties();
        p.setProperty(property, value);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SchedulerConfig.from(p));
        assertTrue(e.getMessage().contains(property) && e.getMessage().contains(value), e.getMessage());
    }

    @Test
    void anUnavailableBackendFailsTheStartAndLeavesNothingRunning() {
        SchedulerConfig c = new SchedulerConfig(2, 1024, 32, 100,
                PollerConfig.defaults().withBackend(Backend.IO_URING).withRefuseUring("EPERM"));
        long before = liveCarrierThreads();
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> WeftScheduler.start(c));
        assertTrue(e.getMessage().contains("EPERM"), e.getMessage());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (liveCarrierThreads() > before && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(before, liveCarrierThreads(), "carrier threads left running after a failed start");
    }

    private static long liveCarrierThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("weft-carrier-") && t.isAlive()).count();
    }

    @Test
    void withoutJavaLangOpenedTheErrorSaysWhichFlagToAdd() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), NoOpensMain.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        String out = ChildJvm.drainAndClose(p);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("--add-opens java.base/java.lang=ALL-UNNAMED"), out);
    }

    /** Run in a JVM without --add-opens: prints the message a user would see. */
    public static final class NoOpensMain {
        public static void main(String[] args) throws Exception {
            try (WeftScheduler weft = WeftScheduler.start(SchedulerConfig.fromSystemProperties().withCarriers(1))) {
                weft.startVirtualThread(() -> {});
                System.out.println("UNEXPECTED: started a thread without java.lang opened");
                System.exit(1);
            } catch (IllegalStateException e) {
                System.out.println(e.getMessage());
            }
        }
    }
}
