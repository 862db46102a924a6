package io.weft.poller.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.testkit.LeakCheck;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A registration that exceeds {@code RLIMIT_MEMLOCK} is refused with a message that names the
 * limit. The test JVM runs as root, whose {@code CAP_IPC_LOCK} lifts the limit, so the case runs
 * in a child JVM as user nobody (no capabilities, {@code setpriv}) under a 64 KiB limit
 * ({@code prlimit}); skipped, saying why, where that cannot be arranged.
 */
@ExtendWith(LeakCheck.class)
class UringMemlockTest {
    private static final long LIMIT = 64 * 1024;

    @Test
    void aRegistrationOverTheMemlockLimitSaysSo() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root to start a child as another user without CAP_IPC_LOCK");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")) && Files.isExecutable(Path.of("/usr/bin/prlimit")),
                "needs setpriv and prlimit (util-linux)");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/prlimit", "--memlock=" + LIMIT + ":" + LIMIT,
                "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xshare:off", "-cp", ownClassPath(),
                MemlockChild.class.getName(), Long.toString(16 * LIMIT)));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try {
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
            out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        } finally {
            // The three pipes to the child stay open until closed (the class's leak check counts them).
            child.getOutputStream().close();
            child.getInputStream().close();
            child.getErrorStream().close();
            child.destroyForcibly();
        }
        assertEquals(0, child.exitValue(), out);
        assertTrue(out.contains("REFUSED") && out.contains("ENOMEM"), out);
        assertTrue(out.contains("RLIMIT_MEMLOCK (limit " + LIMIT + " bytes"), () -> "the message names the limit: " + out);
        assertTrue(out.contains("1 buffers, " + 16 * LIMIT + " bytes"), () -> "and what was asked: " + out);
    }

    /** The poller's classes and test classes (the child needs nothing else, and nobody can read ~/.m2). */
    private static String ownClassPath() {
        StringBuilder cp = new StringBuilder();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith("classes") || entry.endsWith("test-classes")) {
                if (cp.length() > 0) cp.append(File.pathSeparator);
                cp.append(entry);
            }
        }
        return cp.toString();
    }
}
