package io.weft.stress.selfcheck;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * SELF-CHECK, excluded from the suite: {@code io.weft.scheduler.InboxVsSleepTest}'s body on a
 * faithful {@link BrokenSleepGate} (flaw NONE) with the poster's steps in the wrong order: it
 * claims the wake-up, then adds its message to the inbox. The carrier can announce SLEEPING
 * after the claim saw RUNNING and re-check the inbox before the add. Expected: LOST WAKE-UP,
 * {@code 1, 0, 1}.
 * {@code ./weft stress jcstress selfcheck} passes only if jcstress reports a forbidden outcome.
 */
@JCStressTest
@State
@Description("SELF-CHECK (must fail): Carrier.post wakes before it queues")
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "the carrier saw the message")
@Outcome(id = "1, 1, 2", expect = ACCEPTABLE, desc = "the carrier sleeps; the poster claimed the wake-up")
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "one spurious wake-up")
@Outcome(id = "1, 0, .*", expect = FORBIDDEN, desc = "LOST WAKE-UP: the carrier sleeps with a message in its inbox")
@Outcome(id = "0, .*, [12]", expect = FORBIDDEN, desc = "the carrier runs but the gate says SLEEPING or WOKEN")
@Outcome(expect = FORBIDDEN, desc = "woken, but the gate is not WOKEN")
public class PostWakesBeforeQueueingTest {
    private static final Runnable MESSAGE = () -> { };

    private final BrokenSleepGate gate = new BrokenSleepGate(BrokenSleepGate.Flaw.NONE);
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final BooleanSupplier hasWork = () -> !inbox.isEmpty();

    @Actor
    public void carrier(III_Result r) {
        r.r1 = gate.enterSleep(hasWork) ? 1 : 0;
    }

    @Actor
    public void poster(III_Result r) {
        r.r2 = gate.claimWakeup() ? 1 : 0; // BUG: before the message is in the inbox
        inbox.add(MESSAGE);
    }

    @Arbiter
    public void check(III_Result r) {
        r.r3 = gate.state();
    }
}
