package io.weft.bench.scheduler;

import io.weft.poller.Backend;
import io.weft.poller.PollerConfig;
import io.weft.scheduler.SchedulerConfig;
import io.weft.scheduler.WeftScheduler;
import java.io.IOException;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The virtual-thread scheduler a benchmark method measures, chosen by the method's name:
 * <ul>
 *   <li>{@code jdk}: the JDK's default scheduler ({@link Thread#ofVirtual()}, a
 *       {@code ForkJoinPool}), with its parallelism set to {@code carriers} through
 *       {@code jdk.virtualThreadScheduler.parallelism} before the JVM first makes a virtual
 *       thread. JMH forks a JVM per benchmark and parameter set, so each fork is free to choose;
 *       the choice is checked and a fork where it did not take fails rather than measure
 *       something else;</li>
 *   <li>{@code ioUring}, {@code epoll}: a {@link WeftScheduler} with {@code carriers} carriers
 *       on that backend (other settings from the {@code weft.*} system properties, so
 *       {@code -jvmArgsAppend -Dweft.scheduler.reapInterval=8} tunes them). A backend the
 *       kernel refuses fails the benchmark with weft's reason.</li>
 * </ul>
 * Both sides of every exchange run on virtual threads of the scheduler under test. Benchmark
 * thread only; {@link #close()} joins every thread {@link #start} started, then closes the Weft
 * scheduler.
 */
final class SchedulerUnderTest implements AutoCloseable {
    static final String JDK = "jdk";
    static final String IO_URING = "ioUring";
    static final String EPOLL = "epoll";

    private static final String PARALLELISM = "jdk.virtualThreadScheduler.parallelism";
    private static final long JOIN_MILLIS = TimeUnit.SECONDS.toMillis(5);

    /** The Weft scheduler of this JVM's benchmark, for {@link SchedulerProfiler}; null for the JDK's. */
    private static volatile WeftScheduler current;

    private final String method;
    private final WeftScheduler weft;
    private final ThreadFactory factory;
    private final List<Thread> threads = new ArrayList<>();

    private SchedulerUnderTest(String method, WeftScheduler weft, ThreadFactory factory) {
        this.method = method;
        this.weft = weft;
        this.factory = factory;
    }

    /** The scheduler {@code params}' benchmark method names, with {@code carriers} carrier threads. */
    static SchedulerUnderTest open(BenchmarkParams params, int carriers) throws IOException {
        String name = params.getBenchmark();
        String method = name.substring(name.lastIndexOf('.') + 1);
        if (carriers < 1) {
            throw new IllegalArgumentException("carriers=" + carriers + ": must be at least 1");
        }
        return switch (method) {
            case JDK -> jdk(carriers);
            case IO_URING -> weft(method, Backend.IO_URING, carriers);
            case EPOLL -> weft(method, Backend.EPOLL, carriers);
            default -> throw new IllegalStateException("no scheduler for benchmark method " + method
                    + " (expected " + JDK + ", " + IO_URING + " or " + EPOLL + ")");
        };
    }

    private static SchedulerUnderTest jdk(int carriers) {
        String set = System.getProperty(PARALLELISM);
        if (set != null && !set.equals(Integer.toString(carriers))) {
            throw new IllegalStateException("-D" + PARALLELISM + "=" + set + " contradicts carriers=" + carriers
                    + ": leave the property unset, the benchmark sets it from the carriers parameter");
        }
        System.setProperty(PARALLELISM, Integer.toString(carriers));
        int actual = jdkDefaultParallelism();
        if (actual != carriers) {
            throw new IllegalStateException("the JDK's default virtual-thread scheduler runs " + actual
                    + " carriers, not carriers=" + carriers + ": it was created before the benchmark's set-up"
                    + " (do not run with -Djmh.executor=VIRTUAL, and keep forks on: -f 1 or more)");
        }
        ThreadFactory jdk = Thread.ofVirtual().name("jdk-vt-", 0).factory();
        return new SchedulerUnderTest(JDK, null, jdk);
    }

    /**
     * The parallelism of {@code java.lang.VirtualThread.DEFAULT_SCHEDULER}, creating it (from the
     * system property) if this JVM had made no virtual thread yet. Reads a private field, which
     * the {@code --add-opens java.base/java.lang=ALL-UNNAMED} that Weft needs anyway allows.
     */
    static int jdkDefaultParallelism() {
        try {
            Field f = Class.forName("java.lang.VirtualThread").getDeclaredField("DEFAULT_SCHEDULER");
            f.setAccessible(true);
            return ((ForkJoinPool) f.get(null)).getParallelism();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot read the JDK's default virtual-thread scheduler to check its"
                    + " parallelism (needs --add-opens java.base/java.lang=ALL-UNNAMED, JDK 25): " + e, e);
        }
    }

    private static SchedulerUnderTest weft(String method, Backend backend, int carriers) throws IOException {
        SchedulerConfig config = SchedulerConfig.fromSystemProperties()
                .withCarriers(carriers)
                .withPoller(PollerConfig.fromSystemProperties().withBackend(backend))
                .withShutdownGraceMillis(1000);
        WeftScheduler weft = WeftScheduler.start(config);
        if (weft.pollerBackend() != backend) {
            weft.close();
            throw new IllegalStateException("asked for a Weft scheduler on " + backend + ", got " + weft);
        }
        current = weft;
        return new SchedulerUnderTest(method, weft, weft.threadFactory());
    }

    /** The Weft scheduler open in this JVM, or null. */
    static WeftScheduler currentWeft() {
        return current;
    }

    /** Starts {@code task} in a new virtual thread of this scheduler. */
    Thread start(Runnable task) {
        Thread t = factory.newThread(task);
        threads.add(t);
        t.start();
        return t;
    }

    /** The Weft scheduler, or null for the JDK's. */
    WeftScheduler weft() {
        return weft;
    }

    /** For messages: which scheduler, and for Weft its carriers' counters. */
    String describe() {
        return weft == null ? "the JDK's default scheduler (parallelism " + jdkDefaultParallelism() + ")"
                : weft + " " + weft.stats();
    }

    /**
     * Waits for every thread {@link #start} started (the benchmark has told them to end), then
     * interrupts those still alive after 5 s and waits 1 s more, then closes the Weft scheduler.
     *
     * @throws IllegalStateException if a thread did not end; everything is closed regardless
     */
    @Override
    public void close() throws InterruptedException {
        SchedulerProfiler.beforeTearDown(weft);
        List<Thread> stuck = new ArrayList<>();
        for (Thread t : threads) {
            if (!t.join(java.time.Duration.ofMillis(JOIN_MILLIS))) {
                t.interrupt();
                if (!t.join(java.time.Duration.ofSeconds(1))) {
                    stuck.add(t);
                }
            }
        }
        String state = stuck.isEmpty() ? null : describe();
        threads.clear();
        if (weft != null) {
            current = null;
            weft.close();
        }
        if (!stuck.isEmpty()) {
            throw new IllegalStateException(method + ": virtual threads did not end at tear-down: " + stuck
                    + " on " + state);
        }
    }
}
