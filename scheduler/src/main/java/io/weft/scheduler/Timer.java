package io.weft.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A one-shot timer in a carrier's {@link TimerHeap}.
 *
 * <h2>Fire vs cancel</h2>
 * {@code state} goes from PENDING to FIRED (the carrier, when the deadline passes) or to
 * CANCELLED (any thread) by CAS, so exactly one of the two wins: a cancelled timer never
 * runs its task, and {@link #cancel} of a timer that fired returns false. The heap entry of a
 * timer cancelled on another thread is dropped lazily by the owner carrier.
 */
final class Timer implements ScheduledFuture<Object> {
    static final int PENDING = 0;
    static final int FIRED = 1;
    static final int CANCELLED = 2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Timer.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final long deadline;
    final Runnable task;
    /** Run on the carrier itself (I/O timeouts) rather than queued as a task. */
    final boolean inline;
    final Carrier carrier;
    /** Position in the owner's heap; -1 when not in it. Owner only. */
    int heapIndex = -1;
    private volatile int state;
    private volatile CountDownLatch done; // made only if someone calls get()

    Timer(Carrier carrier, long deadline, Runnable task, boolean inline) {
        this.carrier = carrier;
        this.deadline = deadline;
        this.task = task;
        this.inline = inline;
    }

    /** The carrier, at or after the deadline: true if this call won the race with cancel. */
    boolean fire() {
        if (STATE.compareAndSet(this, PENDING, FIRED)) {
            signalDone();
            return true;
        }
        return false;
    }

    int timerState() {
        return state;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (!STATE.compareAndSet(this, PENDING, CANCELLED)) {
            return false;
        }
        signalDone();
        if (carrier != null) { // null only for timers made outside a carrier (jcstress)
            carrier.timerCancelled(this);
        }
        return true;
    }

    private void signalDone() {
        CountDownLatch l = done;
        if (l != null) l.countDown();
    }

    @Override
    public boolean isCancelled() {
        return state == CANCELLED;
    }

    @Override
    public boolean isDone() {
        return state != PENDING;
    }

    @Override
    public Object get() throws InterruptedException, ExecutionException {
        awaitDone().await();
        return result();
    }

    @Override
    public Object get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        if (!awaitDone().await(timeout, unit)) {
            throw new TimeoutException();
        }
        return result();
    }

    private CountDownLatch awaitDone() {
        CountDownLatch l = done;
        if (l == null) {
            synchronized (this) {
                l = done;
                if (l == null) {
                    done = l = new CountDownLatch(1);
                }
            }
            if (state != PENDING) {
                l.countDown(); // finished before the latch existed
            }
        }
        return l;
    }

    private Object result() {
        if (state == CANCELLED) {
            throw new CancellationException();
        }
        return null;
    }

    @Override
    public long getDelay(TimeUnit unit) {
        return unit.convert(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
        if (o instanceof Timer t) {
            return Long.compare(deadline - t.deadline, 0);
        }
        return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
    }
}
