package io.weft.stress.selfcheck;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.weft.poller.internal.WakeupSignal;
import io.weft.stress.Eventfds;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * SELF-CHECK, excluded from the suite: the real {@link WakeupSignal} driven by a buggy caller.
 * The owner resets pending before it drains the eventfd (consumed() before drain()): a
 * signal landing between the two sees pending clear, writes the eventfd, and the drain eats
 * that write while pending stays set, so every later signal() is suppressed. Expected: STUCK
 * PENDING, {@code 1, 0, 1}.
 * {@code ./weft stress selfcheck} passes only if jcstress reports the forbidden outcome.
 */
@JCStressTest
@State
@Description("SELF-CHECK (must fail): consumed() before drain()")
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "signal() found the earlier wake-up pending; the owner saw the value")
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "signal() came after consumed(); the owner will wake again")
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "signal() came after consumed(); spurious next wake-up")
@Outcome(id = "0, 0, .*", expect = FORBIDDEN, desc = "LOST WAKE-UP: value missed and no wake-up left in the eventfd")
@Outcome(id = ".*, 0, 1", expect = FORBIDDEN, desc = "STUCK PENDING: pending set with an empty eventfd")
@Outcome(id = ".*, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "a wake-up in the eventfd with pending clear")
public class ConsumedBeforeDrainTest {
    private final WakeupSignal signal = Eventfds.openSignal();
    private volatile int value;

    public ConsumedBeforeDrainTest() {
        signal.signal();
    }

    @Actor
    public void signaller() {
        value = 1;
        signal.signal();
    }

    @Actor
    public void owner(III_Result r) {
        signal.consumed(); // BUG: the flag is reset before the eventfd is read
        signal.drain();
        r.r1 = value;
    }

    @Arbiter
    public void check(III_Result r) {
        r.r2 = Eventfds.takeWakeup(signal.fd(), signal.readBuffer());
        r.r3 = signal.isPending() ? 1 : 0;
        signal.close();
    }
}
