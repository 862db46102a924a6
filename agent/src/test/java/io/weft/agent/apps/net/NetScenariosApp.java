package io.weft.agent.apps.net;

import io.weft.agent.apps.AgentStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Runs every java.net / NIO scenario, one at a time, each on a virtual thread of
 * {@code Executors.newVirtualThreadPerTaskExecutor()}, and prints for each:
 * <pre>
 * outcome NAME: what happened            (compared with and without the agent)
 * carriers NAME: weft-carrier-0 ...      (where its threads ran)
 * waits NAME: WeftWaits=3 ...            (the agent's counters moved by it; absent without the agent)
 * </pre>
 * then the agent's final counters ({@link AgentStatus#print}). Arguments: scenario names to
 * run only those.
 */
public final class NetScenariosApp {
    private NetScenariosApp() {}

    static Map<String, Scenario> all() {
        Map<String, Scenario> all = new LinkedHashMap<>();
        StreamScenarios.addTo(all);
        DatagramScenarios.addTo(all);
        SelectorScenarios.addTo(all);
        CloseAndInterruptScenarios.addTo(all);
        TimeoutScenarios.addTo(all);
        return all;
    }

    public static void main(String[] args) throws Exception {
        Map<String, Scenario> scenarios = all();
        if (args.length > 0) {
            scenarios.keySet().retainAll(java.util.List.of(args));
        }
        try (ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Map.Entry<String, Scenario> e : scenarios.entrySet()) {
                String name = e.getKey();
                Map<String, Long> before = AgentStatus.counters();
                Carriers.drain();
                Future<String> f = vts.submit(() -> {
                    Carriers.record();
                    String outcome = e.getValue().run();
                    Carriers.record();
                    return outcome;
                });
                String outcome;
                try {
                    outcome = f.get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException x) {
                    outcome = "FAILED " + Outcome.of(x.getCause());
                    x.getCause().printStackTrace();
                } catch (TimeoutException x) {
                    outcome = "HUNG";
                    f.cancel(true);
                }
                // Let helper threads finish their last bookkeeping before the counters are read.
                Thread.sleep(20);
                Map<String, Long> delta = AgentStatus.delta(before, AgentStatus.counters());
                System.out.println("outcome " + name + ": " + outcome);
                System.out.println("carriers " + name + ": " + Carriers.drain());
                if (!delta.isEmpty()) {
                    System.out.println("waits " + name + ": " + delta.entrySet().stream()
                            .map(d -> d.getKey() + "=" + d.getValue()).collect(Collectors.joining(" ")));
                }
            }
        }
        AgentStatus.print();
    }
}
