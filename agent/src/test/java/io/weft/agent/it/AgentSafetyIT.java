package io.weft.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.apps.NoSocketsApp;
import io.weft.agent.apps.net.NetScenariosApp;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The agent never breaks the application: a bad option or an unavailable backend prints one
 * line and the application runs on the JDK as if there were no agent; an application without
 * sockets runs unchanged; options given as system properties are honoured.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AgentSafetyIT {
    /** What NoSocketsApp prints: the sum of 0..99,999. */
    private static final String NO_SOCKETS_RESULT = "result 4999950000";
    private static final Duration CHILD_TIME = Duration.ofSeconds(60);

    private static ChildJvm.Output run(List<String> jvmOptions, Class<?> app, String... args) throws Exception {
        try (ChildJvm child = ChildJvm.start(jvmOptions, app.getName(), args)) {
            return child.finish(CHILD_TIME);
        }
    }

    /** The application ran to its end and the agent did nothing: one line on stderr, nothing else. */
    private static void assertRanWithoutWeft(ChildJvm.Output out, String... mentioned) {
        assertEquals(0, out.exitCode(), out::describe);
        assertTrue(out.stdout().contains(NO_SOCKETS_RESULT), out::describe);
        assertTrue(out.stdout().contains("agent absent"), () -> "the agent's MBean is registered: " + out.describe());
        assertEquals(1, out.stderr().size(), () -> "stderr should be exactly one line: " + out.describe());
        String line = out.stderr().get(0);
        assertTrue(line.startsWith("weft-agent: not enabled: "), out::describe);
        for (String m : mentioned) {
            assertTrue(line.contains(m), () -> "the line should name '" + m + "': " + line);
        }
    }

    @Test
    void aBadOptionValueLeavesTheApplicationRunning() throws Exception {
        ChildJvm.Output out = run(List.of(AgentJar.option("scheduler=bogus")), NoSocketsApp.class);
        assertRanWithoutWeft(out, "scheduler=bogus");
    }

    @Test
    void anUnknownOptionNameLeavesTheApplicationRunning() throws Exception {
        ChildJvm.Output out = run(List.of(AgentJar.option("colour=blue")), NoSocketsApp.class);
        assertRanWithoutWeft(out, "colour");
    }

    @Test
    void kqueueOnLinuxIsOneClearLine() throws Exception {
        ChildJvm.Output out = run(List.of(AgentJar.option("backend=kqueue")), NoSocketsApp.class);
        assertRanWithoutWeft(out, "weft.kqueue.library"); // the line says what to set
    }

    @Test
    void anApplicationWithoutSocketsRunsUnchanged() throws Exception {
        ChildJvm.Output out = run(List.of(AgentJar.option("carriers=2")), NoSocketsApp.class);
        assertEquals(0, out.exitCode(), out::describe);
        assertTrue(out.stdout().contains(NO_SOCKETS_RESULT), out::describe);
        Counters c = Counters.of(out);
        assertEquals(0, c.get("WeftWaits"), out::describe);
        assertEquals(0, c.get("JdkFallbacks"), out::describe);
        assertEquals(100, c.get("ThreadsRouted"), () -> "each of the 100 virtual threads on Weft: " + out.describe());
        assertTrue(c.get("TimersFired") >= 100, () -> "each Thread.sleep a carrier timer: " + out.describe());
        assertEquals(List.of("weft-agent: on: " + out.linesAfter("backend ").get(0) + ", 2 carriers, scheduler=weft"),
                out.agentLines(), out::describe);
    }

    /**
     * The agent gives its own code native access, as {@code --enable-native-access} would: the
     * JDK's four-line warning about restricted methods must not appear.
     */
    @Test
    void noNativeAccessWarning() throws Exception {
        ChildJvm.Output out = run(List.of(AgentJar.option("carriers=1")), NoSocketsApp.class);
        assertEquals(0, out.exitCode(), out::describe);
        assertFalse(out.stderr().stream().anyMatch(l -> l.contains("restricted method") || l.contains("--enable-native-access")),
                out::describe);
    }

    @Test
    void logQuietPrintsNothing() throws Exception {
        ChildJvm.Output out = run(List.of(AgentJar.option("log=quiet,carriers=1")), NoSocketsApp.class);
        assertEquals(0, out.exitCode(), out::describe);
        assertTrue(Counters.of(out).present(), out::describe);
        assertEquals(List.of(), out.agentLines(), out::describe);
    }

    /**
     * {@code -Dweft.agent.scheduler=jdk} (and the backend and carriers as properties): virtual
     * threads stay on the JDK's scheduler, so their waits are left to the JDK's poller.
     */
    @Test
    void systemPropertiesSelectTheJdkScheduler() throws Exception {
        ChildJvm.Output out = run(List.of("-Dweft.agent.scheduler=jdk", "-Dweft.backend=epoll", "-Dweft.carriers=1",
                AgentJar.option(null)), NetScenariosApp.class, "socket-echo", "selector-ready");
        assertEquals(0, out.exitCode(), out::describe);
        assertEquals(List.of("backend=epoll,carriers=1,scheduler=jdk,files=jdk,log=info"), out.linesAfter("options "), out::describe);
        Counters c = Counters.of(out);
        assertEquals(0, c.get("ThreadsRouted"), out::describe);
        assertEquals(0, c.get("WeftWaits"), out::describe);
        assertEquals(0, c.get("WeftSelectorWaits"), out::describe);
        assertTrue(c.get("JdkFallbacks") > 0, out::describe);
        assertEquals(List.of("socket-echo: echoed 4194304 bytes, intact", "selector-ready: select() = 1, selected true, readable true"),
                out.linesAfter("outcome "), out::describe);
        for (String carriers : out.linesAfter("carriers ")) {
            assertFalse(carriers.contains("weft-carrier"), out::describe);
        }
    }

    @Test
    void theAgentArgumentWinsOverTheSystemProperty() throws Exception {
        ChildJvm.Output out = run(List.of("-Dweft.agent.scheduler=jdk", AgentJar.option("scheduler=weft,carriers=1")),
                NoSocketsApp.class);
        assertEquals(0, out.exitCode(), out::describe);
        assertTrue(out.linesAfter("options ").get(0).contains("scheduler=weft"), out::describe);
        assertEquals(100, Counters.of(out).get("ThreadsRouted"), out::describe);
    }

    /** {@code carriers=0} (one per CPU) given to the agent wins over {@code -Dweft.carriers} as any other value does. */
    @Test
    void carriersZeroInTheAgentArgumentWinsOverTheSystemProperty() throws Exception {
        int cpus = Runtime.getRuntime().availableProcessors();
        ChildJvm.Output out = run(List.of("-Dweft.carriers=" + (cpus + 1), AgentJar.option("carriers=0")),
                NoSocketsApp.class);
        assertEquals(0, out.exitCode(), out::describe);
        assertEquals(List.of(Integer.toString(cpus)), out.linesAfter("carriers "), out::describe);
    }
}
