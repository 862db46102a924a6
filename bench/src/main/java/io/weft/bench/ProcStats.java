package io.weft.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * CPU time and context switches from {@code /proc}, in clock ticks (Linux only; elsewhere every
 * figure is 0). Shared by the load benchmarks that split a run's CPU between processes.
 */
public final class ProcStats {
    private ProcStats() {}

    /** Clock ticks per second of the figures here ({@code USER_HZ}: 100 on Linux). */
    public static final int TICKS_PER_SECOND = 100;

    /** {total, idle + iowait, steal, irq + softirq} from the first line of /proc/stat. */
    public static long[] machine() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (!line.startsWith("cpu ")) continue;
                String[] f = line.trim().split("\\s+");
                long total = 0;
                // user nice system idle iowait irq softirq steal (guest and guest_nice are inside user/nice)
                for (int i = 1; i <= Math.min(8, f.length - 1); i++) total += Long.parseLong(f[i]);
                long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
                long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
                long irq = (f.length > 6 ? Long.parseLong(f[6]) : 0) + (f.length > 7 ? Long.parseLong(f[7]) : 0);
                return new long[] {total, idle, steal, irq};
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no split
        }
        return new long[] {0, 0, 0, 0};
    }

    /** utime, stime, cutime, cstime of one process (zeros if it is gone). */
    public static long[] process(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name may hold spaces and parentheses: fields start after the last ')'.
            String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split("\\s+");
            // f[0] is field 3 (state); utime is field 14 -> f[11].
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14])};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0, 0, 0};
        }
    }

    /** A process's own CPU ticks (user + system), its threads included, its children not. */
    public static long ownTicks(long pid) {
        long[] s = process(pid);
        return s[0] + s[1];
    }

    /**
     * CPU ticks of a process tree: the process's own and its reaped children's, plus the same
     * for each live child. A child that ends between two snapshots moves from the second term
     * to its parent's reaped-children figure, so the difference stays right.
     */
    public static long tree(long pid) {
        // A child reaped between reading the parent and listing the children would be in
        // neither: read the parent again afterwards and start over if its reaped figure moved.
        for (int attempt = 0; ; attempt++) {
            long[] s = process(pid);
            long sum = s[0] + s[1] + s[2] + s[3];
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            if (h.isPresent()) {
                List<ProcessHandle> children = h.get().children().toList();
                for (ProcessHandle c : children) sum += tree(c.pid());
            }
            long[] again = process(pid);
            if ((again[2] == s[2] && again[3] == s[3]) || attempt >= 20) return sum;
        }
    }

    /** Voluntary and involuntary context switches of every thread of {@code pid}. */
    public static long switches(long pid) {
        long sum = 0;
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : tasks.toList()) {
                try {
                    for (String l : Files.readAllLines(t.resolve("status"))) {
                        if (l.startsWith("voluntary_ctxt_switches:") || l.startsWith("nonvoluntary_ctxt_switches:")) {
                            sum += Long.parseLong(l.substring(l.indexOf(':') + 1).strip());
                        }
                    }
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return sum;
    }
}
