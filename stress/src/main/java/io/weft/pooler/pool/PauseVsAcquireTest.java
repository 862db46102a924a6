package io.weft.pooler.pool;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * PAUSE vs a client asking for a server connection: the real {@link PauseGate}, with the steps
 * of {@code ServerPool.acquire} and {@code PoolManager.pause} that use it copied here
 * ({@code ServerPool} needs a {@code PoolManager}, whose maintenance thread, selector and server
 * connections a jcstress state cannot afford).
 *
 * <ul>
 *   <li>The client, as {@code acquire}: {@code gate.awaitOpen()} (waits while paused), then under
 *       the pool's lock looks at {@code gate.paused()} again; if paused, back to the gate, else it
 *       takes a connection (in use + 1) in the same hold of the lock.</li>
 *   <li>The operator, as {@code pause}: {@code gate.pause()}, then counts the connections in use
 *       under the pool's lock; 0 is "every server connection is idle", and PAUSE returns true. It
 *       then holds the pause a moment, looks again, and RESUMEs; then gives the client up to
 *       {@link #WAKE_UP_MILLIS} to get its connection, and else interrupts it.</li>
 * </ul>
 *
 * <p>Either the pause's count comes after the client's hold of the lock (it sees the connection
 * in use and waits for it), or the client's hold comes after the count and sees the flag the
 * pause set before counting (the same lock orders them). So no connection is handed out after
 * PAUSE said every one is idle, until RESUME; and RESUME wakes every waiting client.
 *
 * <p>Result: r1 = PAUSE saw every connection idle (it would have returned true); r2 = during
 * the pause, after it returned true, a connection was in use; r3 = the client: 1 got its
 * connection, 2 was still asleep {@link #WAKE_UP_MILLIS} after RESUME and had to be interrupted.
 *
 * <p>Bugs it catches: {@code acquire} trusting the gate's answer and not looking at
 * {@code paused()} again under the pool's lock (or looking at it before it takes the lock): the
 * client passes the gate, PAUSE sets the flag, finds nothing in use and returns true, the client
 * takes a connection, HANDED OUT DURING PAUSE {@code 1, 1, *} (caught by
 * {@code io.weft.stress.selfcheck.PauseAcquireWithoutRecheckTest}); {@code pause()} counting
 * before it sets the flag: the same; {@code awaitOpen} deciding to wait on a look at the flag
 * outside its lock, or {@code resume} clearing it without the lock or without
 * {@code signalAll}: LOST WAKE-UP {@code *, *, 2} (caught by
 * {@code io.weft.stress.selfcheck.PauseGateCheckOutsideLockTest}).
 */
@JCStressTest
@State
@Description("PauseGate: PAUSE vs a client acquiring a connection, RESUME vs the waiting client")
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "PAUSE found every connection idle; the client got one after RESUME")
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "the client got a connection before PAUSE counted: PAUSE waits for it")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "HANDED OUT DURING PAUSE: a connection was taken after PAUSE said all were idle")
@Outcome(id = ".*, .*, 2", expect = FORBIDDEN, desc = "LOST WAKE-UP: the client still waited at the gate after RESUME")
@Outcome(expect = FORBIDDEN, desc = "the client did not get a connection")
public class PauseVsAcquireTest {
    /** How long the operator holds the pause after PAUSE returned true, in spins. */
    static final int HOLD = 50;
    /** How long a woken client may take to get its connection before it counts as asleep. */
    static final long WAKE_UP_MILLIS = 1000;
    /**
     * Every other state, the client starts this many spins late: left alone, it nearly always
     * takes its connection before PAUSE counts; late, it mostly meets the pause at the gate or
     * under the pool's lock.
     */
    static final int LATE_START = 10;
    private static final AtomicInteger STATES = new AtomicInteger();

    private final PauseGate gate = new PauseGate();
    /** The pool: its lock, and its connections in use (total - idle). */
    private final ReentrantLock poolLock = new ReentrantLock();
    private int inUse;
    private final int lateStart = (STATES.getAndIncrement() & 1) == 1 ? LATE_START : 0;

    private volatile Thread clientThread;
    private volatile boolean clientDone;

    @Actor
    public void client(III_Result r) {
        Thread.interrupted(); // a late interrupt meant for an earlier state
        clientThread = Thread.currentThread();
        for (int i = 0; i < lateStart; i++) {
            Thread.onSpinWait();
        }
        try {
            for (;;) {
                gate.awaitOpen();
                poolLock.lock();
                try {
                    if (gate.paused()) continue; // ServerPool.acquire: PAUSE came meanwhile, back to the gate
                    inUse++; // idle.pollFirst(), or total++ to open one
                    break;
                } finally {
                    poolLock.unlock();
                }
            }
            r.r3 = 1;
        } catch (IOException interrupted) {
            Thread.interrupted();
            r.r3 = 2;
        } finally {
            clientDone = true;
        }
    }

    @Actor
    public void operator(III_Result r) {
        gate.pause();
        boolean idle = inUse() == 0;
        if (idle) {
            r.r1 = 1;
            for (int i = 0; i < HOLD; i++) {
                Thread.onSpinWait();
            }
            r.r2 = inUse() > 0 ? 1 : 0;
        }
        gate.resume();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAKE_UP_MILLIS);
        while (!clientDone) {
            if (System.nanoTime() - deadline > 0) {
                Thread t = clientThread;
                if (t != null) t.interrupt();
                while (!clientDone) Thread.onSpinWait();
                return;
            }
            Thread.onSpinWait();
        }
    }

    /** PoolManager.inUse: total - idle, under the pool's lock. */
    private int inUse() {
        poolLock.lock();
        try {
            return inUse;
        } finally {
            poolLock.unlock();
        }
    }
}
