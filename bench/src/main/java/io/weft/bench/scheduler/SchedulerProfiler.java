package io.weft.bench.scheduler;

import io.weft.scheduler.CarrierStats;
import io.weft.scheduler.WeftScheduler;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that says where a scheduler benchmark's time goes, per operation (per round
 * trip), for the JDK and Weft alike: {@code -prof io.weft.bench.scheduler.SchedulerProfiler}.
 *
 * <p>From the kernel's per-thread scheduler statistics ({@code /proc/self/task/*&#47;sched},
 * summed over every thread of the forked JVM, so it includes the JMH benchmark thread, the
 * carriers, the JDK's poller threads and the JIT):
 * <ul>
 *   <li>{@code sched.cpu}: CPU time, ns/op;</li>
 *   <li>{@code sched.switches}: context switches/op, and {@code sched.voluntary} of them the
 *       ones where a thread blocked (a carrier sleeping in its poller, a futex wait);</li>
 *   <li>{@code sched.migrations}: moves of a thread to another CPU/op.</li>
 * </ul>
 * For a Weft scheduler, its carriers' own counters ({@link WeftScheduler#stats()}), summed
 * over carriers: {@code weft.tasks} (continuations and timer tasks run), {@code weft.polls}
 * (calls to the poller, each at least one system call), {@code weft.completions},
 * {@code weft.wakeups} (wake-ups sent to a sleeping carrier, one system call each) and
 * {@code weft.steals}.
 *
 * <p>Counted from just before to just after each iteration, and divided by all of its
 * operations (warm-up and measured). A thread that ends within an iteration loses its share;
 * in the last iteration, whose end includes the trial's tear-down, the benchmark's own threads
 * are counted up to the start of the tear-down. Needs a kernel with {@code CONFIG_SCHED_DEBUG} (the
 * {@code sched} file); without it only the Weft counters are reported.
 */
public final class SchedulerProfiler implements InternalProfiler {
    private static final Path TASKS = Path.of("/proc/self/task");
    private static final String[] SCHED_KEYS = {"se.sum_exec_runtime", "nr_switches", "nr_voluntary_switches",
            "se.nr_migrations"};

    /** Whether a profiler was made in this JVM: only then does {@link #beforeTearDown} read anything. */
    private static volatile boolean active;
    /** Taken by {@link #beforeTearDown}: the threads' and the scheduler's counters as the trial ended. */
    private static volatile Map<String, long[]> schedAtTearDown = Map.of();
    private static volatile WeftScheduler weftAtTearDown;
    private static volatile long[] weftCountersAtTearDown;

    /** thread id -> {cpu ns, switches, voluntary, migrations} at the iteration's start. */
    private Map<String, long[]> before = Map.of();
    private WeftScheduler weftBefore;
    private long[] weftCountersBefore;

    public SchedulerProfiler() {
        active = true;
    }

    /** JMH passes the text after {@code -prof name:}; there are no options. */
    public SchedulerProfiler(String options) {
        this();
    }

    /**
     * Called by the benchmark's trial tear-down before it ends its threads: JMH runs that
     * tear-down inside the last iteration, before {@link #afterIteration}, which would then
     * find the carriers gone. Their counters as they were here stand in for them.
     */
    static void beforeTearDown(WeftScheduler weft) {
        if (!active) {
            return;
        }
        schedAtTearDown = readSched();
        weftAtTearDown = weft;
        weftCountersAtTearDown = weft == null ? null : weftCounters(weft);
    }

    @Override
    public String getDescription() {
        return "per op: CPU time, context switches and migrations of all threads (/proc/self/task/*/sched),"
                + " and Weft carriers' counters";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        before = readSched();
        schedAtTearDown = Map.of();
        weftAtTearDown = null;
        weftCountersAtTearDown = null;
        weftBefore = SchedulerUnderTest.currentWeft();
        weftCountersBefore = weftBefore == null ? null : weftCounters(weftBefore);
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        long ops = result.getMetadata().getAllOps();
        List<Result> out = new ArrayList<>();
        if (ops <= 0) {
            return out;
        }
        Map<String, long[]> after = new HashMap<>(schedAtTearDown);
        after.putAll(readSched()); // threads still alive: their counters now
        if (!after.isEmpty()) {
            long[] sum = new long[SCHED_KEYS.length];
            for (Map.Entry<String, long[]> e : after.entrySet()) {
                long[] b = before.get(e.getKey());
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += e.getValue()[i] - (b == null ? 0 : b[i]);
                }
            }
            out.add(new ScalarResult("sched.cpu", (double) sum[0] / ops, "ns/op", AggregationPolicy.AVG));
            out.add(new ScalarResult("sched.switches", (double) sum[1] / ops, "#/op", AggregationPolicy.AVG));
            out.add(new ScalarResult("sched.voluntary", (double) sum[2] / ops, "#/op", AggregationPolicy.AVG));
            out.add(new ScalarResult("sched.migrations", (double) sum[3] / ops, "#/op", AggregationPolicy.AVG));
        }
        WeftScheduler weft = SchedulerUnderTest.currentWeft();
        long[] now = weft == null ? null : weftCounters(weft);
        if (weft == null && weftAtTearDown != null) {
            weft = weftAtTearDown;
            now = weftCountersAtTearDown;
        }
        if (weft != null) {
            long[] b = weft == weftBefore && weftCountersBefore != null ? weftCountersBefore : new long[now.length];
            String[] names = {"weft.tasks", "weft.polls", "weft.completions", "weft.wakeups", "weft.steals"};
            for (int i = 0; i < names.length; i++) {
                out.add(new ScalarResult(names[i], (double) (now[i] - b[i]) / ops, "#/op", AggregationPolicy.AVG));
            }
        }
        return out;
    }

    private static long[] weftCounters(WeftScheduler weft) {
        long[] c = new long[5];
        for (CarrierStats s : weft.stats()) {
            c[0] += s.tasksRun();
            c[1] += s.polls();
            c[2] += s.completions();
            c[3] += s.wakeupsSent();
            c[4] += s.steals();
        }
        return c;
    }

    /** Every live thread's {cpu ns, switches, voluntary switches, migrations}; empty where unreadable. */
    private static Map<String, long[]> readSched() {
        Map<String, long[]> m = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                long[] v = readTask(task.resolve("sched"));
                if (v != null) {
                    m.put(task.getFileName().toString(), v);
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return m;
    }

    private static long[] readTask(Path sched) {
        List<String> lines;
        try {
            lines = Files.readAllLines(sched);
        } catch (NoSuchFileException e) {
            return null; // the thread ended meanwhile
        } catch (IOException e) {
            return null;
        }
        long[] v = new long[SCHED_KEYS.length];
        int found = 0;
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String key = line.substring(0, colon).strip();
            for (int i = 0; i < SCHED_KEYS.length; i++) {
                if (SCHED_KEYS[i].equals(key)) {
                    String value = line.substring(colon + 1).strip();
                    // se.sum_exec_runtime is in milliseconds with a fraction: keep nanoseconds.
                    v[i] = i == 0 ? Math.round(Double.parseDouble(value) * 1_000_000) : Long.parseLong(value);
                    found++;
                }
            }
        }
        return found == SCHED_KEYS.length ? v : null;
    }
}
