package io.weft.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The agent on a JDK older than 25 (JDK 17 or 21 where one is installed under /usr/lib/jvm):
 * one clear line, and the application runs. The JVM must not abort because the agent's classes
 * are too new for it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OldJdkIT {

    @Test
    void anOlderJdkIsRefusedWithOneLineAndTheApplicationRuns() throws Exception {
        Optional<Path> java = olderJava();
        Assumptions.assumeTrue(java.isPresent(), "no JDK older than 25 under /usr/lib/jvm");
        ChildJvm.Output out;
        try (ChildJvm child = ChildJvm.startJava(java.get(), List.of(AgentJar.option(null), "-version"))) {
            out = child.finish(Duration.ofSeconds(40));
        }
        assertEquals(0, out.exitCode(), out::describe);
        List<String> agent = out.stderr().stream().filter(l -> l.startsWith("weft-agent: ")).toList();
        assertEquals(1, agent.size(), out::describe);
        assertTrue(agent.get(0).matches("weft-agent: not enabled: JDK \\S+ is not supported; Weft needs JDK 25 or newer.*"),
                out::describe);
        // java -version itself ran: its lines follow the agent's
        assertTrue(out.stderr().stream().anyMatch(l -> l.contains("version \"")), out::describe);
    }

    /** The java of the newest JDK older than 25 under /usr/lib/jvm, if any. */
    private static Optional<Path> olderJava() throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(jvms)) {
            return dirs.filter(d -> !Files.isSymbolicLink(d))
                    .filter(d -> Files.isExecutable(d.resolve("bin/java")))
                    .filter(d -> {
                        int r = release(d);
                        return r >= 8 && r < 25;
                    })
                    .max(Comparator.comparingInt(OldJdkIT::release))
                    .map(d -> d.resolve("bin/java"));
        }
    }

    /** JAVA_VERSION's feature number from the JDK's release file (1.8 counts as 8), or -1. */
    private static int release(Path jdk) {
        try {
            for (String l : Files.readAllLines(jdk.resolve("release"))) {
                if (l.startsWith("JAVA_VERSION=")) {
                    String v = l.substring(l.indexOf('"') + 1);
                    if (v.startsWith("1.")) {
                        v = v.substring(2);
                    }
                    return Integer.parseInt(v.split("[^0-9]")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not a JDK we can read
        }
        return -1;
    }
}
