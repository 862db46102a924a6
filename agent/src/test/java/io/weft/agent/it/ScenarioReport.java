package io.weft.agent.it;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NetScenariosApp's output, per scenario: the outcome, the carriers its threads ran on, the
 * agent counters it moved (empty without the agent).
 */
record ScenarioReport(Map<String, String> outcomes, Map<String, String> carriers, Map<String, Counters> waits) {

    static ScenarioReport of(ChildJvm.Output out) {
        return new ScenarioReport(byScenario(out.linesAfter("outcome ")), byScenario(out.linesAfter("carriers ")),
                byScenario(out.linesAfter("waits ")).entrySet().stream().collect(LinkedHashMap::new,
                        (m, e) -> m.put(e.getKey(), Counters.parse(List.of(e.getValue()))), Map::putAll));
    }

    /** "name: text" lines as name -> text (lines without ": " are not the scenarios'). */
    private static Map<String, String> byScenario(List<String> lines) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String l : lines) {
            int colon = l.indexOf(": ");
            if (colon > 0) {
                m.put(l.substring(0, colon), l.substring(colon + 2));
            }
        }
        return m;
    }

    Counters waits(String scenario) {
        Counters c = waits.get(scenario);
        if (c == null) {
            throw new AssertionError("no counters for " + scenario + " in " + waits.keySet());
        }
        return c;
    }
}
