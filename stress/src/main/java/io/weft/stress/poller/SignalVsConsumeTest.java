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
 * {@link WakeupSignal}: a signaller publishing work races the owner consuming an earlier
 * wake-up, exactly as {@code EpollPoller.poll} does it (drain, consumed, then look at the
 * queues; {@code IoUringPoller} calls consumed when its READ of the eventfd completes, which is
 * the drain). The work is published with a volatile store, as a real queue publishes (a CAS
 * or volatile store of its tail).
 *
 * <p>Start: an earlier {@code signal()} has left pending set and the eventfd counter at 1, and
 * the owner has been woken by it. Actor 1 publishes {@code value = 1} and calls
 * {@code signal()}. Actor 2 is one owner iteration: {@code drain()}, {@code consumed()}, read
 * {@code value}. The arbiter then reads the eventfd without blocking and {@code isPending()}.
 *
 * <p>Result: r1 = the owner saw the value, r2 = a wake-up is left in the eventfd (the owner's
 * next wait returns at once), r3 = pending is still set.
 *
 * <p>Bugs it catches (each checked with a broken variant in {@code io.weft.stress.selfcheck},
 * which {@code ./weft stress selfcheck} runs and which must fail):
 * <ul>
 *   <li>Resetting pending before draining ({@code consumed()} before {@code drain()}): a
 *       signal landing between the reset and the read writes the eventfd, and the drain eats it while pending stays set: outcome
 *       {@code 1, 0, 1}, every later signal() is suppressed and nobody wakes the owner
 *       ({@code ConsumedBeforeDrainTest}).</li>
 *   <li>Signalling before publishing: the signaller sees the earlier pending flag, writes
 *       nothing, and the value lands after the owner looked: {@code 0, 0, 0}, a lost wake-up
 *       ({@code SignalBeforePublishTest}).</li>
 *   <li>A reset of pending that is not a volatile store (a release store lets the owner's
 *       re-check pass it): {@code 0, 0, 0} ({@code RelaxedResetTest}).</li>
 * </ul>
 *
 * <p>{@code PlainPublicationTest} runs the same race with a plain publication, which
 * {@code signal()}'s full fence must order.
 */
@JCStressTest
@State
@Description("WakeupSignal: signal() after a volatile publication vs the owner's drain(), consumed(), re-check")
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE,
        desc = "signal() found the earlier wake-up still pending and wrote nothing; the owner's re-check saw the value")
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE,
        desc = "signal() came after consumed() and wrote the eventfd; the owner missed the value this round and will wake for it")
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE,
        desc = "signal() came after consumed(); the owner already saw the value, so its next wake-up is spurious (harmless)")
@Outcome(id = "0, 0, .*", expect = FORBIDDEN,
        desc = "LOST WAKE-UP: the owner missed the value and no wake-up is left in the eventfd; it would sleep forever")
@Outcome(id = ".*, 0, 1", expect = FORBIDDEN,
        desc = "STUCK PENDING: pending is set but the eventfd is empty; every later signal() is suppressed and nobody wakes the owner")
@Outcome(id = ".*, 1, 0", expect = ACCEPTABLE_INTERESTING,
        desc = "a wake-up is in the eventfd but pending is clear: one spurious wake-up and one extra write(2); not expected from this protocol")
public class SignalVsConsumeTest {
    private final WakeupSignal signal = Eventfds.openSignal();
    private volatile int value;

    public SignalVsConsumeTest() {
        signal.signal(); // the earlier wake-up the owner is consuming: pending = 1, counter = 1
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
        signal.close(); // jcstress keeps thousands of states alive: each must give its eventfd back
    }
}
