package io.weft.scheduler;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Finds carriers whose OS thread is parked, which on a Weft carrier means a <em>pinned</em>
 * virtual thread parked (one that cannot unmount: inside a class initializer, below a native
 * frame): the JDK then parks the carrier thread itself ({@code VirtualThread.parkOnCarrierThread}).
 * A carrier never parks otherwise: it sleeps in its poller, in a system call, where its state
 * is RUNNABLE.
 *
 * <p>Such a carrier is stuck if the thread waits for a Weft completion: only that carrier may
 * reap its ring or poll its poller, and it is parked. So every {@code periodMillis} the watch
 * <em>kicks</em> each carrier it finds WAITING: it sets the carrier's kick flag, then unparks
 * the carrier thread. The pinned thread's park returns, and the wait loop
 * ({@link PinnedWaits#park}) sees the flag and drives its carrier's poller itself until its wait
 * ends. A park that is not a Weft wait (a pinned thread on a {@code ReentrantLock}) just parks
 * again; the flag stays set, so that carrier is not kicked again until a Weft wait clears it.
 *
 * <p>Order matters: flag first, then unpark. The wait loop clears the flag before it parks and
 * reads it after, so a kick that lands between the two is seen (the unpark's permit makes the
 * park return at once); jcstress {@code PinnedKickTest}.
 *
 * <p>Nothing on the hot path: unpinned waits pay two reads of the flag. The price is one
 * daemon thread per scheduler waking every period, and up to one period of extra latency on a
 * pinned thread's first wait.
 *
 * <p>While the scheduler is idle the watch does not wake at all: after {@link #QUIET_TICKS}
 * periods in which no carrier ran a task and at a moment when every carrier sleeps in its
 * poller, it parks until a carrier leaves its sleep ({@link WatchDormancy}). An idle process
 * then makes no wake-ups of its own, where it made one every period; a busy one ticks as before.
 */
final class PinnedWatch implements Runnable {
    private static final System.Logger LOG = System.getLogger("io.weft.scheduler");

    /** Periods without a task run on any carrier before the watch may go dormant. */
    static final int QUIET_TICKS = 10;

    private final Carrier[] carriers;
    private final long periodNanos;
    private final WatchDormancy dormancy;
    private final Thread thread;
    private final long[] tasksRunAtLastTick;
    private int quietTicks;
    private volatile boolean stopped;
    /** Times the watch went dormant (tests). */
    private volatile long dormancies;

    private PinnedWatch(String name, Carrier[] carriers, long periodMillis, WatchDormancy dormancy) {
        this.carriers = carriers;
        this.periodNanos = TimeUnit.MILLISECONDS.toNanos(periodMillis);
        this.dormancy = dormancy;
        this.tasksRunAtLastTick = new long[carriers.length];
        this.thread = Thread.ofPlatform().daemon().name(name + "-pinned-watch").unstarted(this);
    }

    /**
     * Starts a watch over {@code carriers}, which wake it through {@code dormancy}; null when
     * {@code periodMillis} is 0 (off).
     */
    static PinnedWatch start(String name, Carrier[] carriers, long periodMillis, WatchDormancy dormancy) {
        if (periodMillis == 0) {
            return null;
        }
        PinnedWatch w = new PinnedWatch(name, carriers, periodMillis, dormancy);
        dormancy.watchThread(w.thread);
        w.thread.start();
        return w;
    }

    @Override
    public void run() {
        while (!stopped) {
            LockSupport.parkNanos(this, periodNanos);
            for (Carrier c : carriers) {
                if (c.kickIfParked()) {
                    LOG.log(System.Logger.Level.DEBUG, () -> c.getName() + ": parked by a pinned virtual thread: kicked");
                }
            }
            if (quietFor(QUIET_TICKS) && dormancy.enter(this::allAsleep)) {
                dormancies++;
                while (dormancy.isDormant() && !stopped) {
                    LockSupport.park(this);
                }
                quietTicks = 0;
            }
        }
    }

    /**
     * Counts this tick into the run of ticks in which no carrier ran a task (their counts are
     * racy reads: a hint); true once that run is {@code ticks} long.
     */
    private boolean quietFor(int ticks) {
        boolean ran = false;
        for (int i = 0; i < carriers.length; i++) {
            long n = carriers[i].tasksRun();
            if (n != tasksRunAtLastTick[i]) {
                tasksRunAtLastTick[i] = n;
                ran = true;
            }
        }
        quietTicks = ran ? 0 : quietTicks + 1;
        return quietTicks >= ticks;
    }

    private boolean allAsleep() {
        for (Carrier c : carriers) {
            if (!c.asleep()) return false;
        }
        return true;
    }

    long dormancies() {
        return dormancies;
    }

    boolean isDormant() {
        return dormancy.isDormant();
    }

    void stop() {
        stopped = true;
        dormancy.release();
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
