package io.weft.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and context switches from {@code /proc}: a process's and the whole machine's (Linux;
 * zeros elsewhere or once a process is gone).
 */
public final class ProcStat {
    /**
     * Clock ticks per second in {@code /proc}: USER_HZ, which the kernel fixes at 100 for user
     * space on every architecture Weft runs on ({@code getconf CLK_TCK}), whatever its own HZ.
     */
    public static final int TICKS_PER_SECOND = 100;

    private ProcStat() {}

    /** utime, stime, cutime, cstime of one process in clock ticks (zeros if it is gone). */
    public static long[] times(long pid) {
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

    /** The user plus system CPU time of the process's own threads so far, in seconds. */
    public static double cpuSeconds(long pid) {
        long[] t = times(pid);
        return (t[0] + t[1]) / (double) TICKS_PER_SECOND;
    }

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
