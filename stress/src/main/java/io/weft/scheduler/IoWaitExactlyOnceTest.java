package io.weft.scheduler;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.weft.poller.Events;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;

/**
 * {@link IoWait}: the ways a descriptor wait can end race each other, two at a time: readiness
 * arriving, the carrier's poller closing under the wait, the timeout, a close of the
 * descriptor ({@code WeftScheduler.cancelWaits}, any thread) and the waiting thread noticing an
 * interrupt. Exactly one may end the wait and resume the thread; the wait's final state names
 * the winner; the winner takes the wait out of {@link FdWaiters}; and every winner but the
 * timeout cancels the wait's timer.
 *
 * <p>jcstress runs a test only with at least as many CPUs as actors, so on two cores three-way
 * races cannot run; instead each state races one PAIR of the five ways, the pairs taking turns
 * from one state to the next (all ten pairs in every fork). The ways, by number:
 * <ol>
 *   <li>{@code onReady()}: the poller's completion;</li>
 *   <li>{@code onPollerClosed()}: a completion with -ECANCELED, the poller closing;</li>
 *   <li>the timer: {@code timer.fire()}, and if it won, {@code onTimeout()}, as
 *       {@code Carrier.fireTimers} runs an inline timer;</li>
 *   <li>{@code onCancel()}: {@code cancelWaits}, the descriptor being closed;</li>
 *   <li>{@code onInterrupt()}: the waiting thread, interrupted.</li>
 * </ol>
 * In production 1, 2 and 3 all run on the wait's carrier thread, one after the other, so the
 * pairs among them race here more than they can there.
 *
 * <p>The wait has no carrier (nothing to disarm; {@code Carrier.current()} is null on jcstress
 * threads), its thread is a never-started one (the winner's {@code unpark} does nothing), its
 * descriptor number is a made-up one of its own ({@link StressSupport#fakeFd()}), registered in
 * the process-wide {@link FdWaiters} like a real wait, and its timer (deadline passed, no
 * carrier) is set as a timeout's would be.
 *
 * <p>Result: r1 = the pair (e.g. {@code 34}: the timer vs {@code onCancel()}; the first way
 * runs in one actor, the second in the other), r2 = the way that ended the wait (0 = none,
 * 9 = both calls returned true), r3 = the wait's state names that winner (1 = yes),
 * r4 = the registry's entry for the descriptor afterwards (0 none, 1 this wait, 2 another),
 * r5 = the timer's state fits the winner (1 = yes: FIRED if the timeout won; CANCELLED if
 * another won and the timer was not in the race; either if it was, since it may fire and then
 * lose).
 *
 * <p>Bugs it catches: a way of ending the wait that checks the state and then sets it (not one
 * CAS): both calls win, DOUBLE RESUMPTION, {@code *, 9, ...} (caught by
 * {@code io.weft.stress.selfcheck.IoWaitCheckThenSetTest}): the thread is resumed twice and
 * two parties clean up, disarm and report one wait; a winner that does not set the state it
 * reports (r3 = 0: the thread would return the wrong WaitResult); a winner that leaves the
 * wait registered (r4 = 1: the descriptor's next wait would be refused as "already waiting")
 * or its timer pending (r5 = 0: it fires later and keeps the wait alive until then).
 */
@JCStressTest
@State
@Description("IoWait: every pair of onReady / onPollerClosed / timer+onTimeout / onCancel / onInterrupt")
@Outcome(id = "[1-5][1-5], [1-5], 1, 0, 1", expect = ACCEPTABLE,
        desc = "exactly one way ended the wait (r2); its state, the registry and the timer match")
@Outcome(id = "\\d\\d, 9, .*", expect = FORBIDDEN,
        desc = "DOUBLE RESUMPTION: both calls ended the wait")
@Outcome(id = "\\d\\d, 0, .*", expect = FORBIDDEN,
        desc = "NO RESUMPTION: neither call ended the wait; its thread would stay parked")
@Outcome(id = "\\d\\d, [1-5], 0, .*", expect = FORBIDDEN,
        desc = "WRONG STATE: the wait's state does not name the call that ended it")
@Outcome(id = "\\d\\d, [1-5], 1, [12], .*", expect = FORBIDDEN,
        desc = "STALE REGISTRY: the ended wait (or another) is still registered for the descriptor")
@Outcome(id = "\\d\\d, [1-5], 1, 0, 0", expect = FORBIDDEN,
        desc = "TIMER LEFT BEHIND: the timer is still pending after the wait ended, or fired although the timeout lost")
public class IoWaitExactlyOnceTest {
    private static final int READY = 1;
    private static final int POLLER_CLOSED = 2;
    private static final int TIMEOUT = 3;
    private static final int CANCEL = 4;
    private static final int INTERRUPT = 5;
    private static final int[][] PAIRS = {
        {READY, POLLER_CLOSED}, {READY, TIMEOUT}, {READY, CANCEL}, {READY, INTERRUPT},
        {POLLER_CLOSED, TIMEOUT}, {POLLER_CLOSED, CANCEL}, {POLLER_CLOSED, INTERRUPT},
        {TIMEOUT, CANCEL}, {TIMEOUT, INTERRUPT}, {CANCEL, INTERRUPT},
    };
    private static final AtomicInteger NEXT_PAIR = new AtomicInteger();

    private final int first;
    private final int second;
    private final IoWait wait = new IoWait(StressSupport.PARKED, null, StressSupport.fakeFd(), Events.IN);
    private final Timer timer = new Timer(null, 0L, wait::onTimeout, true);
    private int firstWon;
    private int secondWon;

    public IoWaitExactlyOnceTest() {
        int[] pair = PAIRS[Math.floorMod(NEXT_PAIR.getAndIncrement(), PAIRS.length)];
        first = pair[0];
        second = pair[1];
        FdWaiters.register(wait);
        wait.timer = timer;
    }

    @Actor
    public void one() {
        firstWon = end(first) ? 1 : 0;
    }

    @Actor
    public void other() {
        secondWon = end(second) ? 1 : 0;
    }

    private boolean end(int way) {
        return switch (way) {
            case READY -> wait.onReady();
            case POLLER_CLOSED -> wait.onPollerClosed();
            case TIMEOUT -> timer.fire() && wait.onTimeout();
            case CANCEL -> wait.onCancel();
            case INTERRUPT -> wait.onInterrupt();
            default -> throw new IllegalArgumentException("way " + way);
        };
    }

    @Arbiter
    public void check(IIIII_Result r) {
        int winner = firstWon + secondWon == 2 ? 9 : firstWon == 1 ? first : secondWon == 1 ? second : 0;
        r.r1 = first * 10 + second;
        r.r2 = winner;
        r.r3 = wait.state() == stateOf(winner) ? 1 : 0;
        r.r4 = StressSupport.registered(wait);
        int t = timer.timerState();
        boolean raced = first == TIMEOUT || second == TIMEOUT;
        r.r5 = (winner == TIMEOUT ? t == Timer.FIRED
                : raced ? t == Timer.FIRED || t == Timer.CANCELLED
                : t == Timer.CANCELLED) ? 1 : 0;
        FdWaiters.clear(wait); // whatever the actors left: a later state reuses the number
    }

    /** The state a wait ended by {@code way} must have. */
    private static int stateOf(int way) {
        return switch (way) {
            case READY -> IoWait.READY;
            case POLLER_CLOSED, CANCEL -> IoWait.CANCELLED;
            case TIMEOUT -> IoWait.TIMED_OUT;
            case INTERRUPT -> IoWait.INTERRUPTED;
            default -> -1;
        };
    }
}
