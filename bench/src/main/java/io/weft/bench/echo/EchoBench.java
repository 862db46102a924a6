package io.weft.bench.echo;

import io.weft.bench.Host;
import io.weft.bench.ProcStat;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./weft bench echo}: for each message size and connection count, each echo server
 * implementation in turn (the order rotates from cell to cell) is started in a JVM of its own,
 * loaded by {@link EchoLoad} in another for a warm-up and a measured window, its CPU time over
 * that window read from {@code /proc}, and stopped. Prints requests per second, p50 and p99
 * latency and CPU time with ratios to the JDK's virtual threads from the same run, and writes
 * the Echo section of docs/benchmarks.md with a PNG chart.
 *
 * <p>Bounded: every wait has a deadline, every child is stopped after its cell (end of input,
 * then SIGTERM, then SIGKILL) and killed by a shutdown hook on Ctrl-C; children also stop by
 * themselves when this JVM's end closes their input. Loopback only.
 */
public final class EchoBench {
    /** How long a server JVM may take to print its ready line. */
    static final int START_SECONDS = 60;

    private final EchoOptions opts;
    private final PrintStream out;
    private final List<EchoRun> runs = new ArrayList<>();
    private final Map<Impl, String> descriptions = new LinkedHashMap<>();
    private volatile boolean stopping;

