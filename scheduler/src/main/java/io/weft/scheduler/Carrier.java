package io.weft.scheduler;

import io.weft.poller.BufferRing;
import io.weft.poller.Completion;
import io.weft.poller.CompletionPoller;
import io.weft.poller.CompletionHandler;
import io.weft.poller.Poller;
import io.weft.poller.Pollers;
import io.weft.poller.sys.CallStates;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A carrier: one platform thread that runs virtual threads and drives its own poller.
 *
 * <h2>The loop</h2>
 * <pre>
 * forever:
 *   run the inbox's messages (carrier-bound work: disarms, timers added from elsewhere)
 *   task = run queue, else the scheduler's overflow queue, else steal from another carrier
 *          (while the overflow queue holds tasks, every other task comes from it: fairness)
 *   if task: run it; every reapInterval tasks poll(0) and fire due timers (fairness)
 *   else:   fire due timers; if none, sleep in poller.poll(until the next timer)
 * </pre>
 *
 * <h2>Sleeping without losing a wake-up</h2>
 * {@link SleepGate}: before it sleeps the carrier announces SLEEPING and looks at its queues
 * once more; a submitter adds its task and then claims the wake-up only if the carrier
 * sleeps. A busy carrier is never woken with a system call.
 *
 * <h2>Ownership</h2>
 * The poller, the {@link TimerHeap} and the {@link WaitTable} belong to this carrier's OS
 * thread: the loop, and virtual threads while they are mounted here (they arm waits on the
 * poller directly; the kernel sees the same task). Other threads reach them through
 * {@link #post}. The run queue and the inbox take any thread.
 *
 * <h2>Pinned virtual threads</h2>
 * A mounted thread that cannot unmount parks this OS thread instead: the loop stops. Its Weft
 * waits then drive the carrier themselves ({@link #driveWhilePinned}) once {@link PinnedWatch}
 * has kicked it; see {@link PinnedWaits}.
 */
final class Carrier extends Thread implements CallStates.Lender {
    private static final System.Logger LOG = System.getLogger("io.weft.scheduler");

    final WeftScheduler scheduler;
    final int index;
    final RunQueue runQueue;
    final CarrierCounters counters = new CarrierCounters();
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final TimerHeap timers = new TimerHeap();
    private final WaitTable waits = new WaitTable();
    private final AtomicInteger foreignTimerCancels = new AtomicInteger();
    private final CompletionHandler handler = this::onCompletion;
    private final int reapInterval;
    private final SleepGate gate = new SleepGate();
    private final java.util.function.BooleanSupplier hasWork = this::hasWork;
    private Poller poller;
    private BufferRing recvBuffers;
    private int fairnessTick;
    private volatile boolean terminate;
    /** Set when the poller starts closing ({@link #closing()}). Carrier thread only. */
    private boolean closing;
    /** Set by {@link PinnedWatch} (then it unparks this thread), cleared by {@link PinnedWaits}. */
    final PinnedKick kick = new PinnedKick();
    /**
     * The virtual thread found pinned here and not unmounted since: its waits drive the carrier
     * at once. Written only on this carrier's OS thread (by that thread, and cleared when a task
     * ends); read racily elsewhere, where it never equals the reader.
     */
    Thread pinnedThread;
    /**
     * Lent to every virtual thread mounted here for its system calls' errno and iovec
     * ({@link CallStates}): one allocation per carrier instead of one, and
     * a registration under the JDK's common cleaner lock, per virtual thread.
     */
    private final MemorySegment scratch = CallStates.allocateScratch();

    Carrier(WeftScheduler scheduler, int index, String name, int runQueueCapacity, int reapInterval) {
        super(name);
        setDaemon(true);
        this.scheduler = scheduler;
        this.index = index;
        this.runQueue = new RunQueue(runQueueCapacity);
        this.reapInterval = reapInterval;
    }

    @Override
    public MemorySegment scratch() {
        return scratch;
    }

    /** The carrier running the caller (its loop, or a virtual thread mounted on it), or null. */
    static Carrier current() {
        return VirtualThreads.currentCarrierThread() instanceof Carrier c ? c : null;
    }

    @Override
    public void run() {
        try {
            // Opened here, not by the scheduler: an io_uring ring is single-issuer, and its
            // issuer is the thread that creates it.
            poller = Pollers.open(scheduler.pollerBackend(), scheduler.config().poller());
        } catch (IOException | RuntimeException e) {
            scheduler.carrierFailed(this, e);
            return;
        }
        scheduler.carrierStarted(this);
        try {
            loop();
        } finally {
            closePoller();
        }
    }

    Poller poller() {
        return poller;
    }

    private void loop() {
        int sinceReap = 0;
        for (;;) {
            Runnable task = nextTask();
            if (task != null) {
                runTask(task);
                if (++sinceReap >= reapInterval) {
                    // Fairness: a run queue that never drains must not starve I/O and timers.
                    sinceReap = 0;
                    poll(0);
                    fireTimers();
                }
                continue;
            }
            sinceReap = 0;
            if (fireTimers()) {
                continue;
            }
            if (terminate) {
                return;
            }
            sleep();
        }
    }

    private Runnable nextTask() {
        Runnable message;
        while ((message = inbox.poll()) != null) {
            runInline(message);
        }
        // Fairness for threads that did not fit in a full run queue: a carrier that always has
        // local work would otherwise never look at the overflow, and those threads would
        // starve (the echo benchmark at 10,000 connections had exactly 10,000 - 2 x 4,096
        // connections served not once in 10 s). While the overflow holds tasks, every other
        // task comes from it.
        if (scheduler.overflow().hasTasks() && (++fairnessTick & 1) == 0) {
            Runnable waiting = scheduler.overflow().poll();
            if (waiting != null) {
                return waiting;
            }
        }
        Runnable task = runQueue.poll();
        if (task == null) {
            task = scheduler.overflow().poll();
        }
        if (task == null) {
            task = scheduler.steal(this);
            if (task != null) counters.steals++;
        }
        return task;
    }

    private void sleep() {
        long timeout = timers.nanosUntilNext(System.nanoTime());
        if (timeout == 0) {
            return;
        }
        if (gate.enterSleep(hasWork)) {
            poll(timeout);
            gate.leaveSleep();
        }
        scheduler.watchDormancy().carrierAwake(); // before any task: see WatchDormancy
    }

    /**
     * {@link PinnedWatch}, and {@code WeftScheduler.close} waiting for quiet: asleep in its
     * poller (or woken and about to leave), so no task runs here.
     */
    boolean asleep() {
        return gate.state() != SleepGate.RUNNING;
    }

    /** {@link PinnedWatch}: tasks run so far; a plain field written by this carrier, read racily. */
    long tasksRun() {
        return counters.tasksRun;
    }

    private boolean hasWork() {
        return !inbox.isEmpty() || !runQueue.isEmpty() || !scheduler.overflow().isEmpty() || terminate
                || scheduler.hasStealable(this);
    }

    private void poll(long timeoutNanos) {
        counters.polls++;
        try {
            counters.completions += poller.poll(timeoutNanos, handler);
        } catch (IOException | RuntimeException e) {
            counters.pollErrors++;
            LOG.log(Level.ERROR, getName() + ": poll failed: " + e.getMessage(), e);
        }
        drainForeignTimerCancels();
    }

    private void onCompletion(long token, int result, int flags) {
        Completable c = Completion.hasMore(flags) ? waits.get(token) : waits.remove(token);
        if (c != null) {
            try {
                c.complete(this, result, flags);
            } catch (RuntimeException e) {
                // one failing handler must not end this carrier's loop (execute itself no
                // longer throws, even after close: see WeftScheduler.execute)
                LOG.log(Level.DEBUG, getName() + ": completion handler failed: " + e);
            }
        }
    }

    private void runTask(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            LOG.log(Level.ERROR, getName() + ": task threw " + t, t);
        }
        if (pinnedThread != null) {
            pinnedThread = null; // it unmounted: no longer pinned
        }
        counters.tasksRun++; // after the line above: PinnedWaits.stillPinned reads it
    }

    private void runInline(Runnable message) {
        try {
            message.run();
        } catch (Throwable t) {
            LOG.log(Level.ERROR, getName() + ": carrier message threw " + t, t);
        }
    }

    // ---- pinned virtual threads -------------------------------------------------------

    /**
     * {@link PinnedWatch}: if this OS thread is parked (a pinned virtual thread parked on it)
     * and not kicked yet, sets the flag and then unparks it. True if it kicked.
     */
    boolean kickIfParked() {
        if (kick.isSet()) {
            return false;
        }
        State state = getState(); // TIMED_WAITING too: a pinned timed wait (an accept with a timeout)
        if (state != State.WAITING && state != State.TIMED_WAITING) {
            return false;
        }
        return kick.kick(() -> LockSupport.unpark(this));
    }

    /**
     * One slice of the loop's own work, done by a pinned virtual thread mounted here whose wait
     * needs this carrier: the inbox, due timers, one poll of at most {@code maxNanos} (or until
     * the next timer), due timers again. Threads this makes runnable queue here as usual; an
     * idle carrier is woken to steal them, since this one runs nothing else until the pinned
     * thread unmounts. On this carrier's OS thread only.
     */
    void driveWhilePinned(long maxNanos) {
        counters.pinnedSlices++;
        Runnable message;
        while ((message = inbox.poll()) != null) {
            runInline(message);
        }
        fireTimers();
        if (!runQueue.isEmpty()) {
            scheduler.wakeIdle(this);
        }
        long untilTimer = timers.nanosUntilNext(System.nanoTime()); // -1: no timer
        poll(untilTimer < 0 ? maxNanos : Math.min(maxNanos, untilTimer));
        fireTimers();
    }

    // ---- submissions ------------------------------------------------------------------

    /** From this carrier (its loop or a mounted virtual thread): queue here, for affinity. */
    void submitLocal(Runnable task) {
        if (!runQueue.offer(task)) {
            scheduler.overflow().add(task);
        }
        // More than the one just added: let an idle carrier steal instead of waiting on us.
        if (runQueue.size() > 1) {
            scheduler.wakeIdle(this);
        }
    }

    /** From any other thread: queue here and wake this carrier if it sleeps. */
    void submitExternal(Runnable task) {
        if (!runQueue.offer(task)) {
            scheduler.overflow().add(task);
        }
        wake();
    }

    /** Runs {@code message} on this carrier's thread, outside any virtual thread. Any thread. */
    void post(Runnable message) {
        inbox.add(message);
        wake();
    }

    boolean isSleeping() {
        return gate.isSleeping();
    }

    /** Wakes the carrier if it sleeps; true if this call sent the wake-up. Any thread. */
    boolean wake() {
        if (gate.claimWakeup()) {
            counters.wakeupsSent.incrementAndGet();
            poller.wakeup();
            return true;
        }
        return false;
    }

    void terminate() {
        terminate = true;
        wake();
    }

    /**
     * Whether the carrier is closing its poller: what is still in flight ends with
     * {@code -ECANCELED} now, and nothing may be queued again. On this carrier's thread only.
     */
    boolean closing() {
        return closing;
    }

    // ---- I/O waits --------------------------------------------------------------------

    /** Arms {@code w} on this carrier's poller. On this carrier's thread only. */
    void arm(IoWait w) throws IOException {
        w.token = waits.add(w);
        try {
            try {
                poller.arm(w.fd, w.event, w.token);
            } catch (IllegalStateException alreadyArmed) {
                // A wait that already ended (its disarm still on its way here) holds this
                // descriptor's slot; the registry guarantees it is no live wait. Drop it.
                long stale = poller.disarm(w.fd, w.event);
                Completable old = waits.remove(stale);
                if (old instanceof IoWait ow && ow.isWaiting()) {
                    throw new IllegalStateException("fd " + w.fd + " armed twice on " + getName(), alreadyArmed);
                }
                poller.arm(w.fd, w.event, w.token);
            }
        } catch (IOException | RuntimeException e) {
            waits.remove(w.token);
            throw e;
        }
    }

    /** Disarms {@code w} if it is still armed here. On this carrier's thread only. */
    void disarm(IoWait w) {
        if (waits.get(w.token) != w) {
            return; // already completed, or its stale slot was reclaimed by a newer wait
        }
        waits.remove(w.token);
        try {
            poller.disarm(w.fd, w.event);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, getName() + ": disarm of fd " + w.fd + " failed: " + e.getMessage());
        }
    }

    int pendingWaits() {
        return waits.size();
    }

    // ---- ring work (io_uring operations of the net module) ----------------------------

    /** Registers ring work and returns its token. On this carrier's thread only. */
    long register(Completable c) {
        return waits.add(c);
    }

    /** Forgets a token whose submission failed. On this carrier's thread only. */
    void unregister(long token) {
        waits.remove(token);
    }

    /** Queues the cancel of {@code w}, once, if it is still in flight. On this carrier's thread only. */
    void cancelOnRing(RingWork w) {
        if (w.cancelQueued || waits.get(w.token) != w) {
            return; // already cancelled, or its final completion came first
        }
        w.cancelQueued = true;
        try {
            ((CompletionPoller) poller).cancel(w.token);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, getName() + ": cancel of a ring operation failed: " + e.getMessage());
        }
    }

    /**
     * The carrier's provided-buffer ring for receives, registered on first use: a receive that
     * waits pins no buffer; the kernel picks one when data arrives.
     */
    BufferRing recvBuffers() throws IOException {
        if (recvBuffers == null) {
            recvBuffers = ((CompletionPoller) poller).registerBufferRing(RecvBufferConfig.GROUP_ID,
                    RecvBufferConfig.COUNT, RecvBufferConfig.SIZE);
        }
        return recvBuffers;
    }

    // ---- timers -----------------------------------------------------------------------

    /** A timer on this carrier; {@code inline} ones run on the carrier, others as tasks. Any thread. */
    Timer addTimer(long deadline, Runnable task, boolean inline) {
        Timer t = new Timer(this, deadline, task, inline);
        if (current() == this) {
            timers.add(t);
        } else {
            post(() -> timers.add(t)); // post() wakes us to recompute the poll timeout
        }
        return t;
    }

    /** A timer was cancelled: drop it now if on this carrier, else later. Any thread. */
    void timerCancelled(Timer t) {
        if (current() == this) {
            timers.remove(t);
        } else {
            foreignTimerCancels.incrementAndGet();
        }
    }

    private void drainForeignTimerCancels() {
        int n = foreignTimerCancels.getAndSet(0);
        for (int i = 0; i < n; i++) {
            timers.noteForeignCancel();
        }
    }

    /** Fires due timers; true if any fired. */
    private boolean fireTimers() {
        if (timers.size() == 0) {
            return false;
        }
        long now = System.nanoTime();
        boolean fired = false;
        Timer t;
        while ((t = timers.pollDue(now)) != null) {
            if (t.fire()) {
                fired = true;
                counters.timersFired++;
                if (t.inline) {
                    runInline(t.task);
                } else {
                    submitLocal(t.task);
                }
            }
        }
        return fired;
    }

    // ---- shutdown ---------------------------------------------------------------------

    private void closePoller() {
        closing = true;
        for (Timer t : timers.drain()) {
            t.cancel(false);
        }
        if (poller != null) {
            // Waits still armed end with -ECANCELED: their threads wake with CANCELLED.
            poller.close(handler);
        }
        scheduler.carrierStopped(this);
    }

    CarrierStats stats() {
        return new CarrierStats(index, getName(), poller == null ? null : poller.backend().configName(),
                counters.tasksRun, counters.steals, counters.polls, counters.completions,
                counters.wakeupsSent.get(), counters.timersFired, runQueue.size(), timers.size());
    }
}
