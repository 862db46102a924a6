package io.weft.net;

import io.weft.poller.sys.Errno;
import io.weft.poller.sys.Sockets;
import io.weft.scheduler.WeftPark;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Connections a listener's {@link AcceptStream} has accepted and no {@code accept()} has taken
 * yet, and the acceptors waiting for them. The stream's carrier offers; acceptors take.
 *
 * <p>Bounded: past {@code limit} queued connections the stream is cancelled and further
 * connections wait in the kernel's backlog, as they would with no acceptor; an acceptor that
 * finds the stream stopped starts a new one.
 *
 * <p>Acceptors wait with {@link WeftPark}, not a {@code Condition}: the stream may run on the
 * waiting acceptor's own carrier, and an acceptor pinned to it (accepting in a class
 * initializer) must be able to drive that carrier itself. So the waiting is spelled out:
 * {@code waiters} in arrival order under the lock; a signal takes the first one out and
 * unparks it; a waiter that leaves without a connection while some are queued passes the
 * signal on, so no queued connection is left with a waiter asleep.
 */
final class AcceptQueue {
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Thread> waiters = new ArrayDeque<>();
    private final ArrayDeque<Integer> fds = new ArrayDeque<>();
    private final int limit;
    private AcceptStream stream;
    private int error;
    private boolean closed;

    AcceptQueue(int limit) {
        this.limit = Math.max(1, limit);
    }

    /** From the stream: a new connection. False if the queue is now full (stop the stream). */
    boolean offer(int fd) {
        lock.lock();
        try {
            if (closed) {
                Sockets.close(fd);
                return false;
            }
            fds.add(fd);
            signalOne();
            return fds.size() < limit;
        } catch (Exception e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * From the stream: the accept failed with {@code -errno}: the next acceptor reports it,
     * unless it is one of the failures that leave the listener as it was (a cancel, a
     * signal, memory or a connection that went away before it was taken). Those end only this
     * stream; {@link #streamEnded} then has an acceptor start another, as the JDK's accept
     * loops on them. Found by weft.faults: EAGAIN or ENOBUFS used to reach accept() as a
     * SocketException.
     */
    void failed(int result) {
        int e = -result; // Errno's numbers are the running platform's, not constants: no switch
        if (e == Errno.ECANCELED || e == Errno.EAGAIN || e == Errno.EINTR || e == Errno.ENOBUFS
                || e == Errno.ECONNABORTED) {
            return;
        }
        lock.lock();
        try {
            error = -result;
            signalOne();
        } finally {
            lock.unlock();
        }
    }

    void streamEnded(AcceptStream s) {
        lock.lock();
        try {
            if (stream == s) {
                stream = null;
            }
            signalAll(); // one of the acceptors starts a new stream
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes a connection, starting the stream on the calling thread's carrier when none runs.
     *
     * @param timeoutNanos 0 for none
     * @return the new descriptor
     */
    int take(SocketFd listener, long timeoutNanos) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        lock.lock();
        try {
            for (;;) {
                if (closed) {
                    throw new SocketException("Socket closed");
                }
                Integer fd = fds.poll();
                if (fd != null) {
                    return fd;
                }
                if (error != 0) {
                    int e = error;
                    error = 0;
                    throw new SocketException(Errno.describe(e) + " (accept)");
                }
                if (stream == null) {
                    AcceptStream s = new AcceptStream(listener, this);
                    stream = s;
                    try {
                        s.start();
                    } catch (IOException | RuntimeException e) {
                        stream = null;
                        throw e;
                    }
                }
                long left = 0;
                if (timeoutNanos > 0) {
                    left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new SocketTimeoutException("Accept timed out");
                    }
                }
                if (Thread.currentThread().isInterrupted()) {
                    // the JDK's ServerSocket turns this into "Closed by interrupt"; status stays set
                    throw new InterruptedIOException("accept interrupted");
                }
                awaitSignal(left);
            }
        } finally {
            if (!fds.isEmpty() || error != 0 || closed) {
                signalOne(); // leaving without what is queued (timeout, interrupt, failure): pass it on
            }
            lock.unlock();
        }
    }

    /**
     * Waits, with the lock released, until signalled, {@code nanos} pass (0: no limit) or for
     * no reason; returns with the lock held again. The caller looks at the state again.
     */
    private void awaitSignal(long nanos) {
        Thread self = Thread.currentThread();
        waiters.add(self);
        lock.unlock();
        try {
            WeftPark.parkNanos(this, nanos); // a signal before this park leaves its permit: not lost
        } finally {
            lock.lock();
            waiters.remove(self); // still there unless a signal took it out
        }
    }

    /** Wakes the longest-waiting acceptor. Lock held. */
    private void signalOne() {
        Thread w = waiters.poll();
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    /** Wakes every acceptor. Lock held. */
    private void signalAll() {
        Thread w;
        while ((w = waiters.poll()) != null) {
            LockSupport.unpark(w);
        }
    }

    /** Connections queued and not yet taken (for tests: jcstress AcceptQueueOfferVsCloseTest). */
    int queued() {
        lock.lock();
        try {
            return fds.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The listener is closing: wakes every acceptor, stops the stream and waits (briefly) for
     * its final completion, so that the kernel drops its reference to the listening socket
     * before the descriptor is closed; closes connections nobody took.
     */
    void close() {
        AcceptStream s;
        lock.lock();
        try {
            closed = true;
            signalAll();
            s = stream;
        } finally {
            lock.unlock();
        }
        if (s != null) {
            s.cancel();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (!s.ended() && System.nanoTime() - deadline < 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(50_000);
            }
        }
        lock.lock();
        try {
            Integer fd;
            while ((fd = fds.poll()) != null) {
                try {
                    Sockets.close(fd);
                } catch (Exception e) {
                    // gone either way
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
