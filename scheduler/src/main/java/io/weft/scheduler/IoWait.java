package io.weft.scheduler;

import io.weft.poller.sys.Errno;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * One thread waiting for one descriptor to become readable or writable.
 *
 * <h2>Exactly one resumption</h2>
 * Four things can end the wait: the poller's completion (READY, on the carrier), the timer
 * (TIMED_OUT, on the carrier), {@link WeftScheduler#cancelWaits} (CANCELLED, any thread) and
 * an interrupt (INTERRUPTED, noticed by the waiting thread itself). Each tries to move
 * {@code state} from WAITING by CAS; only the winner cleans up and resumes the thread:
 * <ul>
 *   <li>it clears the wait from the {@link FdWaiters} registry and cancels the timer;</li>
 *   <li>unless the poller already delivered the completion (READY), the wait is still armed
 *       in the carrier's poller and its token still in the carrier's {@link WaitTable}: the
 *       winner has the carrier disarm it, inline when it runs on that carrier, else through
 *       the carrier's inbox;</li>
 *   <li>it unparks the thread (for INTERRUPTED the thread is already running).</li>
 * </ul>
 * The carrier's {@link Carrier#disarm} checks that the token still maps to this wait, so a
 * disarm that arrives after the completion, or after the token was reused, does nothing.
 */
final class IoWait implements Completable {
    static final int WAITING = 0;
    static final int READY = 1;
    static final int TIMED_OUT = 2;
    static final int CANCELLED = 3;
    static final int INTERRUPTED = 4;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(IoWait.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Thread thread;
    final int fd;
    final int event;
    /** The carrier whose poller the wait is armed on; null for a blocking poll(2) wait. */
    final Carrier carrier;
    /** The poller token (carrier's WaitTable slot). Written before the wait is visible to the carrier. */
    long token = -1;
    /** The timeout timer, if any. Set by the waiting thread before it parks. */
    volatile Timer timer;
    private volatile int state;

    IoWait(Thread thread, Carrier carrier, int fd, int event) {
        this.thread = thread;
        this.carrier = carrier;
        this.fd = fd;
        this.event = event;
    }

    int state() {
        return state;
    }

    boolean isWaiting() {
        return state == WAITING;
    }

    /** Moves WAITING to {@code outcome}; true for the one caller that won. */
    boolean finish(int outcome) {
        return STATE.compareAndSet(this, WAITING, outcome);
    }

    /** The poller's completion: the wait is no longer armed and its token is already freed. */
    @Override
    public void complete(Carrier c, int result, int flags) {
        // -ECANCELED from a poller that is closing: the carrier is going away, the wait with
        // it. From an open one it is the kernel's own cancel of the poll (io_uring may), which
        // says nothing about the socket: READY, so the waiter makes its call again and waits
        // again if it must. (Any other error is READY too: the call itself then reports it.)
        // weft.faults' poll:ECANCELED found this answer reported as "Socket closed".
        if (result == -Errno.ECANCELED && !c.poller().isOpen()) {
            onPollerClosed();
        } else {
            onReady();
        }
    }

    /** Readiness arrived (the carrier's poller); true if it resumed the thread. */
    boolean onReady() {
        return endDisarmed(READY);
    }

    /** The carrier's poller closed under the wait; true if it resumed the thread. */
    boolean onPollerClosed() {
        return endDisarmed(CANCELLED);
    }

    private boolean endDisarmed(int outcome) {
        if (!finish(outcome)) {
            return false;
        }
        FdWaiters.clear(this);
        cancelTimer();
        LockSupport.unpark(thread);
        return true;
    }

    /** The timer, on the wait's own carrier (timers run where the wait is armed). */
    boolean onTimeout() {
        if (!finish(TIMED_OUT)) {
            return false;
        }
        FdWaiters.clear(this);
        if (carrier != null) {
            carrier.disarm(this);
        }
        LockSupport.unpark(thread);
        return true;
    }

    /** {@link WeftScheduler#cancelWaits}: any thread; true if it resumed the thread. */
    boolean onCancel() {
        if (!finish(CANCELLED)) {
            return false;
        }
        FdWaiters.clear(this);
        cancelTimer();
        disarmFrom(Carrier.current());
        LockSupport.unpark(thread);
        return true;
    }

    /** The waiting thread found itself interrupted; true if the interrupt ended the wait. */
    boolean onInterrupt() {
        if (!finish(INTERRUPTED)) {
            return false;
        }
        FdWaiters.clear(this);
        cancelTimer();
        disarmFrom(Carrier.current());
        return true;
    }

    private void disarmFrom(Carrier current) {
        if (carrier == null) {
            return; // a blocking poll(2) wait notices the state change itself
        }
        if (current == carrier) {
            carrier.disarm(this);
        } else {
            carrier.post(() -> carrier.disarm(this));
        }
    }

    private void cancelTimer() {
        Timer t = timer;
        if (t != null) {
            t.cancel(false);
        }
    }
}
