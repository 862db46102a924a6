package io.weft.bench.scheduler;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
 * Park/unpark ping-pong: two virtual threads of the scheduler under test bounce a counter with
 * {@link LockSupport#unpark} and {@link LockSupport#park}. Time per round trip.
 *
 * <p>One round trip: the pinger publishes {@code ping = n}, unparks the ponger and parks until
 * it sees {@code pong == n}; the ponger, parked until {@code ping} changes, publishes
 * {@code pong = n} and unparks the pinger. So two unparks of a parked virtual thread (two
 * submissions of a continuation to the scheduler), two parks (two unmounts) and two mounts;
 * no I/O and no timers. Spurious returns from {@code park} are harmless: each side parks again
 * until it sees its news.
 *
 * <p>The pinger is the {@link Driver}'s virtual thread and does {@link #ROUND_TRIPS} round trips
 * per invocation; the ponger is a second virtual thread of the same scheduler.
 *
 * <ul>
 *   <li>{@link #jdk}: the baseline, the JDK's default scheduler with parallelism {@code carriers}.</li>
 *   <li>{@link #ioUring}, {@link #epoll}: a Weft scheduler with {@code carriers} carriers on that
 *       backend. Nothing here touches the poller except to sleep an idle carrier and wake it.</li>
 * </ul>
 * With one carrier the two threads take turns on it. With two, where the woken thread runs is
 * the scheduler's choice: Weft queues it on the waker's carrier (affinity), the JDK's
 * {@code ForkJoinPool} lets an idle worker steal it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(ParkUnparkPingPong.ROUND_TRIPS)
// Prepend, not append: -jvmArgsAppend on the command line (for -D or -XX flags) replaces the
// annotation's append list, and without these two Weft cannot start.
@Fork(value = 1, jvmArgsPrepend = {"--enable-native-access=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ParkUnparkPingPong {
    /** Round trips per invocation: enough that the benchmark thread's hand-off is noise. */
    static final int ROUND_TRIPS = 1000;

    /** Carrier threads: Weft's carriers, or the JDK default scheduler's parallelism. */
    @Param({"1", "2"})
    public int carriers;

    private SchedulerUnderTest scheduler;
    private Driver driver;
    private Thread ponger;
    /** The pinger, as the ponger must unpark it. Written before every {@code ping}. */
    private volatile Thread pinger;
    private volatile long ping;
    private volatile long pong;
    private volatile boolean running;

    @Setup(Level.Trial)
    public void open(BenchmarkParams params) throws Exception {
        scheduler = SchedulerUnderTest.open(params, carriers);
        running = true;
        try {
            ponger = scheduler.start(this::pongLoop);
            driver = new Driver(scheduler, this::pingRound);
        } catch (Exception | Error e) {
            try {
                close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The pinger, in the driver's virtual thread: {@link #ROUND_TRIPS} round trips. */
    private void pingRound() throws InterruptedException {
        Thread other = ponger;
        pinger = Thread.currentThread();
        long p = ping;
        for (int i = 0; i < ROUND_TRIPS; i++) {
            ping = ++p;
            LockSupport.unpark(other);
            while (pong != p) {
                LockSupport.park(this);
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("pinger interrupted");
                }
            }
        }
    }

    /** The ponger: answers every new ping until tear-down. */
    private void pongLoop() {
        long answered = 0;
        for (;;) {
            long p;
            while ((p = ping) == answered) {
                if (!running || Thread.currentThread().isInterrupted()) {
                    return;
                }
                LockSupport.park(this);
            }
            answered = p;
            pong = p;
            LockSupport.unpark(pinger);
        }
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        running = false;
        if (driver != null) {
            driver.close();
        }
        if (ponger != null) {
            LockSupport.unpark(ponger);
        }
        if (scheduler != null) {
            scheduler.close(); // joins the pinger and the ponger, then closes a Weft scheduler
        }
        scheduler = null;
        driver = null;
        ponger = null;
    }

    /** Baseline: the JDK's default virtual-thread scheduler. */
    @Benchmark
    public long jdk() {
        return driver.invoke();
    }

    /** Weft, carriers on io_uring. */
    @Benchmark
    public long ioUring() {
        return driver.invoke();
    }

    /** Weft, carriers on epoll. */
    @Benchmark
    public long epoll() {
        return driver.invoke();
    }
}
