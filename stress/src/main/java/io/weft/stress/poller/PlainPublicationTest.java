package io.weft.stress.poller;

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
 * The real {@link WakeupSignal} driven by a caller that publishes its work with a PLAIN store
 * before {@code signal()}. Catches: a {@code signal()} whose fast path (the read of
 * {@code pending}) can be reordered before the caller's earlier store, by the JIT or by the x86
 * store buffer, so that the signaller sees the earlier wake-up still pending and writes nothing
 * while the owner, after {@code consumed()}, reads the old value: a LOST WAKE-UP,
 * {@code 0, 0, 0}. Before {@code signal()} began with a full fence this failed in most forks.
 */
@JCStressTest
@State
@Description("WakeupSignal with a plain publication before signal()")
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "signal() found the earlier wake-up pending; the owner saw the value")
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "signal() came after consumed(); the owner will wake again")
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "signal() came after consumed(); spurious next wake-up")
@Outcome(id = "0, 0, .*", expect = FORBIDDEN, desc = "LOST WAKE-UP: value missed and no wake-up left in the eventfd")
@Outcome(id = ".*, 0, 1", expect = FORBIDDEN, desc = "STUCK PENDING: pending set with an empty eventfd")
@Outcome(id = ".*, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "a wake-up in the eventfd with pending clear")
public class PlainPublicationTest {
    private final WakeupSignal signal = Eventfds.openSignal();
    private int value; // plain on purpose: signal() must order it

    public PlainPublicationTest() {
        signal.signal();
    }

    @Actor
    public void signaller() {
        value = 1;
        signal.signal();
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
