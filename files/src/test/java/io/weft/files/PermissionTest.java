package io.weft.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.poller.testkit.KqueueTesting;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Permission denied, compared with the JDK. The tests run as root, whom the kernel lets open
 * anything, so this runs {@link PermissionProbe} in a child JVM as {@code nobody}
 * ({@code setpriv}), on the compiled classes only (nobody cannot read root's Maven repository,
 * and the probe needs no library). Skips when not root or without {@code setpriv}.
 */
class PermissionTest {
    @TempDir
    Path dir;

    @Test
    void permissionDeniedAsTheJdk() throws Exception {
        Assumptions.assumeTrue(KqueueTesting.isLinux(),
                "Linux only: the child compares io_uring and epoll carriers and switches user with setpriv (util-linux)");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to switch to nobody");
        Path setpriv = Path.of("/usr/bin/setpriv");
        Assumptions.assumeTrue(Files.isExecutable(setpriv), "needs setpriv (util-linux)");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path secret = Files.writeString(dir.resolve("secret"), "root only");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path readable = Files.writeString(dir.resolve("readable"), "anyone");
        Files.setPosixFilePermissions(readable, PosixFilePermissions.fromString("rw-r--r--"));
        Path closed = Files.createDirectory(dir.resolve("closed"));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));

        List<String> cases = List.of(
                "READ@" + secret,                          // EACCES on the file
                "WRITE@" + readable,                       // EACCES: not writable by others
                "CREATE,WRITE@" + dir.resolve("new"),      // EACCES: the directory is not writable
                "READ@" + closed.resolve("inside"),        // EACCES: the directory cannot be searched
                "READ@" + readable);                       // allowed

        List<String> command = new ArrayList<>(List.of(setpriv.toString(), "--reuid=65534", "--regid=65534",
                "--clear-groups", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-cp", readableClassPath(dir), PermissionProbe.class.getName()));
        command.addAll(cases);
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child ended");
        assertEquals(0, child.exitValue(), out);

        Map<String, String> jdk = new LinkedHashMap<>();
        int compared = 0;
        for (String line : out.split("\n")) {
            String[] f = line.split("\t");
            if (f.length != 3) continue; // JVM warnings
            if (f[0].equals("jdk")) {
                jdk.put(f[1], f[2]);
            } else if (!f[0].equals("weft-stat")) {
                assertEquals(jdk.get(f[1]), f[2], f[0] + " " + f[1] + "\n" + out);
                compared++;
            }
        }
        assertEquals(cases.size() * 4, compared, out);
        assertTrue(jdk.get(cases.get(0)).startsWith("java.nio.file.AccessDeniedException"), out);
        assertTrue(out.contains("weft-stat\tREAD@" + closed.resolve("inside") + "\tjava.nio.file.AccessDeniedException"), out);
    }

    /**
     * A class path nobody can read: the modules' compiled classes, as directories
     * ({@code mvn test}) or, in a reactor build past the package phase ({@code mvn verify -am}),
     * as the modules' jars. Jars from the local repository under the (root-only) home directory
     * (the poller and scheduler when this module is built alone) are copied into
     * {@code readable} first.
     */
    private static String readableClassPath(Path readable) throws java.io.IOException {
        Path copies = Files.createDirectories(readable.resolve("classpath"));
        Files.setPosixFilePermissions(copies, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> keep = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path entry = Path.of(e);
            boolean underHome = e.startsWith(System.getProperty("user.home"));
            if (!underHome && (Files.isDirectory(entry) || e.endsWith(".jar"))) {
                keep.add(e);
            } else if (underHome && e.endsWith(".jar") && Files.isRegularFile(entry)) {
                Path copy = copies.resolve(keep.size() + "-" + entry.getFileName());
                Files.copy(entry, copy);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                keep.add(copy.toString());
            }
        }
        return String.join(File.pathSeparator, keep);
    }
}
