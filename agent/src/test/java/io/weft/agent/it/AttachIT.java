package io.weft.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.tools.attach.VirtualMachine;
import io.weft.agent.apps.net.AttachTargetApp;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The agent loaded into a running JVM (the jar's {@code Agent-Class}, through the attach API):
 * the classes it rewrites and the JDK's pollers are already loaded and in use; virtual threads
 * created after the attach run on Weft and wait through it.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AttachIT {

    @Test
    void attachedToARunningJvmTheNewThreadsGoThroughWeft() throws Exception {
        ChildJvm.Output out;
        try (ChildJvm child = ChildJvm.start(List.of("-XX:+EnableDynamicAgentLoading"), AttachTargetApp.class.getName(),
                "socket-echo", "selector-wakeup", "sleep")) {
            String ready = child.awaitLine(l -> l.startsWith("ready "), Duration.ofSeconds(30));
            VirtualMachine vm = VirtualMachine.attach(ready.substring("ready ".length()));
            try {
                vm.loadAgent(AgentJar.path().toString(), "carriers=2");
            } finally {
                vm.detach();
            }
            child.send("go");
            out = child.finish(Duration.ofSeconds(60));
        }
        assertEquals(0, out.exitCode(), out::describe);
        assertEquals(1, out.agentLines().size(), out::describe);
        assertTrue(out.agentLines().get(0).startsWith("weft-agent: on: "), out::describe);
        assertTrue(out.stdout().contains("before attach: echoed 4194304 bytes, intact"), out::describe);
        ScenarioReport r = ScenarioReport.of(out);
        assertEquals(List.of("socket-echo", "selector-wakeup", "sleep"), List.copyOf(r.outcomes().keySet()), out::describe);
        assertEquals("echoed 4194304 bytes, intact", r.outcomes().get("socket-echo"), out::describe);
        r.carriers().forEach((scenario, carriers) ->
                assertTrue(carriers.startsWith("weft-carrier-"), () -> scenario + " ran on " + carriers));
        Counters c = Counters.of(out);
        assertTrue(c.get("WeftWaits") > 0, c::toString);
        assertTrue(c.get("WeftSelectorWaits") > 0, c::toString);
        assertEquals(0, c.get("JdkFallbacks"), c::toString);
    }
}
