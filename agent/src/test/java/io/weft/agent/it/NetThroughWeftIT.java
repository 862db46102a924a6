package io.weft.agent.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.apps.net.NetScenariosApp;
import io.weft.poller.Backend;
import io.weft.poller.testkit.KqueueTesting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * java.net and NIO on virtual threads (NetScenariosApp: sockets, channels, pipes, datagrams,
 * selectors, close and interrupt of blocked threads, timeouts, sleeps) give the same outcomes
 * with the agent as without it, while their threads run on Weft's carriers and their waits go
 * through Weft.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NetThroughWeftIT {
    private static final Duration CHILD_TIME = Duration.ofSeconds(120);
    /** Scenarios that need no wait: loopback refuses a connect at once; sleeps are timers, not descriptor waits. */
    private static final List<String> NO_DESCRIPTOR_WAIT = List.of("socket-connect-refused", "sleep");

    private static ChildJvm.Output withoutAgent;
    private static ScenarioReport jdk;

    @BeforeAll
    static void runWithoutTheAgent() throws Exception {
        try (ChildJvm child = ChildJvm.start(List.of(), NetScenariosApp.class.getName())) {
            withoutAgent = child.finish(CHILD_TIME);
        }
        jdk = ScenarioReport.of(withoutAgent);
    }

    /**
     * The outcomes to compare: all of them, except on libkqueue the refused connect, since
     * libkqueue clears the socket's pending error before the JDK reads it
     * ({@link KqueueTesting#assumeSocketErrorsSurvive}).
     */
    private static Map<String, String> comparable(Map<String, String> outcomes, String backend) {
        if (!backend.equals("kqueue") || !KqueueTesting.isLinux()) {
            return outcomes;
        }
        Map<String, String> kept = new TreeMap<>(outcomes);
        kept.remove("socket-connect-refused");
        return kept;
    }

    private static void assertNoBrokenOutcome(ScenarioReport r, ChildJvm.Output out) {
        assertTrue(r.outcomes().size() >= 20, out::describe);
        for (var e : r.outcomes().entrySet()) {
            String o = e.getValue();
            assertTrue(!o.startsWith("FAILED") && !o.equals("HUNG") && !o.contains("EARLY") && !o.contains("CORRUPT"),
                    () -> e.getKey() + ": " + o + "\n" + out.describe());
        }
    }

    /** The reference run is itself sound: what the JDK alone does, on the JDK's carriers. */
    @Test
    void withoutTheAgentTheScenariosRunOnTheJdk() {
        assertEquals(0, withoutAgent.exitCode(), withoutAgent::describe);
        assertNoBrokenOutcome(jdk, withoutAgent);
        assertTrue(withoutAgent.stdout().contains("agent absent"), withoutAgent::describe);
        jdk.carriers().forEach((scenario, carriers) ->
                assertTrue(carriers.startsWith("ForkJoinPool"), () -> scenario + ": " + carriers));
    }

    @ParameterizedTest(name = "backend={0}")
    @ValueSource(strings = {"auto", "epoll", "kqueue"})
    void sameOutcomesWithTheAgentAndTheWaitsGoThroughWeft(String backend) throws Exception {
        List<String> options = new ArrayList<>(List.of(AgentJar.option("backend=" + backend + ",carriers=2")));
        if (backend.equals("kqueue")) {
            KqueueTesting.assumeRuns(Backend.KQUEUE);
            if (KqueueTesting.library() != null) {
                options.add("-D" + KqueueTesting.LIBRARY_PROPERTY + "=" + KqueueTesting.library());
            }
        }
        ChildJvm.Output out;
        try (ChildJvm child = ChildJvm.start(options, NetScenariosApp.class.getName())) {
            out = child.finish(CHILD_TIME);
        }
        assertEquals(0, out.exitCode(), out::describe);
        assertEquals(1, out.agentLines().size(), out::describe);
        assertTrue(out.agentLines().get(0).startsWith("weft-agent: on: "), out::describe);
        ScenarioReport weft = ScenarioReport.of(out);
        assertNoBrokenOutcome(weft, out);
        assertEquals(comparable(jdk.outcomes(), backend), comparable(weft.outcomes(), backend),
                () -> "outcomes differ from the JDK's alone\n" + out.describe());

        List<Executable> checks = new ArrayList<>();
        for (String scenario : weft.outcomes().keySet()) {
            String carriers = weft.carriers().get(scenario);
            checks.add(() -> assertTrue(carriers != null && !carriers.isEmpty()
                    && List.of(carriers.split(" ")).stream().allMatch(c -> c.startsWith("weft-carrier-")),
                    () -> scenario + " ran on " + carriers));
            Counters c = weft.waits(scenario);
            checks.add(() -> assertEquals(0, c.get("JdkFallbacks"), () -> scenario + ": " + c));
            checks.add(() -> assertTrue(c.get("ThreadsRouted") >= 1, () -> scenario + ": " + c));
            if (!NO_DESCRIPTOR_WAIT.contains(scenario)) {
                checks.add(() -> assertTrue(c.get("WeftWaits") + c.get("WeftSelectorWaits") > 0,
                        () -> scenario + " made no wait through Weft: " + c));
            }
            if (scenario.startsWith("selector-")) {
                checks.add(() -> assertTrue(c.get("WeftSelectorWaits") > 0, () -> scenario + ": " + c));
            }
            if (scenario.contains("-close-wakes-")) {
                checks.add(() -> assertTrue(c.get("StopPolls") > 0, () -> scenario + ": the close woke no Weft wait: " + c));
            }
        }
        Counters sleep = weft.waits("sleep");
        checks.add(() -> assertTrue(sleep.get("TimersFired") >= 20,
                () -> "the 20 sleeps should be carrier timers: " + sleep));
        Counters total = Counters.of(out);
        checks.add(() -> assertTrue(total.get("WeftWaits") > 20, () -> "total " + total));
        assertAll(checks);
    }
}