    EchoBench(EchoOptions opts, PrintStream out) {
        this.opts = opts;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        EchoOptions opts;
        try {
            opts = EchoOptions.parse(args);
        } catch (EchoOptions.UsageException e) {
            if (e.getMessage() == null) {
                System.out.print(EchoOptions.USAGE);
                return;
            }
            System.err.println("weft bench echo: " + e.getMessage());
            System.err.print(EchoOptions.USAGE);
            System.exit(2);
            return;
        }
        System.setProperty("java.awt.headless", "true");
        EchoBench bench = new EchoBench(opts, System.out);
        Thread hook = new Thread(() -> {
            bench.stopping = true;
            ChildJvm.killAll();
        }, "weft-bench-echo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        EchoReport report = bench.run();
        // During a shutdown (Ctrl-C) the hook has killed the children and the JVM is ending:
        // a partial run writes no docs, and System.exit would block.
        if (bench.stopping) return;
        if (opts.docsDir() != null) report.writeDocs(opts.docsDir(), System.out);
        Runtime.getRuntime().removeShutdownHook(hook);
        System.exit(report.anyFailed() ? 1 : 0);
    }

    /** Measures every cell and prints the report; the runs are in the report for the caller. */
    EchoReport run() {
        long started = System.nanoTime();
        Host host = Host.describe();
        plan(host);
        try {
            int cell = 0;
            for (int size : opts.sizes()) {
                for (int connections : opts.connections()) {
                    List<Impl> order = new ArrayList<>(opts.impls());
                    Collections.rotate(order, -(cell++ % order.size()));
                    for (Impl impl : order) {
                        if (stopping) break;
                        EchoRun r = measure(impl, connections, size);
                        runs.add(r);
                        print(r);
                    }
                }
            }
        } finally {
            ChildJvm.killAll(); // nothing should be left; make sure
        }
        EchoReport report = new EchoReport(opts, List.copyOf(runs), host, Map.copyOf(descriptions),
                Duration.ofNanos(System.nanoTime() - started));
        out.println();
        out.print(report.text());
        return report;
    }

    private void plan(Host host) {
        // Two JVM starts, connecting, the drain and the stop: about 3.5 s a cell on two CPUs.
        double perCell = opts.warmupSec() + opts.durationSec() + 3.5;
        long seconds = Math.round(opts.cells() * perCell);
        out.printf(Locale.ROOT, "weft bench echo: %s; connections %s, messages of %s bytes, %.0f s warm-up + %.0f s measured per cell;"
                        + " %d cells, about %d min %02d s%n",
                String.join(", ", opts.impls().stream().map(i -> i.key).toList()),
                String.join(", ", opts.connections().stream().map(String::valueOf).toList()),
                String.join(", ", opts.sizes().stream().map(String::valueOf).toList()),
                opts.warmupSec(), opts.durationSec(), opts.cells(), seconds / 60, seconds % 60);
        out.printf(Locale.ROOT, "Machine: %d CPUs (%s), %s, %s, %s; load average %s%n", host.cpus(), host.cpuModel(),
                host.memory(), host.kernel(), host.jdk(), host.loadAtStart());
        long[] fds = FdLimit.current();
        if (fds != null) {
            out.printf(Locale.ROOT, "Open files per process: hard limit %s (each JVM raises its soft limit to it)%n",
                    fds[1] == Long.MAX_VALUE ? "unlimited" : Long.toString(fds[1]));
        }
    }

    private EchoRun measure(Impl impl, int connections, int size) {
        String tooFew = FdLimit.tooFew(connections);
        if (tooFew != null) return EchoRun.skipped(impl, connections, size, tooFew);
        ChildJvm server = null;
        ChildJvm load = null;
        String serverStop = null;
        try {
            server = ChildJvm.start("server", properties(impl), EchoServer.class, List.of("--impl", impl.key,
                    "--port", "0", "--size", Integer.toString(size), "--backlog", Integer.toString(Math.max(1024, connections))));
            String ready = awaitLine(server, EchoServer.READY, deadline(START_SECONDS));
            if (ready == null) {
                return EchoRun.failed(impl, connections, size, "the server did not start" + server.stderrTail());
            }
            int port = Integer.parseInt(field(ready, "port"));
            String description = ready.substring(ready.indexOf("threads=") + "threads=".length());
            descriptions.putIfAbsent(impl, description);

            List<String> loadArgs = new ArrayList<>(List.of("--port", Integer.toString(port),
                    "--connections", Integer.toString(connections), "--size", Integer.toString(size),
                    "--warmup", Double.toString(opts.warmupSec()), "--duration", Double.toString(opts.durationSec())));
            if (opts.loadThreads() > 0) loadArgs.addAll(List.of("--threads", Integer.toString(opts.loadThreads())));
            load = ChildJvm.start("load", List.of(), EchoLoad.class, loadArgs);
            // JVM start, connecting (a slow accept loop can take a while at 10,000), the run, the drain.
            long loadDeadline = deadline(START_SECONDS + opts.warmupSec() + opts.durationSec() + EchoLoad.DRAIN_SECONDS
                    + 30 + connections / 100.0);
            double cpuStart = Double.NaN;
            double cpuEnd = Double.NaN;
            LoadResult result = null;
            List<String> problems = new ArrayList<>();
            for (String line; (line = load.nextLine(loadDeadline)) != null; ) {
                if (line.equals(EchoLoad.MEASURE_START)) {
                    cpuStart = ProcStat.cpuSeconds(server.pid());
                } else if (line.equals(EchoLoad.MEASURE_END)) {
                    cpuEnd = ProcStat.cpuSeconds(server.pid());
                } else if (line.startsWith(LoadResult.PREFIX)) {
                    result = LoadResult.parse(line);
                } else if (line.startsWith("ECHO-LOAD-PROBLEM ") || line.startsWith(EchoLoad.FAILED)) {
                    problems.add(line.substring(line.indexOf(' ') + 1));
                }
            }
            Integer loadExit = load.awaitExit(5);
            boolean serverAlive = server.alive();
            serverStop = server.stop(5);
            if (result == null) {
                String why = loadExit == null ? "the load generator did not finish in time" : "the load generator ended (exit "
                        + loadExit + ") without a result";
                if (!problems.isEmpty()) why += ": " + String.join("; ", problems);
                if (!serverAlive) why += "; the server had died (" + serverStop + ")";
                return EchoRun.failed(impl, connections, size, why + load.stderrTail() + server.stderrTail());
            }
            StringBuilder note = new StringBuilder();
            if (!result.clean()) {
                note.append(result.mismatches()).append(" echoes differed, ").append(result.failed())
                        .append(" connections lost, ").append(result.verified()).append(" echoes verified");
                if (!problems.isEmpty()) note.append(": ").append(String.join("; ", problems));
            }
            if (!serverAlive) note.append(note.isEmpty() ? "" : "; ").append("the server died during the run");
            if (!"exit 0".equals(serverStop)) {
                note.append(note.isEmpty() ? "" : "; ").append("server stop: ").append(serverStop);
            }
            boolean ok = result.clean() && serverAlive && result.requests() > 0;
            if (!ok && result.requests() == 0 && result.clean()) note.append("no request completed in the measured window");
            if (!ok) note.append(server.stderrTail());
            return new EchoRun(impl, connections, size, ok ? EchoRun.Status.OK : EchoRun.Status.FAILED, result,
                    cpuEnd - cpuStart, description, serverStop, note.toString());
        } catch (IOException | RuntimeException e) {
            return EchoRun.failed(impl, connections, size, e + (server != null ? server.stderrTail() : ""));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EchoRun.failed(impl, connections, size, "interrupted");
        } finally {
            if (load != null) load.stop(1);
            if (server != null && serverStop == null) server.stop(5);
        }
    }

    /** The server JVM's -D settings: the backend and socket mode of the Weft ones. */
    private static List<String> properties(Impl impl) {
        List<String> p = new ArrayList<>();
        impl.systemProperties().forEach((k, v) -> p.add("-D" + k + "=" + v));
        return p;
    }

    private static String awaitLine(ChildJvm child, String prefix, long deadline) throws InterruptedException {
        for (String l; (l = child.nextLine(deadline)) != null; ) {
            if (l.startsWith(prefix)) return l;
        }
        return null;
    }

    private static String field(String line, String key) {
        for (String kv : line.split("\\s+")) {
            if (kv.startsWith(key + "=")) return kv.substring(key.length() + 1);
        }
        throw new IllegalArgumentException("no " + key + "= in: " + line);
    }

    private static long deadline(double seconds) {
        return System.nanoTime() + (long) (seconds * TimeUnit.SECONDS.toNanos(1));
    }

    private void print(EchoRun r) {
        String head = String.format(Locale.ROOT, "%5d B  %6d conns  %-24s", r.size(), r.connections(), r.impl().label);
        if (!r.ok()) {
            String what = r.status() == EchoRun.Status.SKIPPED ? "skipped: " : "FAILED: ";
            out.println(head + " " + what + r.note());
            return;
        }
        LoadResult l = r.load();
        out.printf(Locale.ROOT, "%s %10.0f req/s  p50 %8.1f µs  p99 %8.1f µs  server CPU %5.2f s (%.1f µs/req)  load CPU %5.2f s%s%n",
                head, l.requestsPerSecond(), l.p50Micros(), l.p99Micros(), r.serverCpuSeconds(), r.cpuMicrosPerRequest(),
                l.loadCpuSeconds(), r.note().isEmpty() ? "" : "  (" + r.note() + ")");
    }
}
