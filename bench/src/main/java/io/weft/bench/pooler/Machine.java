package io.weft.bench.pooler;

import io.weft.bench.MachineInfo;
import io.weft.pooler.pg.EmbeddedPostgres;
import java.util.List;

/** What the numbers were measured on. */
record Machine(int cpus, String cpuModel, String memory, String kernel, String jdk, String postgres, String pgbouncer,
               String date, String loadAtStart) {

    static Machine describe(EmbeddedPostgres pg, String pgbouncerVersion) {
        MachineInfo host = MachineInfo.describe();
        String postgres;
        try {
            List<List<String>> rows = pg.query("SHOW server_version");
            postgres = "PostgreSQL " + rows.get(0).get(0);
        } catch (RuntimeException e) {
            postgres = "PostgreSQL (version unknown)";
        }
        return new Machine(host.cpus(), host.cpuModel(), host.memory(), host.kernel(), host.jdk(), postgres,
                pgbouncerVersion == null ? "not available" : pgbouncerVersion, host.date(), host.loadAtStart());
    }

    String oneLine() {
        return "Machine: " + cpus + " CPUs (" + cpuModel + "), " + memory + ", " + kernel + ", " + jdk + ", " + postgres
                + ", " + pgbouncer + "; load average at start " + loadAtStart;
    }
}
