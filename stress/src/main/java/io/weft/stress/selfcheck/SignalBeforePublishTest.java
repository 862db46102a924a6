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
 * The signaller calls signal() before it publishes: it sees the earlier wake-up pending, writes
 * nothing, and the value lands after the owner has looked. Expected: LOST WAKE-UP, {@code 0, 0, 0}.
 * {@code ./weft stress selfcheck} passes only if jcstress reports the forbidden outcome.
 */
@JCStressTest
@State
@Description("SELF-CHECK (must fail): signal() before publishing")
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "signal() found the earlier wake-up pending; the owner saw the value")
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "signal() came after consumed(); the owner will wake again")
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "signal() came after consumed(); spurious next wake-up")
@Outcome(id = "0, 0, .*", expect = FORBIDDEN, desc = "LOST WAKE-UP: value missed and no wake-up left in the eventfd")
@Outcome(id = ".*, 0, 1", expect = FORBIDDEN, desc = "STUCK PENDING: pending set with an empty eventfd")
@Outcome(id = ".*, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "a wake-up in the eventfd with pending clear")
public class SignalBeforePublishTest {
    private final WakeupSignal signal = Eventfds.openSignal();
    private volatile int value;

    public SignalBeforePublishTest() {
        signal.signal();
    }

    @Actor
    public void signaller() {
        signal.signal(); // BUG: before the value is published
        value = 1;
    }

    @Actor
    public void owner(III_Result r) {
        signal.drain();
        signal.consumed();
        r.r1 = value;
    }

    @Arbiter
    public void check(III_Result r) {
        r.r2 = Eventfds.takeWakeup(signal.fd(), signal.readBuffer());
        r.r3 = signal.isPending() ? 1 : 0;
        signal.close();
    }
}
