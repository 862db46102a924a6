package io.weft.bench.pooler;

import java.util.List;
import java.util.Locale;

/** A pgbench workload: the arguments that choose the script and the query protocol. */
enum Workload {
    SELECT_ONLY("select", "Select-only", "pgbench -S -M prepared", List.of("-S", "-M", "prepared"), true),
    TPCB("tpcb", "TPC-B-like", "pgbench (built-in tpcb-like, -M simple)", List.of(), false);

    final String key;
    final String label;
    final String description;
    final List<String> args;
    /** Uses named prepared statements (protocol level). */
    final boolean prepared;

    Workload(String key, String label, String description, List<String> args, boolean prepared) {
        this.key = key;
        this.label = label;
        this.description = description;
        this.args = args;
        this.prepared = prepared;
    }

    static Workload parse(String s) {
        String n = s.toLowerCase(Locale.ROOT);
        for (Workload w : values()) {
            if (w.key.equals(n) || w.name().equalsIgnoreCase(n.replace('-', '_'))) return w;
        }
        throw new BenchOptions.UsageException("unknown workload '" + s + "' (select, tpcb)");
    }
}
