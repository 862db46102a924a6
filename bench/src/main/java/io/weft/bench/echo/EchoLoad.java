package io.weft.bench.echo;

import io.weft.bench.ProcStat;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The load generator, a process of its own started by {@link EchoBench}:
 * {@code EchoLoad --port P --connections N --size BYTES --warmup S --duration S [--threads T]}.
 *
 * <p>Opens N connections to 127.0.0.1:P, then runs each in a closed loop (one request in
 * flight per connection) on T selector threads, so 10,000 connections cost no more threads than
 * one. Every echo is compared byte for byte with what was sent. Prints, on standard output:
 * {@code ECHO-LOAD-CONNECTED}, {@code ECHO-LOAD-MEASURE-START} and {@code ECHO-LOAD-MEASURE-END}
 * as the measured window opens and closes (the harness samples the server's CPU time then),
 * and finally the {@link LoadResult} line. Exit 0 if every echo matched, 1 otherwise or on
 * failure, 2 for a bad command line. Bounded: it stops by itself after the window and a drain
 * of at most {@link #DRAIN_SECONDS}, and at once when its standard input ends.
 */
public final class EchoLoad {
    static final String CONNECTED = "ECHO-LOAD-CONNECTED";
    static final String MEASURE_START = "ECHO-LOAD-MEASURE-START";
    static final String MEASURE_END = "ECHO-LOAD-MEASURE-END";
    static final String FAILED = "ECHO-LOAD-FAILED";
    /** How long the requests in flight at the end of the window may take to come back. */
    static final int DRAIN_SECONDS = 5;
    /** Per connection attempt; the backlog can hold a connect up for a SYN retry (1 s, 3 s). */
    static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private EchoLoad() {}

    public static void main(String[] args) throws Exception {
        int port = -1;
        int connections = 1;
        int size = 64;
        double warmup = 1;
        double duration = 2;
        int threads = 0;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String v = i + 1 < args.length ? args[i + 1] : null;
                if (v == null) throw new IllegalArgumentException(a + " needs a value");
                i++;
                switch (a) {
                    case "--port" -> port = Integer.parseInt(v);
                    case "--connections" -> connections = Integer.parseInt(v);
                    case "--size" -> size = Integer.parseInt(v);
                    case "--warmup" -> warmup = Double.parseDouble(v);
                    case "--duration" -> duration = Double.parseDouble(v);
                    case "--threads" -> threads = Integer.parseInt(v);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (port < 1 || port > 65535) throw new IllegalArgumentException("--port is required (1-65535)");
            if (connections < 1) throw new IllegalArgumentException("--connections must be at least 1");
            if (size < Long.BYTES) throw new IllegalArgumentException("--size must be at least 8");
            if (warmup < 0 || duration <= 0) throw new IllegalArgumentException("--warmup >= 0 and --duration > 0");
        } catch (IllegalArgumentException e) {
            System.err.println("echo load: " + e.getMessage());
            System.err.println("usage: EchoLoad --port P --connections N --size BYTES --warmup S --duration S [--threads T]");
            System.exit(2);
            return;
        }
        if (threads <= 0) threads = defaultThreads(connections);
        threads = Math.min(threads, connections);
        exitWhenInputEnds();
        try {
            System.exit(run(port, connections, size, warmup, duration, threads) ? 0 : 1);
        } catch (IOException | RuntimeException e) {
            System.out.println(FAILED + " " + e);
            System.out.flush();
            System.exit(1);
        }
    }

    /** One selector thread per CPU: the load must keep up with a server using every CPU. */
    static int defaultThreads(int connections) {
        return Math.max(1, Math.min(connections, Runtime.getRuntime().availableProcessors()));
    }

    private static boolean run(int port, int n, int size, double warmup, double duration, int threads)
            throws IOException, InterruptedException {
        InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        List<LoadConnection> all = new ArrayList<>(n);
        long connectStart = System.nanoTime();
        for (int i = 0; i < n; i++) {
            // Blocking connects, one after the other: the server's accept loop sets the pace,
            // and no connection starts its requests before all are open.
            SocketChannel ch = SocketChannel.open();
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            try {
                ch.socket().connect(server, CONNECT_TIMEOUT_MILLIS);
            } catch (IOException e) {
                ch.close();
                throw new IOException("connection " + (i + 1) + " of " + n + ": " + e.getMessage(), e);
            }
            all.add(new LoadConnection(ch, size, 0x5eed_0000L + i));
        }
        System.out.printf(Locale.ROOT, "%s n=%d millis=%d%n", CONNECTED, n,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connectStart));

        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        AtomicLong problemCount = new AtomicLong();
        long t0 = System.nanoTime();
        long measureStart = t0 + (long) (warmup * 1e9);
        long measureEnd = measureStart + (long) (duration * 1e9);
        long drainDeadline = measureEnd + TimeUnit.SECONDS.toNanos(DRAIN_SECONDS);
        List<LoadWorker> workers = new ArrayList<>();
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<LoadConnection> mine = new ArrayList<>();
            for (int i = t; i < n; i += threads) mine.add(all.get(i));
            workers.add(new LoadWorker(mine, measureStart, measureEnd, drainDeadline, why -> {
                // Keep the first few reasons; 10,000 connections failing alike would say one thing.
                if (problemCount.incrementAndGet() <= 5) problems.add(why);
            }));
        }
        for (int t = 0; t < threads; t++) {
            Thread th = Thread.ofPlatform().name("echo-load-" + t).daemon(true).start(workers.get(t));
            running.add(th);
        }
        long self = ProcessHandle.current().pid();
        sleepUntil(measureStart);
        double cpu0 = ProcStat.cpuSeconds(self);
        System.out.println(MEASURE_START);
        System.out.flush();
        sleepUntil(measureEnd);
        double cpu1 = ProcStat.cpuSeconds(self);
        System.out.println(MEASURE_END);
        System.out.flush();
        for (Thread th : running) {
            th.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(drainDeadline - System.nanoTime()) + 1000));
        }

        Histogram h = new Histogram(LoadWorker.MAX_LATENCY_NANOS, 3);
        long requests = 0, verified = 0, mismatches = 0, failed = 0;
        for (LoadWorker w : workers) {
            h.add(w.latencies);
            requests += w.requests;
            verified += w.verified;
            mismatches += w.mismatches;
            failed += w.failed;
        }
        long idle = all.stream().filter(c -> c.measured == 0).count();
        for (LoadConnection c : all) {
            try {
                c.channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        LoadResult r = new LoadResult(n, size, duration, requests, h.getValueAtPercentile(50) / 1e3,
                h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3, verified, mismatches, failed, idle, cpu1 - cpu0,
                threads);
        for (String p : problems) System.out.println("ECHO-LOAD-PROBLEM " + p.replace('\n', ' '));
        if (problemCount.get() > problems.size()) {
            System.out.println("ECHO-LOAD-PROBLEM ... " + (problemCount.get() - problems.size()) + " more");
        }
        System.out.println(r.line());
        System.out.flush();
        return r.clean();
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        for (long left; (left = nanoTime - System.nanoTime()) > 0; ) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    /** The harness closes our standard input to stop us, and so does its death: never linger. */
    private static void exitWhenInputEnds() {
        Thread.ofPlatform().name("echo-load-stdin").daemon(true).start(() -> {
            EchoServer.awaitEndOfInput(System.in);
            System.exit(3);
        });
    }
}
