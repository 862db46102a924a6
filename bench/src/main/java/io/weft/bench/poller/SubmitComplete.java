package io.weft.bench.poller;

import io.weft.poller.Backend;
import io.weft.poller.CompletionHandler;
import io.weft.poller.CompletionPoller;
import io.weft.poller.Events;
import io.weft.poller.Poller;
import io.weft.poller.PollerConfig;
import io.weft.poller.Pollers;
import io.weft.poller.sys.Sockets;
import java.io.IOException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Submit/complete throughput, per completion delivered to the owner thread.
 *
 * <p>Every invocation delivers {@link #OPS} completions in rounds of {@code batch}: queue
 * {@code batch} one-shot waits (or NOPs), then poll until all {@code batch} completions have
 * been handed back. So {@code batch=1} is one system-call round trip per completion and
 * {@code batch=64} is one round trip for 64 completions; the score is always per completion.
 *
 * <ul>
 *   <li>{@link #jdkSelector}: the baseline. A {@link Selector} with {@code batch} pipe sinks
 *       (always writable) registered for nothing; each round sets {@code OP_WRITE} on every key,
 *       {@code selectNow(action)}, and the action clears the interest again: one-shot, as weft's
 *       waits are. The JDK queues interest changes and applies them at the next select, so a
 *       clear followed by a set costs no {@code epoll_ctl}: one {@code epoll_wait} per round.</li>
 *   <li>{@link #epoll}: weft's epoll poller, {@code arm(fd, OUT)} on {@code batch} pipe write
 *       ends then {@code poll}: one {@code epoll_ctl(MOD, ONESHOT)} per wait plus one
 *       {@code epoll_wait} per round.</li>
 *   <li>{@link #ioUringPoll}: the same readiness workload on weft's io_uring poller (its
 *       readiness path, a one-shot poll per wait, all submitted by one {@code io_uring_enter}).</li>
 *   <li>{@link #ioUringNop}: {@code batch} NOPs then one {@code poll}: the ring itself, with no
 *       file behind it. epoll has no equivalent; its ratio against the JDK compares a completion
 *       that did no I/O with a readiness event, so read it as the ceiling of the ring.</li>
 * </ul>
 *
 * <p>Every descriptor and poller is closed in {@link #close()}. A poller is opened and closed on
 * the benchmark thread, which owns it (io_uring's single-issuer ring insists); {@link #check()}
 * fails the iteration if JMH ever ran it on another thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(SubmitComplete.OPS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SubmitComplete {
    /** Completions per invocation: a multiple of every batch size. */
    static final int OPS = 64;

    /** Completions per system-call round trip. */
    @Param({"1", "16", "64"})
    public int batch;

    private Thread owner;
    /** Pipes as [read, write] pairs; the write ends are what the waits are armed on. */
    private int[][] pipes;
    private Poller poller;
    private CompletionPoller ring;
    private Selector selector;
    private Pipe[] jdkPipes;
    private SelectionKey[] keys;

    /** Completions seen in the current round, and ones that did not say what they should. */
    private int completed;
    private long wrong;
    private int lastWrongResult;

    private final CompletionHandler writable = (token, result, flags) -> {
        completed++;
        if (!Events.writable(result)) {
            wrong++;
            lastWrongResult = result;
        }
    };
    private final CompletionHandler nopDone = (token, result, flags) -> {
        completed++;
        if (result != 0) {
            wrong++;
            lastWrongResult = result;
        }
    };
    private final Consumer<SelectionKey> selected = key -> {
        completed++;
        if (!key.isWritable()) {
            wrong++;
        }
        key.interestOps(0);
    };

    @Setup(Level.Trial)
    public void open(BenchmarkParams params) throws IOException {
        if (batch < 1 || OPS % batch != 0) {
            throw new IllegalArgumentException("batch=" + batch + ": must divide " + OPS);
        }
        owner = Thread.currentThread();
        if (owner.isVirtual()) {
            // A virtual thread changes carriers, and an io_uring ring belongs to one kernel task.
            throw new IllegalStateException("run with JMH's default platform-thread executor, not -Djmh.executor="
                    + System.getProperty("jmh.executor"));
        }
        String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        try {
            switch (method) {
                case "jdkSelector" -> openJdk();
                case "epoll" -> openWeft(Backend.EPOLL);
                case "ioUringPoll" -> openWeft(Backend.IO_URING);
                case "ioUringNop" -> ring = openRing();
                default -> throw new IllegalStateException("no set-up for benchmark " + method);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void openJdk() throws IOException {
        selector = Selector.open();
        jdkPipes = new Pipe[batch];
        keys = new SelectionKey[batch];
        for (int i = 0; i < batch; i++) {
            jdkPipes[i] = Pipe.open();
            jdkPipes[i].sink().configureBlocking(false);
            keys[i] = jdkPipes[i].sink().register(selector, 0);
        }
    }

    private void openWeft(Backend backend) throws IOException {
        poller = Pollers.open(backend, PollerConfig.fromSystemProperties());
        pipes = new int[batch][];
        for (int i = 0; i < batch; i++) {
            pipes[i] = Sockets.pipe(true);
        }
    }

    static CompletionPoller openRing() throws IOException {
        Poller p = Pollers.open(Backend.IO_URING, PollerConfig.fromSystemProperties());
        if (!(p instanceof CompletionPoller cp)) {
            p.close();
            throw new IllegalStateException(p.getClass().getName() + " is not a CompletionPoller");
        }
        if (!cp.supports(CompletionPoller.OP_NOP)) {
            cp.close();
            throw new IllegalStateException("io_uring here does not support NOP");
        }
        return cp;
    }

    @Setup(Level.Iteration)
    public void check() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("JMH moved the state from " + owner + " to "
                    + Thread.currentThread() + ": the poller belongs to the thread that opened it");
        }
    }

    @TearDown(Level.Iteration)
    public void verify() {
        if (wrong != 0) {
            throw new IllegalStateException(wrong + " completions were not what the workload expects; last result "
                    + lastWrongResult);
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        IOException failure = null;
        if (poller != null) {
            poller.close();
            poller = null;
        }
        if (ring != null) {
            ring.close();
            ring = null;
        }
        if (pipes != null) {
            for (int[] p : pipes) {
                if (p == null) continue;
                for (int fd : p) {
                    try {
                        Sockets.close(fd);
                    } catch (IOException e) {
                        if (failure == null) failure = e;
                    }
                }
            }
            pipes = null;
        }
        if (selector != null) {
            selector.close();
            selector = null;
        }
        if (jdkPipes != null) {
            for (Pipe p : jdkPipes) {
                if (p == null) continue;
                p.sink().close();
                p.source().close();
            }
            jdkPipes = null;
        }
        if (failure != null) throw failure;
    }

    /** Baseline: one-shot OP_WRITE interest on {@code batch} pipe sinks, {@code selectNow}. */
    @Benchmark
    public int jdkSelector() throws IOException {
        final SelectionKey[] keys = this.keys;
        final int batch = this.batch;
        for (int round = OPS / batch; round > 0; round--) {
            for (int i = 0; i < batch; i++) {
                keys[i].interestOps(SelectionKey.OP_WRITE);
            }
            completed = 0;
            while (completed < batch) {
                selector.selectNow(selected);
            }
        }
        return completed;
    }

    /** weft epoll: {@code arm(OUT)} on {@code batch} pipe write ends, then {@code poll}. */
    @Benchmark
    public int epoll() throws IOException {
        return readiness(poller);
    }

    /** weft io_uring, readiness path: the same workload as {@link #epoll}. */
    @Benchmark
    public int ioUringPoll() throws IOException {
        return readiness(poller);
    }

    /** weft io_uring: {@code batch} NOPs, then one {@code poll} that reaps them all. */
    @Benchmark
    public int ioUringNop() throws IOException {
        final CompletionPoller ring = this.ring;
        final int batch = this.batch;
        for (int round = OPS / batch; round > 0; round--) {
            for (int i = 0; i < batch; i++) {
                ring.nop(i);
            }
            completed = 0;
            while (completed < batch) {
                ring.poll(-1, nopDone);
            }
        }
        return completed;
    }

    private int readiness(Poller p) throws IOException {
        final int[][] pipes = this.pipes;
        final int batch = this.batch;
        for (int round = OPS / batch; round > 0; round--) {
            for (int i = 0; i < batch; i++) {
                p.arm(pipes[i][1], Events.OUT, i);
            }
            completed = 0;
            while (completed < batch) {
                p.poll(-1, writable);
            }
        }
        return completed;
    }
}
