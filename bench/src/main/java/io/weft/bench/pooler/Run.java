package io.weft.bench.pooler;

/**
 * One measured pgbench run (or why there is none).
 *
 * @param status       how it ended
 * @param tps          pgbench's tps without the initial connection time
 * @param latencyMs    pgbench's average latency
 * @param transactions transactions processed
 * @param note         why it failed or was skipped; the pooler's thread description when it ran
 * @param cpu          where the machine's CPU time went while it ran
 */
record Run(Target target, Workload workload, int clients, int round, Status status, double tps, double latencyMs,
           long transactions, String note, CpuMeter.Split cpu) {

    enum Status { OK, FAILED, SKIPPED }

    static Run failed(Target t, Workload w, int clients, int round, String why) {
        return new Run(t, w, clients, round, Status.FAILED, Double.NaN, Double.NaN, -1, why, CpuMeter.Split.NONE);
    }

    static Run skipped(Target t, Workload w, int clients, int round, String why) {
        return new Run(t, w, clients, round, Status.SKIPPED, Double.NaN, Double.NaN, -1, why, CpuMeter.Split.NONE);
    }

    boolean ok() {
        return status == Status.OK;
    }
}
