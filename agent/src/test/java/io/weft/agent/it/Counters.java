package io.weft.agent.it;

import java.util.LinkedHashMap;
import java.util.Map;

/** The agent's counters as a child printed them ({@code counter Name=value}, see io.weft.agent.apps.AgentStatus). */
record Counters(Map<String, Long> values) {
    static Counters of(ChildJvm.Output out) {
        return parse(out.linesAfter("counter "));
    }

    /** {@code Name=value} pairs, from lines or from one space-separated line. */
    static Counters parse(Iterable<String> pairs) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String pair : pairs) {
            for (String p : pair.trim().split("\\s+")) {
                int eq = p.indexOf('=');
                if (eq > 0) {
                    m.put(p.substring(0, eq), Long.parseLong(p.substring(eq + 1)));
                }
            }
        }
        return new Counters(m);
    }

    long get(String name) {
        Long v = values.get(name);
        if (v == null) {
            throw new AssertionError("no counter " + name + " in " + values);
        }
        return v;
    }

    boolean present() {
        return !values.isEmpty();
    }
}
