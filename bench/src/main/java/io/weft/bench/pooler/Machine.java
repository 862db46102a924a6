package io.weft.bench.pooler;

import io.weft.pooler.pg.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** What the numbers were measured on. */
record Machine(int cpus, String cpuModel, String memory, String kernel, String jdk, String postgres, String pgbouncer,
               String date, String loadAtStart) {

    static Machine describe(EmbeddedPostgres pg, String pgbouncerVersion) {
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
        String jdk = System.getProperty("java.vm.vendor", "") + " " + System.getProperty("java.runtime.version", Runtime.version().toString());
        String postgres;
        try {
            List<List<String>> rows = pg.query("SHOW server_version");
            postgres = "PostgreSQL " + rows.get(0).get(0);
        } catch (RuntimeException e) {
            postgres = "PostgreSQL (version unknown)";
        }
        String load = "?";
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            load = f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return new Machine(Runtime.getRuntime().availableProcessors(), cpuModel, memory, kernel, jdk.strip(), postgres,
                pgbouncerVersion == null ? "not available" : pgbouncerVersion,
                ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")), load);
    }

    String oneLine() {
        return "Machine: " + cpus + " CPUs (" + cpuModel + "), " + memory + ", " + kernel + ", " + jdk + ", " + postgres
                + ", " + pgbouncer + "; load average at start " + loadAtStart;
    }
}
