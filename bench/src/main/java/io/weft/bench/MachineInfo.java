package io.weft.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** What a benchmark ran on: CPUs, memory, kernel, JDK, when, and how busy the machine was at the start. */
public record MachineInfo(int cpus, String cpuModel, String memory, String kernel, String jdk, String date,
                          String loadAtStart) {

    public static MachineInfo describe() {
        String cpuModel = "unknown CPU";
        String memory = "?";
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) {
                    cpuModel = l.substring(l.indexOf(':') + 1).strip();
                    break;
                }
            }
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(l.replaceAll("\\D", ""));
                    memory = String.format(Locale.ROOT, "%.0f GiB", kb / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        String kernel = System.getProperty("os.name") + " " + System.getProperty("os.version");
        String jdk = (System.getProperty("java.vm.vendor", "") + " "
                + System.getProperty("java.runtime.version", Runtime.version().toString())).strip();
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), cpuModel, memory, kernel, jdk,
                ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")), loadAverage());
    }

    /** The 1, 5 and 15 minute load averages now, or "?". */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** "2 CPUs (model), 24 GiB, Linux 6.x, JDK" */
    public String oneLine() {
        return cpus + " CPUs (" + cpuModel + "), " + memory + ", " + kernel + ", " + jdk;
    }
}
