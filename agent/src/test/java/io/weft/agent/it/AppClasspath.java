package io.weft.agent.it;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The class path of the applications the tests run in child JVMs: this module's test classes
 * (the applications, {@code io.weft.agent.apps}) and the third-party jars (pgjdbc, Jetty, ...),
 * but none of Weft's own modules. So the child is an application that knows nothing of Weft,
 * and whatever Weft does in it comes from {@code -javaagent:weft-agent.jar} alone.
 */
final class AppClasspath {
    private static volatile String cached;

    private AppClasspath() {}

    static String get() {
        String cp = cached;
        if (cp == null) {
            cached = cp = compute(testClasspath());
        }
        return cp;
    }

    /** Surefire and failsafe put the real test class path in this property (java.class.path may be a booter jar). */
    private static String testClasspath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    static String compute(String testClasspath) {
        List<String> kept = Arrays.stream(testClasspath.split(File.pathSeparator))
                .filter(e -> !e.isBlank())
                .filter(e -> !isWeftModule(Path.of(e)))
                .toList();
        if (kept.stream().noneMatch(e -> e.endsWith("test-classes"))) {
            throw new IllegalStateException("the agent's test classes are not on the test class path: " + testClasspath);
        }
        return kept.stream().collect(Collectors.joining(File.pathSeparator));
    }

    /**
     * A Weft module's classes: a jar named {@code weft-*} (from the local repository or a
     * module's target), or a module's {@code target/classes} (the reactor's view of it).
     */
    private static boolean isWeftModule(Path entry) {
        String name = entry.getFileName() == null ? "" : entry.getFileName().toString();
        if (name.startsWith("weft-") && name.endsWith(".jar")) {
            return true;
        }
        if (name.equals("classes") && entry.getParent() != null
                && entry.getParent().getFileName().toString().equals("target")) {
            Path module = entry.getParent().getParent();
            return module != null && Files.exists(module.resolve("pom.xml"));
        }
        return false;
    }
}
