package io.weft.stress.selfcheck;

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
 * SELF-CHECK, excluded from the suite: {@code io.weft.scheduler.IoWaitExactlyOnceTest}'s body on
 * {@link BrokenIoWait} with flaw {@link BrokenIoWait.Flaw#CHECK_THEN_SET} (a faithful
 * {@link BrokenTimer} and {@link BrokenFdWaiters}): every way of ending the wait reads WAITING
 * and then writes its outcome, so two can win. Expected: DOUBLE RESUMPTION, {@code *, 9, ...}.
 * {@code ./weft stress jcstress selfcheck} passes only if jcstress reports a forbidden outcome.
 */
@JCStressTest
@State
@Description("SELF-CHECK (must fail): IoWait CHECK_THEN_SET")
@Outcome(id = "[1-5][1-5], [1-5], 1, 0, 1", expect = ACCEPTABLE, desc = "exactly one way ended the wait")
@Outcome(id = "\\d\\d, 9, .*", expect = FORBIDDEN, desc = "DOUBLE RESUMPTION: both calls ended the wait")
@Outcome(id = "\\d\\d, 0, .*", expect = FORBIDDEN, desc = "NO RESUMPTION")
@Outcome(id = "\\d\\d, [1-5], 0, .*", expect = FORBIDDEN, desc = "WRONG STATE")
@Outcome(id = "\\d\\d, [1-5], 1, [12], .*", expect = FORBIDDEN, desc = "STALE REGISTRY")
@Outcome(id = "\\d\\d, [1-5], 1, 0, 0", expect = FORBIDDEN, desc = "TIMER LEFT BEHIND")
public class IoWaitCheckThenSetTest {
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
    private static final BrokenFdWaiters REGISTRY = BrokenFdWaiters.SOUND;

    private final int first;
    private final int second;
    private final BrokenIoWait wait = new BrokenIoWait(BrokenIoWait.Flaw.CHECK_THEN_SET, REGISTRY,
            SelfcheckSupport.PARKED, SelfcheckSupport.fakeFd(), Events.IN);
    private final BrokenTimer timer = new BrokenTimer(BrokenTimer.Flaw.NONE);
    private int firstWon;
    private int secondWon;

    public IoWaitCheckThenSetTest() {
        int[] pair = PAIRS[Math.floorMod(NEXT_PAIR.getAndIncrement(), PAIRS.length)];
        first = pair[0];
        second = pair[1];
        REGISTRY.register(wait);
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
        r.r4 = SelfcheckSupport.registered(REGISTRY, wait);
        int t = timer.timerState();
        boolean raced = first == TIMEOUT || second == TIMEOUT;
        r.r5 = (winner == TIMEOUT ? t == BrokenTimer.FIRED
                : raced ? t == BrokenTimer.FIRED || t == BrokenTimer.CANCELLED
                : t == BrokenTimer.CANCELLED) ? 1 : 0;
        REGISTRY.clear(wait);
    }

    private static int stateOf(int way) {
        return switch (way) {
            case READY -> BrokenIoWait.READY;
            case POLLER_CLOSED, CANCEL -> BrokenIoWait.CANCELLED;
            case TIMEOUT -> BrokenIoWait.TIMED_OUT;
            case INTERRUPT -> BrokenIoWait.INTERRUPTED;
            default -> -1;
        };
    }
}
