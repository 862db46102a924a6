package io.weft.bench.echo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The open-file limit the benchmark's processes get. HotSpot raises its soft limit to the hard
 * one at start-up on Linux ({@code -XX:+MaxFDLimit}, the default), so every child JVM may open
 * as many descriptors as the hard limit this JVM shows; a shell's {@code ulimit -n} soft limit
 * does not matter, the hard one does, and only root can raise that.
 */
final class FdLimit {
    /** Descriptors a process needs besides one per connection: the JVM's jars, pipes, epoll, rings. */
    static final int SPARE = 200;

    private FdLimit() {}

    /** {soft, hard} of this process ({@code Long.MAX_VALUE} for unlimited), or null if unknown. */
    static long[] current() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (!l.startsWith("Max open files")) continue;
                String[] f = l.substring("Max open files".length()).trim().split("\\s+");
                return new long[] {parse(f[0]), parse(f[1])};
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return null;
    }

    /** Why {@code connections} connections cannot be opened in one process here, or null if they can. */
    static String tooFew(int connections) {
        long[] l = current();
        if (l == null) return null;
        long need = connections + (long) SPARE;
        if (l[1] >= need) return null;
        return "needs " + need + " open files per process, the hard limit (ulimit -Hn) is " + l[1]
                + " and only root can raise it";
    }

    private static long parse(String s) {
        return s.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(s);
    }
}
