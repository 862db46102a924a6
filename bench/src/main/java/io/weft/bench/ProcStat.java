package io.weft.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's CPU time from {@code /proc/PID/stat} (Linux; zeros elsewhere or once it is gone). */
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
}
