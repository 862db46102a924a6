package io.weft.bench;

import io.weft.pooler.pg.CommandResult;
import io.weft.pooler.pg.PgTools;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A tool a benchmark runs (PgBouncer, wrk): found on PATH or in the usual bin directories, or
 * installed from Debian's package with apt-get when it is missing, the benchmark runs as root,
 * and the user did not say {@code --no-install}.
 */
public final class DebianPackage {
    private DebianPackage() {}

    /** {@code executable} on PATH, or in /usr/sbin, /usr/local/sbin, /usr/bin, /usr/local/bin. */
    public static Optional<Path> locate(String executable) {
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>();
        if (path != null) dirs.addAll(List.of(path.split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin"));
        for (String d : dirs) {
            if (d.isEmpty()) continue;
            Path p = Path.of(d, executable);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) return Optional.of(p.toAbsolutePath());
        }
        return Optional.empty();
    }

    /**
     * {@code executable}, installed with {@code apt-get install -y <pkg>} first if it is missing
     * and {@code install} allows it. Empty, with the reason printed ({@code label: ..., then
     * withoutIt}), if there is none.
     *
     * @param afterInstall run after a successful install (e.g. stop a service the package started)
     */
    public static Optional<Path> locateOrInstall(String label, String executable, String pkg, boolean install,
                                                 String withoutIt, PrintStream out, Runnable afterInstall) {
        Optional<Path> found = locate(executable);
        if (found.isPresent()) return found;
        if (!install) {
            out.println(label + ": not installed and --no-install given: " + withoutIt + ".");
            return Optional.empty();
        }
        if (!PgTools.currentUserIsRoot()) {
            out.println(label + ": not installed, and installing it needs root (apt-get install " + pkg + "): "
                    + withoutIt + ".");
            return Optional.empty();
        }
        if (!Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            out.println(label + ": not installed and there is no apt-get: install " + pkg + " and put it on PATH. "
                    + withoutIt + ".");
            return Optional.empty();
        }
        out.println(label + ": not installed; installing Debian's package (apt-get update; apt-get install -y " + pkg + ") ...");
        Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
        CommandResult update = PgTools.run(List.of("apt-get", "update"), env, null, null, Duration.ofMinutes(5));
        if (!update.ok()) {
            out.println(label + ": apt-get update failed (" + update.outcome() + "); trying the install anyway.\n"
                    + indent(update.describe(8)));
        }
        CommandResult installed = PgTools.run(List.of("apt-get", "install", "-y", "-o", "Dpkg::Options::=--force-confdef",
                "-o", "Dpkg::Options::=--force-confold", pkg), env, null, null, Duration.ofMinutes(10));
        if (!installed.ok()) {
            out.println(label + ": apt-get install " + pkg + " failed (" + installed.outcome() + "): " + withoutIt
                    + ".\n" + indent(installed.describe(12)));
            return Optional.empty();
        }
        afterInstall.run();
        found = locate(executable);
        if (found.isEmpty()) {
            out.println(label + ": apt-get installed " + pkg + " but no " + executable + " executable is found: "
                    + withoutIt + ".");
        }
        return found;
    }

    private static String indent(String s) {
        return "    " + s.replace("\n", "\n    ");
    }
}
