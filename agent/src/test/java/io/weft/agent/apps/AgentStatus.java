package io.weft.agent.apps;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * What the applications know of the agent: only its MBean, {@code io.weft:type=Agent}, read
 * through the platform MBean server as any monitoring tool would (no Weft class is on the
 * applications' class path). Printed as {@code counter Name=value} lines for the tests.
 */
public final class AgentStatus {
    public static final String[] COUNTERS = {"WeftWaits", "WeftSelectorWaits", "JdkFallbacks", "StopPolls", "ThreadsRouted",
        "FileRingReads", "FileRingWrites", "FileCachedReads"};

    private AgentStatus() {}

    /** Each counter's value now; empty when the agent is not active. */
    public static Map<String, Long> counters() {
        Map<String, Long> out = new LinkedHashMap<>();
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName("io.weft:type=Agent");
            if (!server.isRegistered(name)) {
                return out;
            }
            for (String c : COUNTERS) {
                out.put(c, (Long) server.getAttribute(name, c));
            }
            // Timed parks of Weft's virtual threads (Thread.sleep, timed waits) fire as carrier timers.
            long timers = 0;
            for (ObjectName scheduler : server.queryNames(new ObjectName("io.weft:type=Scheduler,*"), null)) {
                for (long t : (long[]) server.getAttribute(scheduler, "TimersFired")) {
                    timers += t;
                }
            }
            out.put("TimersFired", timers);
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** {@code counter Name=value} for each counter, the options and the carrier count; or {@code agent absent}. */
    public static void print() {
        Map<String, Long> counters = counters();
        if (counters.isEmpty()) {
            System.out.println("agent absent");
            return;
        }
        counters.forEach((k, v) -> System.out.println("counter " + k + "=" + v));
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName("io.weft:type=Agent");
            System.out.println("options " + server.getAttribute(name, "Options"));
            System.out.println("carriers " + ((int[]) server.getAttribute(name, "CarrierQueueDepths")).length);
            for (ObjectName scheduler : server.queryNames(new ObjectName("io.weft:type=Scheduler,*"), null)) {
                System.out.println("backend " + server.getAttribute(scheduler, "Backend"));
            }
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code after - before} per counter (empty if the agent is not active). */
    public static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> d = new LinkedHashMap<>();
        after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0L)));
        return d;
    }
}
