package io.weft.stress.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Makes room for the soak's descriptors. Each of the two child JVMs holds one descriptor per
 * connection (10,000 by default) plus the JVM's own; HotSpot raises its soft limit to the hard
 * one at start ({@code -XX:+MaxFDLimit}), so the hard limit is what counts. Where it is too low
 * (many machines have 4096, this one 20000) and we are root, the children are started under
 * {@code prlimit --nofile=N:N} (util-linux), which raises both limits up to
 * /proc/sys/fs/nr_open (root needs CAP_SYS_RESOURCE for that, which some containers drop);
 * otherwise the soak stops with a message saying what to do. Two processes, not one, so that
 * 10,000 connections fit a hard limit of 20,000 without raising anything.
 */
final class FdLimit {
    /** Descriptors a child needs besides one per connection: jars, pipes, rings, epoll, spares. */
    static final int SPARE = 1000;

    private FdLimit() {}

    /**
     * The command prefix that gives a child room for {@code connections} connections: empty if
     * the current limit suffices.
     *
     * @throws IllegalStateException saying why it cannot be arranged
     */
    static List<String> prefixFor(int connections) {
        long need = connections + (long) SPARE;
        long hard = hardLimit();
        if (hard >= need) return List.of();
        long nrOpen = readLong(Path.of("/proc/sys/fs/nr_open"), Long.MAX_VALUE);
        if (need > nrOpen) {
            throw new IllegalStateException(connections + " connections need " + need + " descriptors per process,"
                    + " more than the kernel allows (/proc/sys/fs/nr_open = " + nrOpen + "); raise it with sysctl fs.nr_open");
        }
        if (!isRoot() || !Files.isExecutable(Path.of("/usr/bin/prlimit")) && !Files.isExecutable(Path.of("/bin/prlimit"))) {
            throw new IllegalStateException(connections + " connections need " + need + " descriptors per process; the hard"
                    + " limit is " + hard + " (ulimit -Hn) and raising it needs root and prlimit (util-linux): run as root,"
                    + " raise the limit beforehand, or use fewer --connections");
        }
        List<String> prefix = List.of("prlimit", "--nofile=" + need + ":" + need, "--");
        String refused = tryPrefix(prefix);
        if (refused != null) {
            throw new IllegalStateException(connections + " connections need " + need + " descriptors per process; the hard"
                    + " limit is " + hard + " (ulimit -Hn) and raising it failed (" + refused + "; a container without"
                    + " CAP_SYS_RESOURCE cannot raise it): raise it beforehand or use fewer --connections");
        }
        return prefix;
    }

    /** Runs {@code prefix true}: null if that works, else what prlimit said. */
    private static String tryPrefix(List<String> prefix) {
        try {
            List<String> cmd = new java.util.ArrayList<>(prefix);
            cmd.add("true");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String said = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            return p.waitFor() == 0 ? null : said.isEmpty() ? "exit " + p.exitValue() : said;
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** This process's hard limit on open files (Long.MAX_VALUE for unlimited or unknown). */
    static long hardLimit() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (!l.startsWith("Max open files")) continue;
                String[] f = l.substring("Max open files".length()).trim().split("\\s+");
                return f[1].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(f[1]);
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return Long.MAX_VALUE;
    }

    private static boolean isRoot() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("Uid:")) return l.split("\\s+")[2].equals("0"); // effective uid
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return false;
    }

    private static long readLong(Path p, long otherwise) {
        try {
            return Long.parseLong(Files.readAllLines(p).get(0).trim()); // readString stops early on some /proc files
        } catch (IOException | RuntimeException e) {
            return otherwise;
        }
    }
}
