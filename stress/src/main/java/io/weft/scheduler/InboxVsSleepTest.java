package io.weft.scheduler;

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
 * The carrier's inbox: {@code Carrier.post(message)} from another thread (a disarm or cancel
 * of an I/O wait, a timer added from elsewhere, a ring cancel) races the carrier going to
 * sleep. {@code post} adds to the inbox (a {@link ConcurrentLinkedQueue}: a CAS), then
 * {@code wake()} ({@link SleepGate#claimWakeup}); the carrier's {@code sleep()} calls
 * {@code enterSleep(hasWork)}, whose first question is {@code !inbox.isEmpty()}. Either the
 * carrier sees the message or the poster sees SLEEPING and wakes it. If neither, the message
 * waits until something else wakes the carrier: a close that posted a disarm hangs, a timer
 * added from another thread is late by the whole poll timeout.
 *
 * <p>The same handshake as {@link SleepGateVsSubmitTest}, with the inbox's queue in place of
 * the run queue, and {@code Carrier}'s code in the order it has (the real {@code Carrier}
 * cannot be used: its {@code wake()} writes its poller's eventfd).
 *
 * <p>Result: r1 = the carrier decided to sleep, r2 = the poster claimed the wake-up, r3 = the
 * gate's state afterwards (0 RUNNING, 1 SLEEPING, 2 WOKEN).
 *
 * <p>Bugs it catches: a {@code post} that wakes before it queues (or a carrier that re-checks
 * its queues before it announces SLEEPING): the carrier sleeps with a message in its inbox,
 * LOST WAKE-UP, {@code 1, 0, 1} (caught by
 * {@code io.weft.stress.selfcheck.PostWakesBeforeQueueingTest}); an inbox whose {@code add} is
 * not ordered before the gate's read (a queue published with a lazy or plain store), the
 * same.
 */
@JCStressTest
@State
@Description("Carrier inbox: post (add + claimWakeup) vs enterSleep(inbox not empty)")
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "the carrier saw the message and stays RUNNING")
@Outcome(id = "1, 1, 2", expect = ACCEPTABLE, desc = "the carrier sleeps; the poster claimed the wake-up (WOKEN)")
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE_INTERESTING,
        desc = "the poster claimed the wake-up between the carrier's SLEEPING and its re-check, which saw the "
                + "message: one spurious wake-up, nothing lost")
@Outcome(id = "1, 0, .*", expect = FORBIDDEN,
        desc = "LOST WAKE-UP: the carrier sleeps with a message in its inbox and the poster did not wake it")
@Outcome(id = "0, .*, [12]", expect = FORBIDDEN, desc = "the carrier runs but the gate says SLEEPING or WOKEN")
@Outcome(expect = FORBIDDEN, desc = "the carrier sleeps and was woken, but the gate is not WOKEN")
public class InboxVsSleepTest {
    private static final Runnable MESSAGE = () -> { };

    private final SleepGate gate = new SleepGate();
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final BooleanSupplier hasWork = () -> !inbox.isEmpty();

    @Actor
    public void carrier(III_Result r) {
        r.r1 = gate.enterSleep(hasWork) ? 1 : 0;
    }

    @Actor
    public void poster(III_Result r) {
        inbox.add(MESSAGE);
        r.r2 = gate.claimWakeup() ? 1 : 0;
    }

    @Arbiter
    public void check(III_Result r) {
        r.r3 = gate.state();
    }
}
