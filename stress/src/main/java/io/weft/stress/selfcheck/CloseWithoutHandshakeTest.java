package io.weft.stress.selfcheck;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * SELF-CHECK, excluded from the suite: {@code io.weft.stress.poller.CloseVsSignalTest}'s body on
 * {@link BrokenWakeupSignal} with flaw {@link BrokenWakeupSignal.Flaw#NO_CLOSE_HANDSHAKE}: the
 * signaller checks closed without counting itself in writers and close() does not wait, so a
 * write may hit the closed descriptor. Expected: FORBIDDEN {@code 1} (signal() threw on EBADF).
 * {@code ./weft stress selfcheck} passes only if jcstress reports the forbidden outcome.
 */
@JCStressTest
@State
@Description("SELF-CHECK (must fail): NO_CLOSE_HANDSHAKE")
@Outcome(id = "0", expect = ACCEPTABLE, desc = "signal() wrote before close(), or saw it closed")
@Outcome(id = "1", expect = FORBIDDEN, desc = "signal() THREW: it wrote to the eventfd after close() closed it")
public class CloseWithoutHandshakeTest {
    private final BrokenWakeupSignal signal = new BrokenWakeupSignal(BrokenWakeupSignal.Flaw.NO_CLOSE_HANDSHAKE);

    @Actor
    public void signaller(I_Result r) {
        try {
            signal.signal();
            r.r1 = 0;
        } catch (RuntimeException e) {
            r.r1 = 1;
        }
    }

    @Actor
    public void closer() {
        signal.close();
    }

    @Arbiter
    public void check() {
        signal.close();
    }
}
