package io.weft.stress.soak;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./weft stress soak}: for each backend, an echo server on Weft ({@link SoakServer}) in
 * one JVM and {@link SoakClient}'s misbehaving connections in another, for the given time;
 * prints the throughput and connection events every interval and the server's descriptors,
 * native memory, virtual threads and heap before and after; fails (exit 1) on any lost or
 * corrupted byte, stuck connection or leak, naming it.
 *
 * <p>Bounded: every wait has a deadline (load time + stuck bound + start-up margins), each
 * child is stopped after its backend (end of input, SIGTERM, SIGKILL) and killed by a shutdown
 * hook on Ctrl-C. Loopback only.
 */
public final class Soak {
    /** How long a JVM may take to start and say it is ready, on a loaded 2-CPU machine. */
    private static final int START_SECONDS = 60;
    private static final List<String> COMMON_FLAGS = List.of(
            "--enable-native-access=ALL-UNNAMED", // Weft's FFM calls
            "--add-opens", "java.base/java.lang=ALL-UNNAMED", // Weft's virtual-thread builder
            "-XX:+UseG1GC", "-Xms128m", "-Xmx1g");

    private final SoakOptions opts;
    private final PrintStream out;

    Soak(SoakOptions opts, PrintStream out) {
        this.opts = opts;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        SoakOptions opts;
        try {
            opts = SoakOptions.parse(args);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() == null) {
                System.out.print(SoakOptions.USAGE);
                return;
            }
            System.err.println("weft stress soak: " + e.getMessage());
            System.err.print(SoakOptions.USAGE);
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(ChildProcess::killAll, "weft-soak-stop"));
        List<BackendRun> runs = new Soak(opts, System.out).run();
        System.exit(runs.stream().anyMatch(r -> !r.skipped() && !r.passed()) || runs.stream().allMatch(BackendRun::skipped)
                ? 1 : 0);
    }

    /** Runs every backend in turn and prints the summary. */
    List<BackendRun> run() throws InterruptedException {
        long t0 = System.nanoTime();
        out.printf(Locale.ROOT, "weft stress soak: %d connections per backend, %d s of load each, backends %s, seed %d%s%n",
                opts.connections(), opts.seconds(), String.join(",", opts.backends().stream().map(b -> b.key).toList()),
                opts.seed(), opts.faults() == null ? "" : ", faults " + opts.faults());
        List<BackendRun> runs = new ArrayList<>();
        for (SoakBackend b : opts.backends()) {
            BackendRun r = runOne(b);
            runs.add(r);
            out.println(r.backend().key + ": " + r.verdict());
            for (String p : r.problems()) out.println("  " + (r.skipped() ? "" : "FAILED: ") + p);
        }
        out.println();
        out.printf(Locale.ROOT, "Soak summary (%d connections, %d s per backend, %.0f s in all)%n", opts.connections(),
                opts.seconds(), (System.nanoTime() - t0) / 1e9);
        for (BackendRun r : runs) out.println(r.summaryLine());
        boolean ok = runs.stream().noneMatch(r -> !r.skipped() && !r.passed()) && !runs.stream().allMatch(BackendRun::skipped);
        out.println(ok ? "SOAK PASSED" : "SOAK FAILED");
        return runs;
    }

    private BackendRun runOne(SoakBackend backend) throws InterruptedException {
        List<String> problems = new ArrayList<>();
        List<String> prefix;
        try {
            prefix = FdLimit.prefixFor(opts.connections());
        } catch (IllegalStateException e) {
            return new BackendRun(backend, false, null, null, null, null, null, null, 0, 0, 0, List.of(e.getMessage()));
        }
        out.println();
        out.println("== " + backend.key + (prefix.isEmpty() ? "" : " (children under " + String.join(" ", prefix) + ")"));
        long t0 = System.nanoTime();
        List<String> serverFlags = new ArrayList<>(COMMON_FLAGS);
        serverFlags.addAll(backend.flags());
        if (opts.faults() != null) serverFlags.add("-Dweft.faults=" + opts.faults());
        serverFlags.addAll(opts.serverFlags());
        ChildProcess server = null;
        ChildProcess client = null;
        Snapshot start = null, loaded = null, end = null;
        Map<String, Long> clientStats = null, serverStats = null;
        String serverLine = null;
        double meanRate = 0, minRate = Double.NaN;
        try {
            server = ChildProcess.start("server-" + backend.key, prefix, serverFlags, SoakServer.class, List.of());
            serverLine = server.await(SoakServer.READY, deadline(START_SECONDS));
            if (serverLine == null) {
                server.awaitExit(5); // let its standard error be read to the end
                String why = "the echo server did not start" + server.stderrTail();
                // A kernel or container without io_uring: Weft refuses the backend; not a soak failure.
                boolean unavailable = why.contains("BackendUnavailableException");
                return new BackendRun(backend, unavailable, null, null, null, null, null, null, 0, 0, 0, List.of(why));
            }
            Map<String, Long> ready = keyValues(serverLine);
            String description = serverLine.substring(SoakServer.READY.length()).trim();
            out.println("server: " + description + "; machine: " + Runtime.getRuntime().availableProcessors()
                    + " CPUs, load average " + loadAverage());
            start = snapshot(server, "SNAPSHOT");
            out.println("start: " + start.summary(true));

            List<String> clientFlags = new ArrayList<>(List.of("-XX:+UseG1GC", "-Xms128m", "-Xmx1g"));
            client = ChildProcess.start("client-" + backend.key, prefix, clientFlags, SoakClient.class, List.of(
                    "--port4", String.valueOf(ready.get("port4")), "--port6", String.valueOf(ready.get("port6")),
                    "--connections", String.valueOf(opts.connections()), "--seconds", String.valueOf(opts.seconds()),
                    "--stuck-seconds", String.valueOf(opts.stuckSeconds()), "--interval", String.valueOf(opts.interval()),
                    "--seed", String.valueOf(opts.seed())));
            long clientDeadline = deadline(START_SECONDS + opts.seconds() + opts.stuckSeconds() + 30);
            Map<String, Long> previous = null;
            long previousAt = System.nanoTime();
            long loadStart = previousAt;
            List<Double> rates = new ArrayList<>();
            String result = null;
            List<String> clientProblems = new ArrayList<>();
            for (String l; (l = client.nextLine(clientDeadline)) != null; ) {
                if (l.startsWith(SoakClient.PROBLEM)) {
                    clientProblems.add(l.substring(SoakClient.PROBLEM.length()).trim());
                } else if (l.startsWith(SoakClient.RESULT)) {
                    result = l;
                    break;
                } else if (l.startsWith(SoakClient.PROGRESS)) {
                    Map<String, Long> now = keyValues(l);
                    long at = System.nanoTime();
                    server.send("STATS");
                    String st = server.await("STATS", deadline(30));
                    if (previous == null) {
                        previous = new LinkedHashMap<>();
                        previousAt = loadStart;
                    }
                    double secs = (at - previousAt) / 1e9;
                    double rate = (now.get("verified") - previous.getOrDefault("verified", 0L)) / secs;
                    if ((at - loadStart) / 1e9 <= opts.seconds() + 1) {
                        rates.add(rate);
                    }
                    out.println(intervalLine((at - loadStart) / 1e9, secs, now, previous, rate, st));
                    if (loaded == null && (at - loadStart) / 1e9 >= opts.seconds() / 2.0) {
                        loaded = snapshot(server, "PROBE");
                        out.println("under load: " + loaded.summary(false));
                    }
                    previous = now;
                    previousAt = at;
                }
            }
            Integer clientExit = client.awaitExit(30);
            problems.addAll(clientProblems);
            if (!clientProblems.isEmpty() && !client.stderrTail().isEmpty()) problems.add("client:" + client.stderrTail());
            if (result == null) {
                problems.add("the load client gave no result (" + (clientExit == null ? "still running" : "exit " + clientExit)
                        + ")" + client.stderrTail());
            } else {
                clientStats = keyValues(result);
                if (clientExit == null || (clientExit != 0 && clientProblems.isEmpty())) {
                    problems.add("the load client ended with " + clientExit + client.stderrTail());
                }
            }
            client.stop(5);
            if (clientStats != null) {
                out.printf(Locale.ROOT, "clients: %d connections (%d to ::1): %d closed, %d half-closed, %d reset, %d stalled"
                                + " (%d of them blocking the sender); %d bytes sent, %d echoed bytes checked, %d problems;"
                                + " the client's own scheduling lag %d ms in all, %d ms at most%n",
                        clientStats.get("opened"), clientStats.get("ipv6"), clientStats.get("closed"),
                        clientStats.get("halfClosed"), clientStats.get("resets"), clientStats.get("stalls"),
                        clientStats.get("stallsBlocked"), clientStats.get("sent"), clientStats.get("verified"),
                        clientStats.get("problems"), clientStats.get("lagMillis"), clientStats.get("maxLagMillis"));
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - loadStart);
            if (clientStats != null) {
                meanRate = clientStats.get("verified") / (clientStats.get("millis") / 1000.0);
                // The first interval includes the ramp, the last the drain: the rest show whether it sagged.
                minRate = rates.size() > 2 ? rates.subList(1, rates.size() - 1).stream().mapToDouble(d -> d).min().orElse(0)
                        : rates.stream().mapToDouble(d -> d).min().orElse(0);
                if (clientStats.get("verified") == 0 || clientStats.get("opened") == 0) {
                    problems.add("no load: " + clientStats.get("opened") + " connections, " + clientStats.get("verified")
                            + " bytes verified");
                }
            }

            // Every client is gone: the server must let go of everything within the stuck bound.
            server.send("DRAIN " + opts.stuckSeconds());
            String drained = server.await("DRAINED", deadline(opts.stuckSeconds() + 30));
            if (drained == null) {
                problems.add("the server did not answer DRAIN" + server.stderrTail());
            } else if (keyValues(drained).get("open") != 0) {
                problems.add("STUCK server threads: " + drained.substring("DRAINED".length()).trim());
            }
            end = snapshot(server, "SNAPSHOT");
            out.println("end: " + end.summary(true) + "; load average " + loadAverage());
            problems.addAll(LeakVerdict.problems(start, end));
            server.send("STATS");
            String st = server.await("STATS", deadline(30));
            if (st != null) {
                serverStats = keyValues(st);
                out.println("server: " + st.substring("STATS".length()).trim());
                if (opts.faults() != null) {
                    // A run under faults that injected none tested nothing about them.
                    if (serverStats.getOrDefault("faultsInjected", 0L) == 0) {
                        problems.add("--faults was given but the server injected no fault");
                    }
                }
                if (serverStats.get("unexpected") > 0) {
                    problems.add("the server saw " + serverStats.get("unexpected") + " unexpected connection errors"
                            + server.stderrTail());
                }
                if (clientStats != null && !serverStats.get("accepted").equals(clientStats.get("opened"))) {
                    problems.add("the clients opened " + clientStats.get("opened") + " connections, the server accepted "
                            + serverStats.get("accepted"));
                }
            }
            String stop = server.stop(30);
            if (!stop.equals("exit 0")) problems.add("the server did not stop cleanly: " + stop + server.stderrTail());
            return new BackendRun(backend, false, description, start, loaded, end, clientStats, serverStats, meanRate,
                    Double.isNaN(minRate) ? 0 : minRate, millis, problems);
        } catch (IOException | RuntimeException e) {
            problems.add("soak harness: " + e + (server == null ? "" : server.stderrTail()));
            return new BackendRun(backend, false, serverLine, start, loaded, end, clientStats, serverStats, meanRate, 0,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), problems);
        } finally {
            if (client != null) client.stop(5);
            if (server != null) server.stop(5);
        }
    }

    /** A server snapshot (SNAPSHOT: after GC; PROBE: as it is). */
    private static Snapshot snapshot(ChildProcess server, String command) throws IOException, InterruptedException {
        server.send(command);
        String l = server.await("SNAPSHOT", deadline(60));
        if (l == null) throw new IOException("the server did not answer " + command + server.stderrTail());
        return Snapshot.parse(l.substring("SNAPSHOT".length()));
    }

    private String intervalLine(double t, double secs, Map<String, Long> now, Map<String, Long> before, double rate,
                                String serverStats) {
        return String.format(Locale.ROOT,
                "%6.0f s  %7.1f MB/s echoed  %6d connections open  +%d opened (%d ::1)  +%d resets  +%d half-closes"
                        + "  +%d stalls (%d blocked the sender)  problems %d  | server %s",
                t, rate / 1e6, now.get("active"), delta(now, before, "opened"), delta(now, before, "ipv6"),
                delta(now, before, "resets"), delta(now, before, "halfClosed"), delta(now, before, "stalls"),
                delta(now, before, "stallsBlocked"), now.get("problems"),
                serverStats == null ? "(no answer)" : serverStats.substring("STATS".length()).trim());
    }

    private static long delta(Map<String, Long> now, Map<String, Long> before, String key) {
        return now.getOrDefault(key, 0L) - before.getOrDefault(key, 0L);
    }

    /** The {@code key=number} fields of a line. */
    static Map<String, Long> keyValues(String line) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String kv : line.trim().split("\\s+")) {
            int eq = kv.indexOf('=');
            if (eq <= 0) continue;
            try {
                m.put(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)));
            } catch (NumberFormatException e) {
                // a word, not a number
            }
        }
        return m;
    }

    /**
     * The 1, 5 and 15-minute load averages: the soak's throughput depends on what else the
     * machine runs, so the report says how busy it was.
     */
    static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/loadavg")).get(0).split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static long deadline(long seconds) {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    }
}
