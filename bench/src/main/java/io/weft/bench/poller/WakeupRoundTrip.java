package io.weft.bench.poller;

import io.weft.poller.Backend;
import io.weft.poller.CompletionHandler;
import io.weft.poller.Poller;
import io.weft.poller.PollerConfig;
import io.weft.poller.Pollers;
import java.io.IOException;
import java.nio.channels.Selector;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Wake-up round trip: two threads, each blocked in its own poller's {@code poll(-1)} (or its
 * own {@link Selector#select()}), bounce a token by calling {@code wakeup()} on the other's.
 *
 * <p>One invocation is one round trip, so two cross-thread wake-ups: the benchmark thread
 * publishes {@code ping}, wakes the partner's poller and blocks in its own {@code poll(-1)}; the
 * partner, a platform thread this state starts and stops, returns from its {@code poll(-1)},
 * publishes {@code pong} and wakes the benchmark thread's poller; the invocation ends when the
 * benchmark thread's poll returns and it sees {@code pong}. Both pollers are of the backend
 * measured; each is opened, polled and closed by the thread that owns it. The counters make
 * spurious or coalesced returns harmless: a thread that wakes without news polls again.
 *
 * <p>Nothing else is in the path: no queue, no {@code LockSupport}, only {@code wakeup()} and the
 * return from a blocked {@code poll}. On two cores both threads block in the kernel each time,
 * so this is the cost of the wake-up mechanism plus two scheduler hand-offs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class WakeupRoundTrip {

    /** One thread's waiting place: a weft poller or a JDK selector. Owner thread only, but {@link #wakeup}. */
    interface Endpoint {
        /** Blocks until woken (or returns spuriously). */
        void await() throws IOException;

        /** Any thread. */
        void wakeup();

        /** Owner thread. */
        void close() throws IOException;
    }

    record WeftEndpoint(Poller poller) implements Endpoint {
        static Endpoint open(Backend backend) throws IOException {
            return new WeftEndpoint(Pollers.open(backend, PollerConfig.fromSystemProperties()));
        }

        @Override
        public void await() throws IOException {
            poller.poll(-1, CompletionHandler.DISCARD);
        }

        @Override
        public void wakeup() {
            poller.wakeup();
        }

        @Override
        public void close() {
            poller.close();
        }
    }

    record JdkEndpoint(Selector selector) implements Endpoint {
        static Endpoint open() throws IOException {
            return new JdkEndpoint(Selector.open());
        }

        @Override
        public void await() throws IOException {
            selector.select();
        }

        @Override
        public void wakeup() {
            selector.wakeup();
        }

        @Override
        public void close() throws IOException {
            selector.close();
        }
    }

    @FunctionalInterface
    interface Opener {
        Endpoint open() throws IOException;
    }

    private Thread owner;
    private Endpoint mine;
    private volatile Endpoint theirs;
    private Thread partner;
    private volatile boolean running;
    private volatile Throwable partnerFailure;

    /** Written by the benchmark thread, read by the partner. */
    private volatile long ping;
    /** Written by the partner, read by the benchmark thread. */
    private volatile long pong;

    @Setup(Level.Trial)
    public void open(BenchmarkParams params) throws IOException, InterruptedException {
        owner = Thread.currentThread();
        if (owner.isVirtual()) {
            // A virtual thread changes carriers, and an io_uring ring belongs to one kernel task.
            throw new IllegalStateException("run with JMH's default platform-thread executor, not -Djmh.executor="
                    + System.getProperty("jmh.executor"));
        }
        String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        Opener opener = switch (method) {
            case "jdkSelector" -> JdkEndpoint::open;
            case "epoll" -> () -> WeftEndpoint.open(Backend.EPOLL);
            case "ioUring" -> () -> WeftEndpoint.open(Backend.IO_URING);
            default -> throw new IllegalStateException("no set-up for benchmark " + method);
        };
        mine = opener.open();
        running = true;
        CompletableFuture<Endpoint> opened = new CompletableFuture<>();
        partner = Thread.ofPlatform().daemon().name("wakeup-partner").unstarted(() -> partnerLoop(opener, opened));
        partner.start();
        try {
            theirs = opened.get();
        } catch (ExecutionException e) {
            running = false;
            partner.join();
            mine.close();
            mine = null;
            throw new IOException("the partner thread could not open its poller: " + e.getCause(), e.getCause());
        }
    }

    /** The partner: owns its endpoint from open to close; answers every new ping with a pong. */
    private void partnerLoop(Opener opener, CompletableFuture<Endpoint> opened) {
        Endpoint own;
        try {
            own = opener.open();
        } catch (IOException | RuntimeException e) {
            opened.completeExceptionally(e);
            return;
        }
        opened.complete(own);
        try {
            long answered = 0;
            while (running) {
                own.await();
                long p = ping;
                if (p != answered) {
                    answered = p;
                    pong = p;
                    mine.wakeup();
                }
            }
        } catch (IOException | RuntimeException e) {
            partnerFailure = e;
            mine.wakeup();
        } finally {
            try {
                own.close();
            } catch (IOException | RuntimeException e) {
                if (partnerFailure == null) partnerFailure = e;
            }
        }
    }

    @Setup(Level.Iteration)
    public void check() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("JMH moved the state from " + owner + " to "
                    + Thread.currentThread() + ": the poller belongs to the thread that opened it");
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException, InterruptedException {
        running = false;
        if (theirs != null) {
            theirs.wakeup();
        }
        if (partner != null) {
            partner.join(TimeUnit.SECONDS.toMillis(10));
            if (partner.isAlive()) {
                throw new IllegalStateException("the wake-up partner did not stop within 10 s");
            }
            partner = null;
        }
        theirs = null;
        if (mine != null) {
            mine.close();
            mine = null;
        }
        Throwable f = partnerFailure;
        if (f != null) {
            throw new IOException("the wake-up partner failed", f);
        }
    }

    /** Baseline: {@link Selector#wakeup()} answered by a thread blocked in {@link Selector#select()}. */
    @Benchmark
    public long jdkSelector() throws IOException {
        return roundTrip();
    }

    /** weft epoll: {@code wakeup()} (an eventfd write) answered from {@code poll(-1)}. */
    @Benchmark
    public long epoll() throws IOException {
        return roundTrip();
    }

    /** weft io_uring: {@code wakeup()} answered from {@code poll(-1)} on a single-issuer ring. */
    @Benchmark
    public long ioUring() throws IOException {
        return roundTrip();
    }

    private long roundTrip() throws IOException {
        long p = ping + 1;
        ping = p;
        theirs.wakeup();
        while (pong != p) {
            if (partnerFailure != null) {
                throw new IOException("the wake-up partner failed", partnerFailure);
            }
            mine.await();
        }
        return p;
    }
}
