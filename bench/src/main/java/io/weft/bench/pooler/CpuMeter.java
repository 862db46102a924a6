package io.weft.bench.pooler;

import io.weft.bench.ProcStat;
import java.util.List;
import java.util.Optional;

/**
 * Where the machine's CPU time went during one measured run, from {@code /proc} (Linux only;
 * elsewhere every figure is 0): the machine as a whole ({@code /proc/stat}), this JVM's own
 * threads (the in-process pooler), this JVM's reaped children (pgbench: the only child that
 * ends during a measured run), the PostgreSQL process tree and the PgBouncer process. What is
 * left is "other": processes outside the benchmark, which on a shared machine is the noise.
 */
final class CpuMeter {
    private CpuMeter() {}

    /** Cumulative clock ticks (and context switches, GC time) at one moment. */
    record Snapshot(long total, long idle, long steal, long irq, long jvmSelf, long jvmChildren, long postgres, long pgbouncer,
                    long jvmSwitches, long pgbouncerSwitches, long gcMillis) {}

    /**
     * Shares of the machine's time over an interval, each from 0 to 1 of all CPUs together.
     *
     * @param pgbench  pgbench (this JVM's children reaped in the interval)
     * @param postgres the postmaster and every backend
     * @param pooler   this JVM's own threads: the Weft pooler when it runs in process
     * @param pgbouncer the PgBouncer process
     * @param irq      interrupt and softirq time (mostly the loopback network stack). With tick-based
     *                 accounting (no CONFIG_IRQ_TIME_ACCOUNTING, as here) a tick in a softirq is
     *                 also charged to the process it interrupted, so this overlaps the figures
     *                 above: it is information, not one more slice
     * @param other    busy time charged to none of the processes above: other jobs on the machine,
     *                 and kernel threads such as ksoftirqd
     * @param idle     idle (and I/O wait)
     * @param steal    taken by the hypervisor
     * @param proxySwitches context switches (voluntary and not) of the pooler's threads: the JVM's or PgBouncer's
     * @param gcMillis      time the JVM's collectors report (the in-process pooler's garbage)
     */
    record Split(double pgbench, double postgres, double pooler, double pgbouncer, double irq, double other, double idle,
                 double steal, long proxySwitches, long gcMillis) {
        static final Split NONE = new Split(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        /** The pooler's share, whichever pooler ran (the JVM's for the Weft pooler, PgBouncer's process). */
        double proxy() {
            return pooler + pgbouncer;
        }
    }

    static Snapshot snapshot(long postmasterPid, long pgbouncerPid) {
        long[] machine = ProcStat.machine();
        long[] self = ProcStat.times(ProcessHandle.current().pid());
        long gc = 0;
        for (java.lang.management.GarbageCollectorMXBean b : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            gc += Math.max(0, b.getCollectionTime());
        }
        return new Snapshot(machine[0], machine[1], machine[2], machine[3],
                self[0] + self[1], self[2] + self[3],
                postmasterPid > 0 ? tree(postmasterPid) : 0,
                pgbouncerPid > 0 ? tree(pgbouncerPid) : 0,
                ProcStat.switches(ProcessHandle.current().pid()),
                pgbouncerPid > 0 ? ProcStat.switches(pgbouncerPid) : 0,
                gc);
    }

    static Split between(Snapshot a, Snapshot b) {
        double total = b.total - a.total;
        if (total <= 0) return Split.NONE;
        double pgbench = (b.jvmChildren - a.jvmChildren) / total;
        double postgres = (b.postgres - a.postgres) / total;
        double pooler = (b.jvmSelf - a.jvmSelf) / total;
        double pgbouncer = (b.pgbouncer - a.pgbouncer) / total;
        double idle = (b.idle - a.idle) / total;
        double steal = (b.steal - a.steal) / total;
        double irq = (b.irq - a.irq) / total;
        double other = Math.max(0, 1 - idle - steal - pgbench - postgres - pooler - pgbouncer);
        // The pooler's switches only: PgBouncer's process when it ran, else the JVM's. (Summing
        // both made PgBouncer's cells negative: the JVM's count is a sum over its live threads,
        // and threads of the previous cell exiting during the run take theirs with them.)
        boolean pgbouncerRan = b.pgbouncerSwitches != 0;
        long switches = pgbouncerRan ? b.pgbouncerSwitches - a.pgbouncerSwitches : b.jvmSwitches - a.jvmSwitches;
        return new Split(pgbench, postgres, pooler, pgbouncer, irq, other, idle, steal, switches, b.gcMillis - a.gcMillis);
    }

    /**
     * CPU ticks of a process tree: the process's own and its reaped children's, plus the same
     * for each live child. A child that ends between two snapshots moves from the second term
     * to its parent's reaped-children figure, so the difference stays right.
     */
    private static long tree(long pid) {
        // A child reaped between reading the parent and listing the children would be in
        // neither: read the parent again afterwards and start over if its reaped figure moved.
        for (int attempt = 0; ; attempt++) {
            long[] s = ProcStat.times(pid);
            long sum = s[0] + s[1] + s[2] + s[3];
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            if (h.isPresent()) {
                List<ProcessHandle> children = h.get().children().toList();
                for (ProcessHandle c : children) sum += tree(c.pid());
            }
            long[] again = ProcStat.times(pid);
            if ((again[2] == s[2] && again[3] == s[3]) || attempt >= 20) return sum;
        }
    }
}
