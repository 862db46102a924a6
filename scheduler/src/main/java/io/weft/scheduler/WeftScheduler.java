package io.weft.scheduler;

import io.weft.poller.Backend;
import io.weft.poller.Events;
import io.weft.poller.Pollers;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.nio.channels.AsynchronousCloseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.management.ObjectName;

/**
 * Virtual threads whose carriers drive the event loop themselves: N carrier threads, each
 * owning a poller (io_uring or epoll), a run queue and an inbox. See docs/architecture.md.
 *
 * <pre>
 * try (WeftScheduler weft = WeftScheduler.start()) {
 *     try (ExecutorService perTask = weft.newThreadPerTaskExecutor()) {
 *         perTask.submit(() -> serve(socket));
 *     }
 * }
 * </pre>
 *
 * The JVM needs {@code --add-opens java.base/java.lang=ALL-UNNAMED} (weft builds its virtual
 * threads with the JDK's package-private builder) and {@code --enable-native-access=ALL-UNNAMED}.
 */
public final class WeftScheduler implements Executor, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.weft.scheduler");
    private static final AtomicInteger IDS = new AtomicInteger();

    private static final int OPEN = 0;
    private static final int CLOSING = 1;
    private static final int CLOSED = 2;

    private final String name;
    private final SchedulerConfig config;
    private final Backend backend;
    private final Carrier[] carriers;
    private final OverflowQueue overflow = new OverflowQueue();
    private final AtomicInteger nextCarrier = new AtomicInteger();
    private final Set<Thread> liveThreads = ConcurrentHashMap.newKeySet();
    private final CountDownLatch started;
    private final CountDownLatch stopped;
    private final List<Throwable> startFailures = new ArrayList<>();
    private volatile int phase = OPEN;
    /** {@link #execute} calls after {@link #close()}: abandoned threads made runnable again. */
    private final AtomicLong droppedAfterClose = new AtomicLong();
    private ObjectName mbean;
    private PinnedWatch pinnedWatch;
    private final WatchDormancy watchDormancy = new WatchDormancy();

    private WeftScheduler(SchedulerConfig config, String name) {
        this.name = name != null ? name : "weft-" + IDS.getAndIncrement();
        this.config = config;
        this.backend = Pollers.choose(config.poller()).backend();
        this.carriers = new Carrier[config.carriers()];
        for (int i = 0; i < carriers.length; i++) {
            String carrierName = (name == null ? "weft-carrier-" : name + "-carrier-") + i;
            carriers[i] = new Carrier(this, i, carrierName, config.runQueueCapacity(), config.reapInterval());
        }
        this.started = new CountDownLatch(carriers.length);
        this.stopped = new CountDownLatch(carriers.length);
    }

    /** Starts a scheduler configured by the system properties ({@code weft.carriers}, {@code weft.backend}, ...). */
    public static WeftScheduler start() throws IOException {
        return start(SchedulerConfig.fromSystemProperties());
    }

    /**
     * Starts a scheduler: its carriers are running, each with its poller open, when this
     * returns.
     *
     * @throws IOException if a carrier's poller cannot be opened (the backend is unavailable)
     */
    public static WeftScheduler start(SchedulerConfig config) throws IOException {
        return start(config, null);
    }

    /** {@link #start(SchedulerConfig)} with a name of its own (its carriers are {@code name-carrier-N}). */
    static WeftScheduler start(SchedulerConfig config, String name) throws IOException {
        JdkPollers.startOnPlatformThread();
        WeftScheduler s = new WeftScheduler(config, name);
        for (Carrier c : s.carriers) {
            c.start();
        }
        awaitUninterruptibly(s.started);
        synchronized (s.startFailures) {
            if (!s.startFailures.isEmpty()) {
                for (Carrier c : s.carriers) c.terminate();
                awaitUninterruptibly(s.stopped);
                Throwable first = s.startFailures.get(0);
                throw first instanceof IOException io ? io
                        : new IOException("weft scheduler could not start: " + first, first);
            }
        }
        s.pinnedWatch = PinnedWatch.start(s.name, s.carriers, config.pinnedWatchMillis(), s.watchDormancy);
        s.registerMBean();
        return s;
    }

    /** The scheduler's name, {@code weft-N}, also its carriers' thread-name prefix in JMX. */
    public String name() {
        return name;
    }

    public SchedulerConfig config() {
        return config;
    }

    /** The backend every carrier's poller runs on. */
    public Backend pollerBackend() {
        return backend;
    }

    // ---- virtual threads ----------------------------------------------------------------

    /**
     * A builder of virtual threads that run on this scheduler's carriers: the JDK's own
     * builder (the interface is sealed) with this scheduler in place of the default one.
     * Threads made with it are not in {@link #liveThreads()}: {@link #close()} cancels their
     * I/O waits but cannot interrupt them. The factory, executor and
     * {@link #startVirtualThread} below track their threads.
     */
    public Thread.Builder.OfVirtual threadBuilder() {
        checkOpen();
        return VirtualThreads.builder(this);
    }

    /** A factory of (unstarted) virtual threads on this scheduler, named {@code weft-N-vt-M}. */
    public ThreadFactory threadFactory() {
        ThreadFactory jdk = threadBuilder().name(name + "-vt-", 0).factory();
        return task -> {
            checkOpen();
            return jdk.newThread(track(task));
        };
    }

    /** An executor that starts a new virtual thread on this scheduler for each task. */
    public ExecutorService newThreadPerTaskExecutor() {
        return Executors.newThreadPerTaskExecutor(threadFactory());
    }

    /** Starts {@code task} in a new virtual thread on this scheduler. */
    public Thread startVirtualThread(Runnable task) {
        checkOpen();
        return threadBuilder().start(track(task));
    }

    /** How many times an abandoned thread was made runnable after {@link #close()} (see {@link #execute}). */
    public long droppedAfterClose() {
        return droppedAfterClose.get();
    }

    /**
     * Virtual threads of this scheduler's factory, executor and {@link #startVirtualThread}
     * that have begun running and not yet ended.
     */
    public int liveThreads() {
        return liveThreads.size();
    }

    Runnable track(Runnable task) {
        Objects.requireNonNull(task, "task");
        return () -> {
            Thread self = Thread.currentThread();
            liveThreads.add(self);
            try {
                task.run();
            } finally {
                liveThreads.remove(self);
            }
        };
    }

    void checkOpen() {
        if (phase != OPEN) {
            throw new RejectedExecutionException(name + " is closed");
        }
    }

    /**
     * Where the JDK hands a virtual thread's continuation when the thread starts or is
     * unparked. From one of this scheduler's carriers it stays on that carrier (affinity);
     * from elsewhere it goes to a sleeping carrier if there is one, else round-robin.
     *
     * <p>Never throws, not even once the scheduler is closed: the JDK calls this from its own
     * threads and from anyone's {@code LockSupport.unpark}. When the JDK's
     * {@code VirtualThread-unblocker} hands a monitor to one of our threads and this threw, the
     * exception would end that thread's loop, and no virtual thread of any scheduler in the JVM,
     * the JDK's own included, would be handed a monitor again; from an unpark it would come out
     * of unrelated code (a lock's release). A thread of a closed scheduler was abandoned by
     * {@link #close()}, which says how many; making it runnable again is counted
     * ({@link #droppedAfterClose()}) and does nothing else. Not logged: a log handler's lock
     * is a monitor too. New threads are refused before they get here
     * ({@link #startVirtualThread}, {@link #threadFactory}, {@link #threadBuilder} throw
     * {@code RejectedExecutionException}); only a builder taken before the close starts
     * threads that never run.
     */
    @Override
    public void execute(Runnable task) {
        if (phase == CLOSED) {
            droppedAfterClose.incrementAndGet();
            return;
        }
        Carrier c = Carrier.current();
        if (c != null && c.scheduler == this) {
            c.submitLocal(task);
        } else {
            pickCarrier().submitExternal(task);
        }
    }

    private Carrier pickCarrier() {
        int start = Math.floorMod(nextCarrier.getAndIncrement(), carriers.length);
        for (int i = 0; i < carriers.length; i++) {
            Carrier c = carriers[(start + i) % carriers.length];
            if (c.isSleeping()) return c;
        }
        return carriers[start];
    }

    // ---- timers -------------------------------------------------------------------------

    /**
     * Runs {@code command} once after {@code delay}, as a task on a carrier: the calling
     * carrier if there is one, else any. This is {@code ScheduledExecutorService.schedule}'s
     * contract; the agent routes the timed parks of virtual threads here.
     */
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Objects.requireNonNull(command, "command");
        checkOpen();
        long nanos = Math.max(0, unit.toNanos(delay));
        long deadline = System.nanoTime() + Math.min(nanos, Long.MAX_VALUE >> 2);
        Carrier c = Carrier.current();
        if (c == null || c.scheduler != this) {
            c = pickCarrier();
        }
        return c.addTimer(deadline, command, false);
    }

    // ---- waiting for descriptors --------------------------------------------------------

    /**
     * Parks the calling thread until {@code fd} is ready for {@code event}, the timeout
     * elapses, {@link #cancelWaits} is called for it, or the thread is interrupted.
     *
     * <p>On a Weft virtual thread the wait is armed on the poller of the carrier the thread
     * is mounted on and the thread unmounts; on any other thread it is a blocking
     * {@code poll(2)}. Only one thread may wait for each direction of a descriptor at a time.
     *
     * @param event        {@link Events#IN} or {@link Events#OUT}
     * @param timeoutNanos 0 or negative for no timeout
     */
    public static WaitResult await(int fd, int event, long timeoutNanos) throws IOException {
        return await(fd, event, timeoutNanos, null);
    }

    /**
     * {@link #await(int, int, long)} for a descriptor that may be closed concurrently, as the
     * JDK's {@code Poller.poll} takes it: {@code isOpen} is asked once the wait is registered,
     * so a close that ran {@link #cancelWaits} just before the registration (and so could not
     * see it) still ends the wait, with {@link WaitResult#CANCELLED}.
     *
     * @param isOpen null when the descriptor cannot be closed under the wait
     */
    public static WaitResult await(int fd, int event, long timeoutNanos, java.util.function.BooleanSupplier isOpen)
            throws IOException {
        if (event != Events.IN && event != Events.OUT) {
            throw new IllegalArgumentException("event must be Events.IN or Events.OUT");
        }
        Thread t = Thread.currentThread();
        Carrier c = t.isVirtual() ? Carrier.current() : null;
        boolean foreign = false;
        if (c == null) {
            // A platform thread may block in poll(2); a virtual thread of another scheduler
            // must not (it would hold one of that scheduler's carriers): its wait goes to the
            // shared carrier of ForeignWaits, which unparks it like any other.
            c = t.isVirtual() ? ForeignWaits.carrier() : null;
            if (c == null) {
                return BlockingWait.await(fd, event, timeoutNanos, isOpen);
            }
            foreign = true;
        }
        if (t.isInterrupted()) {
            return WaitResult.INTERRUPTED;
        }
        IoWait w = new IoWait(t, c, fd, event);
        FdWaiters.register(w);
        if (foreign) {
            Carrier home = c;
            home.post(() -> ForeignWaits.arm(home, w));
        } else {
            try {
                c.arm(w);
            } catch (IOException | RuntimeException e) {
                w.finish(IoWait.CANCELLED);
                FdWaiters.clear(w);
                throw e;
            }
        }
        if (isOpen != null && !isOpen.getAsBoolean()) {
            w.onCancel();
        }
        if (timeoutNanos > 0) {
            w.timer = c.addTimer(System.nanoTime() + timeoutNanos, w::onTimeout, true);
            // A cancel that won before the timer existed could not cancel it: do it here. Our
            // write of timer then read of state races the winner's CAS then read of timer, so
            // one side always sees the other (jcstress IoWaitLateTimerTest found the gap).
            if (!w.isWaiting()) {
                w.timer.cancel(false);
            }
        }
        while (w.isWaiting()) {
            if (foreign) {
                LockSupport.park(w);
            } else {
                PinnedWaits.park(c, w); // a pinned thread drives c itself
            }
            if (t.isInterrupted()) {
                w.onInterrupt();
            }
        }
        return result(w.state());
    }

    /**
     * Waits until {@code fd} is readable: true when it is (or may be: retry the read), false
     * on timeout.
     *
     * @throws InterruptedIOException      if the thread was interrupted (its status stays set)
     * @throws AsynchronousCloseException  if {@link #cancelWaits} was called for {@code fd}
     */
    public static boolean awaitReadable(int fd, long timeoutNanos) throws IOException {
        return ready(await(fd, Events.IN, timeoutNanos));
    }

    /** {@link #awaitReadable} for writing. */
    public static boolean awaitWritable(int fd, long timeoutNanos) throws IOException {
        return ready(await(fd, Events.OUT, timeoutNanos));
    }

    private static boolean ready(WaitResult r) throws IOException {
        return switch (r) {
            case READY -> true;
            case TIMED_OUT -> false;
            case CANCELLED -> throw new AsynchronousCloseException();
            case INTERRUPTED -> throw new InterruptedIOException("interrupted while waiting for a descriptor");
        };
    }

    /**
     * Whether the calling thread is a virtual thread running on a Weft carrier: where
     * {@link #await} waits on the carrier's poller instead of in {@code poll(2)}.
     */
    public static boolean isWeftThread() {
        return Thread.currentThread().isVirtual() && Carrier.current() != null;
    }

    /**
     * Whether other virtual threads are queued to run on the calling thread's carrier (or in its
     * scheduler's overflow queue): a Weft virtual thread whose calls complete without blocking
     * (reads from the page cache) never unmounts by itself, and should {@link Thread#yield} now
     * and then when this says so. False off a Weft carrier.
     */
    public static boolean othersWaiting() {
        Carrier c = Carrier.current();
        return c != null && (!c.runQueue.isEmpty() || !c.scheduler.overflow().isEmpty());
    }

    /** {@link #yieldNowAndThen}: one call in this many may yield. */
    private static final int YIELD_EVERY = 8;

    /**
     * Fairness for a virtual thread whose calls complete without parking (reads the page
     * cache answers): such a thread never unmounts by itself and would keep its carrier from
     * every other thread (the files benchmark's 1,000 readers: 2 ran, 998 never started). Call
     * it after each such call with a count that grows by one per call; every 8th call yields
     * when {@link #othersWaiting other threads wait} for the carrier. A count shared without
     * synchronization is fine: a lost increment only shifts one yield.
     */
    public static void yieldNowAndThen(int calls) {
        if (calls % YIELD_EVERY == 0 && othersWaiting()) {
            Thread.yield();
        }
    }

    /**
     * Wakes the thread waiting for {@code fd} to become ready for {@code event}, if any, with
     * {@link WaitResult#CANCELLED}; true if there was one. Any thread.
     */
    public static boolean cancelWait(int fd, int event) {
        IoWait w = FdWaiters.get(fd, event);
        return w != null && w.onCancel();
    }

    /**
     * Wakes every thread waiting for {@code fd} with {@link WaitResult#CANCELLED} and disarms
     * their waits. Call it before closing a descriptor that threads may be waiting on, as the
     * JDK's {@code Poller.stopPoll} is called on close. Any thread.
     */
    public static void cancelWaits(int fd) {
        cancelWait(fd, Events.IN);
        cancelWait(fd, Events.OUT);
    }

    static WaitResult result(int state) {
        return switch (state) {
            case IoWait.READY -> WaitResult.READY;
            case IoWait.TIMED_OUT -> WaitResult.TIMED_OUT;
            case IoWait.CANCELLED -> WaitResult.CANCELLED;
            case IoWait.INTERRUPTED -> WaitResult.INTERRUPTED;
            default -> throw new IllegalStateException("wait still pending: " + state);
        };
    }

    // ---- carriers -------------------------------------------------------------------------

    OverflowQueue overflow() {
        return overflow;
    }

    /** A task from another carrier's run queue, for an idle {@code thief}. */
    Runnable steal(Carrier thief) {
        for (int i = 1; i < carriers.length; i++) {
            Runnable t = carriers[(thief.index + i) % carriers.length].runQueue.poll();
            if (t != null) return t;
        }
        return null;
    }

    boolean hasStealable(Carrier thief) {
        for (Carrier c : carriers) {
            if (c != thief && !c.runQueue.isEmpty()) return true;
        }
        return false;
    }

    /** Wakes one sleeping carrier other than {@code busy}, so it can steal from it. */
    void wakeIdle(Carrier busy) {
        for (Carrier c : carriers) {
            if (c != busy && c.isSleeping() && c.wake()) return;
        }
    }

    void carrierStarted(Carrier c) {
        started.countDown();
    }

    void carrierFailed(Carrier c, Throwable failure) {
        synchronized (startFailures) {
            startFailures.add(failure);
        }
        started.countDown();
        stopped.countDown();
    }

    void carrierStopped(Carrier c) {
        stopped.countDown();
    }

    WatchDormancy watchDormancy() {
        return watchDormancy;
    }

    /** The pinned watch, null when it is off; for tests. */
    PinnedWatch pinnedWatch() {
        return pinnedWatch;
    }

    /** Carrier {@code i}, for tests. */
    Carrier carrier(int i) {
        return carriers[i];
    }

    /** A snapshot of every carrier's counters. */
    public List<CarrierStats> stats() {
        List<CarrierStats> list = new ArrayList<>(carriers.length);
        for (Carrier c : carriers) list.add(c.stats());
        return list;
    }

    // ---- shutdown -----------------------------------------------------------------------

    /**
     * Closes the scheduler: no new threads; lets running threads finish for the grace period
     * ({@code weft.scheduler.graceMillis}); then wakes every I/O wait with
     * {@link WaitResult#CANCELLED} and interrupts the threads still alive; then stops the
     * carriers and closes their pollers. Threads that still do not end are reported and
     * abandoned. Must not be called from one of this scheduler's own threads.
     */
    @Override
    public void close() {
        Carrier self = Carrier.current();
        if (self != null && self.scheduler == this) {
            throw new IllegalStateException("a weft scheduler cannot be closed from one of its own threads");
        }
        synchronized (this) {
            if (phase != OPEN) {
                awaitUninterruptibly(stopped);
                return;
            }
            phase = CLOSING;
        }
        long graceNanos = TimeUnit.MILLISECONDS.toNanos(config.shutdownGraceMillis());
        if (!awaitQuiet(graceNanos)) {
            FdWaiters.forEach(this, IoWait::onCancel);
            for (Thread t : liveThreads) t.interrupt();
            awaitQuiet(TimeUnit.SECONDS.toNanos(1));
        }
        int abandoned = liveThreads.size();
        phase = CLOSED;
        if (pinnedWatch != null) {
            pinnedWatch.stop();
        }
        for (Carrier c : carriers) c.terminate();
        try {
            if (!stopped.await(5, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, name + ": carriers did not stop within 5 s: a thread never yields");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (abandoned > 0) {
            LOG.log(Level.WARNING, name + ": " + abandoned + " virtual threads were still alive at close and will"
                    + " never run again");
        }
        unregisterMBean();
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        for (;;) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** Waits until {@link Quiescence#quiet}; false on timeout. */
    private boolean awaitQuiet(long nanos) {
        long deadline = System.nanoTime() + nanos;
        while (!quiet()) {
            if (System.nanoTime() - deadline >= 0) return false;
            LockSupport.parkNanos(1_000_000);
        }
        return true;
    }

    private boolean quiet() {
        return Quiescence.quiet(liveThreads, this::queued, this::carriersAsleep);
    }

    private boolean carriersAsleep() {
        for (Carrier c : carriers) {
            if (!c.asleep()) return false;
        }
        return true;
    }

    private boolean queued() {
        if (!overflow.isEmpty()) return true;
        for (Carrier c : carriers) if (!c.runQueue.isEmpty()) return true;
        return false;
    }

    private void registerMBean() {
        try {
            mbean = new ObjectName("io.weft:type=Scheduler,name=" + name);
            ManagementFactory.getPlatformMBeanServer().registerMBean(new SchedulerMXBeanImpl(this), mbean);
        } catch (Exception | LinkageError e) {
            mbean = null;
            LOG.log(Level.DEBUG, name + ": JMX registration failed: " + e);
        }
    }

    private void unregisterMBean() {
        if (mbean != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(mbean);
            } catch (Exception e) {
                LOG.log(Level.DEBUG, name + ": JMX unregistration failed: " + e);
            }
        }
    }

    @Override
    public String toString() {
        return "WeftScheduler[" + name + ", " + carriers.length + " carriers on " + backend.configName() + "]";
    }
}
