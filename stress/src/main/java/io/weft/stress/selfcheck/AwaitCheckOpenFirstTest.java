package io.weft.stress.selfcheck;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.weft.poller.Events;
import java.util.function.BooleanSupplier;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * SELF-CHECK, excluded from the suite: {@code io.weft.scheduler.AwaitVsCloseTest}'s body on
 * faithful copies ({@link BrokenIoWait}, {@link BrokenFdWaiters}, flaw NONE) with the waiter's
 * steps in the wrong order: it asks {@code isOpen} before it registers the wait. A close whose
 * flag lands after the check and whose lookup runs before the registration misses the wait.
 * Expected: LOST CANCEL, {@code 0, 0, 0, 1}.
 * {@code ./weft stress jcstress selfcheck} passes only if jcstress reports a forbidden outcome.
 */
@JCStressTest
@State
@Description("SELF-CHECK (must fail): await checks isOpen before registering")
@Outcome(id = "1, 0, 3, 0", expect = ACCEPTABLE, desc = "the waiter saw the socket closed")
@Outcome(id = "0, 1, 3, 0", expect = ACCEPTABLE, desc = "the closer cancelled the registered wait")
@Outcome(id = "0, 0, 0, .*", expect = FORBIDDEN, desc = "LOST CANCEL: the wait is still WAITING on a closed socket")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "both ended the wait")
@Outcome(id = ".*, 1", expect = FORBIDDEN, desc = "the ended wait was left registered")
@Outcome(expect = FORBIDDEN, desc = "the wait's state does not say CANCELLED")
public class AwaitCheckOpenFirstTest {
    private final BrokenFdWaiters registry = BrokenFdWaiters.SOUND;
    private final BrokenIoWait wait = new BrokenIoWait(BrokenIoWait.Flaw.NONE, registry, SelfcheckSupport.PARKED,
            SelfcheckSupport.fakeFd(), Events.IN);
    private volatile boolean closed;
    private final BooleanSupplier isOpen = () -> !closed;

    @Actor
    public void waiter(IIII_Result r) {
        if (!isOpen.getAsBoolean()) { // BUG: checked before the wait is visible to the closer
            r.r1 = wait.onCancel() ? 1 : 0;
            return;
        }
        registry.register(wait);
    }

    @Actor
    public void closer(IIII_Result r) {
        closed = true;
        BrokenIoWait w = registry.get(wait.fd, Events.IN);
        r.r2 = w != null && w.onCancel() ? 1 : 0;
    }

    @Arbiter
    public void check(IIII_Result r) {
        r.r3 = wait.state();
        r.r4 = SelfcheckSupport.registered(registry, wait);
        registry.clear(wait);
    }
}
