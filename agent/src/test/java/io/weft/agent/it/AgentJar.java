package io.weft.agent.it;

import java.nio.file.Files;
import java.nio.file.Path;

/** The built agent, {@code agent/target/weft-agent.jar} (failsafe passes its path). */
final class AgentJar {
    private AgentJar() {}

    static Path path() {
        String p = System.getProperty("weft.agent.jar", "target/weft-agent.jar");
        Path jar = Path.of(p).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: these tests run after the package phase"
                    + " (mvn verify, ./weft test), which builds it");
        }
        return jar;
    }

    /** {@code -javaagent:<jar>} or {@code -javaagent:<jar>=<options>}. */
    static String option(String options) {
        return "-javaagent:" + path() + (options == null || options.isEmpty() ? "" : "=" + options);
    }
}
