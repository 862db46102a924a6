package io.weft.bench.pooler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Every run of one benchmark, and the per-cell summaries the report prints. */
final class Results {
    private final List<Run> runs = new ArrayList<>();

    /**
     * One cell of a table: the median over the rounds that ran clean.
     *
     * @param tps       median TPS
     * @param latencyMs median average latency
     * @param minTps    the lowest TPS of the clean rounds
     * @param maxTps    the highest
     * @param n         clean rounds
     * @param cpu       the CPU split of the round with the median TPS (the lower middle one when
     *                  the number of rounds is even)
     * @param cpuTps    that round's TPS
     * @param transactions that round's transactions
     * @param problem   why a round failed or why the cell was skipped ({@code null} if none)
     */
    record Cell(double tps, double latencyMs, double minTps, double maxTps, int n, CpuMeter.Split cpu,
                double cpuTps, long transactions, String problem, boolean skipped) {
        boolean present() {
            return n > 0;
        }
    }

    synchronized void add(Run r) {
        runs.add(r);
    }

    synchronized List<Run> all() {
        return List.copyOf(runs);
    }

    synchronized Cell cell(Workload w, int clients, Target t) {
        List<Run> mine = runs.stream().filter(r -> r.workload() == w && r.clients() == clients && r.target() == t).toList();
        List<Run> ok = mine.stream().filter(Run::ok).sorted(Comparator.comparingDouble(Run::tps)).toList();
        Optional<Run> bad = mine.stream().filter(r -> !r.ok()).findFirst();
        String problem = bad.map(Run::note).orElse(null);
        boolean skipped = bad.map(r -> r.status() == Run.Status.SKIPPED).orElse(false) && ok.isEmpty();
        if (ok.isEmpty()) {
            return new Cell(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, CpuMeter.Split.NONE, Double.NaN, 0, problem, skipped);
        }
        Run mid = ok.get((ok.size() - 1) / 2);
        double tps = median(ok.stream().mapToDouble(Run::tps).toArray());
        double lat = median(ok.stream().mapToDouble(Run::latencyMs).sorted().toArray());
        return new Cell(tps, lat, ok.get(0).tps(), ok.get(ok.size() - 1).tps(), ok.size(), mid.cpu(),
                mid.tps(), mid.transactions(), problem, false);
    }

    /** {@code t}'s median TPS over PgBouncer's in the same cell, NaN if either is missing. */
    double ratioToPgBouncer(Workload w, int clients, Target t) {
        Cell mine = cell(w, clients, t);
        Cell bouncer = cell(w, clients, Target.PGBOUNCER);
        if (!mine.present() || !bouncer.present() || bouncer.tps() <= 0) return Double.NaN;
        return mine.tps() / bouncer.tps();
    }

    private static double median(double[] sorted) {
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
