package io.weft.stress.selfcheck;

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
 * SELF-CHECK, excluded from the suite: {@code io.weft.pooler.pool.PauseVsAcquireTest}'s body on
 * {@link BrokenPauseGate} with flaw {@link BrokenPauseGate.Flaw#NONE} (the real
 * gate): the client does not look at {@code paused()} again under the pool's lock, it trusts
 * the gate's answer (the caller's order, inlined here as in the real test). Expected: HANDED OUT
 * DURING PAUSE {@code 1, 1, 1}.
 * {@code ./weft stress jcstress selfcheck} passes only if jcstress reports a forbidden outcome.
 */
@JCStressTest
@State
@Description("SELF-CHECK (must fail): PAUSE vs acquire, PauseAcquireWithoutRecheck")
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "PAUSE found every connection idle; the client got one after RESUME")
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "the client got a connection before PAUSE counted")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "HANDED OUT DURING PAUSE: a connection was taken after PAUSE said all were idle")
@Outcome(id = ".*, .*, 2", expect = FORBIDDEN, desc = "LOST WAKE-UP: the client still waited at the gate after RESUME")
@Outcome(expect = FORBIDDEN, desc = "the client did not get a connection")
public class PauseAcquireWithoutRecheckTest {
    private static final int HOLD = 50; // as PauseVsAcquireTest
    private static final long WAKE_UP_MILLIS = 1000;
    private static final int LATE_START = 10;
    private static final AtomicInteger STATES = new AtomicInteger();

    private final BrokenPauseGate gate = new BrokenPauseGate(BrokenPauseGate.Flaw.NONE);
    private final ReentrantLock poolLock = new ReentrantLock();
    private int inUse;
    private final int lateStart = (STATES.getAndIncrement() & 1) == 1 ? LATE_START : 0;

    private volatile Thread clientThread;
    private volatile boolean clientDone;

    @Actor
    public void client(III_Result r) {
        Thread.interrupted();
        clientThread = Thread.currentThread();
        for (int i = 0; i < lateStart; i++) {
            Thread.onSpinWait();
        }
        try {
            for (;;) {
                gate.awaitOpen();
                poolLock.lock();
                try {
                    // BUG: no look at gate.paused() here; the gate's answer is trusted
                    inUse++;
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

    private int inUse() {
        poolLock.lock();
        try {
            return inUse;
        } finally {
            poolLock.unlock();
        }
    }
}
