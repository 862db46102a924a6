package io.weft.agent;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;

/**
 * The agent's entry point ({@code Premain-Class} and {@code Agent-Class} of weft-agent.jar).
 *
 * <p>Compiled for Java 8, unlike the rest of the agent ({@code agent/src/launcher}, its own
 * compiler execution), so that any JDK can load it: a JVM that cannot load the premain class
 * (an {@code UnsupportedClassVersionError} on JDK 21 for a class file of JDK 25) does not start
 * the application at all ("processing of -javaagent failed", exit 134). Here an older JDK is
 * refused with one line and the application runs on it as if there were no agent; on JDK 25+
 * it hands over to {@link WeftAgent}, by name, since WeftAgent's class file is too new to be
 * linked from here.
 */
public final class AgentLauncher {
    /** The oldest JDK whose internals the agent's rewrites and the scheduler know. */
    static final int OLDEST_JDK = 25;

    private AgentLauncher() {}

    public static void premain(String args, Instrumentation inst) {
        start("premain", args, inst);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start("agentmain", args, inst);
    }

    private static void start(String entry, String args, Instrumentation inst) {
        if (feature(System.getProperty("java.specification.version", "0")) < OLDEST_JDK) {
            System.err.println("weft-agent: not enabled: JDK " + System.getProperty("java.runtime.version", "?")
                    + " is not supported; Weft needs JDK " + OLDEST_JDK + " or newer (the application runs without Weft)");
            return;
        }
        try {
            Class.forName("io.weft.agent.WeftAgent").getMethod(entry, String.class, Instrumentation.class)
                    .invoke(null, args, inst);
        } catch (InvocationTargetException e) {
            System.err.println("weft-agent: not enabled: " + e.getCause() + " (the application runs on the JDK's own poller)");
        } catch (ReflectiveOperationException | LinkageError e) {
            System.err.println("weft-agent: not enabled: " + e + " (the application runs on the JDK's own poller)");
        }
    }

    /** 8 for "1.8", 17 for "17", 0 if unreadable. */
    static int feature(String specificationVersion) {
        String v = specificationVersion.startsWith("1.") ? specificationVersion.substring(2) : specificationVersion;
        int end = 0;
        while (end < v.length() && Character.isDigit(v.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Integer.parseInt(v.substring(0, end));
    }
}
