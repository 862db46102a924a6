package io.weft.bench.pooler;

import io.weft.bench.Host;
import io.weft.pooler.pg.EmbeddedPostgres;
import java.util.List;

/** What the numbers were measured on: the host, and the PostgreSQL and PgBouncer versions. */
record Machine(Host host, String postgres, String pgbouncer) {

    static Machine describe(EmbeddedPostgres pg, String pgbouncerVersion) {
        String postgres;
        try {
            List<List<String>> rows = pg.query("SHOW server_version");
            postgres = "PostgreSQL " + rows.get(0).get(0);
        } catch (RuntimeException e) {
            postgres = "PostgreSQL (version unknown)";
        }
        return new Machine(Host.describe(), postgres, pgbouncerVersion == null ? "not available" : pgbouncerVersion);
    }

    int cpus() {
        return host.cpus();
    }

    String cpuModel() {
        return host.cpuModel();
    }

    String memory() {
        return host.memory();
    }

    String kernel() {
        return host.kernel();
    }

    String jdk() {
        return host.jdk();
    }

    String date() {
        return host.date();
    }

    String loadAtStart() {
        return host.loadAtStart();
    }

    String oneLine() {
        return "Machine: " + cpus() + " CPUs (" + cpuModel() + "), " + memory() + ", " + kernel() + ", " + jdk() + ", " + postgres
                + ", " + pgbouncer + "; load average at start " + loadAtStart();
    }
}
