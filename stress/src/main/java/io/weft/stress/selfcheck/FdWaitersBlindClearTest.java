package io.weft.stress.selfcheck;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.weft.poller.Events;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * SELF-CHECK, excluded from the suite: {@code io.weft.scheduler.FdWaitersReplaceTest}'s body on
 * {@link BrokenFdWaiters} with flaw {@link BrokenFdWaiters.Flaw#BLIND_CLEAR} (and faithful
 * {@link BrokenIoWait}s): {@code clear} empties the slot whoever is in it, so the old wait's
 * clear can drop the new wait registered after the old one finished. Expected: LIVE WAITER
 * CLEARED, {@code 1, 0, 0}.
 * {@code ./weft stress jcstress selfcheck} passes only if jcstress reports a forbidden outcome.
 */
@JCStressTest
@State
@Description("SELF-CHECK (must fail): FdWaiters BLIND_CLEAR")
@Outcome(id = "1, 0, 2", expect = ACCEPTABLE, desc = "the old wait had finished: the new one replaced it")
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "register saw the old wait live and refused")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "TWO LIVE WAITERS")
@Outcome(id = "1, 0, 0", expect = FORBIDDEN, desc = "LIVE WAITER CLEARED by the old wait's clear")
@Outcome(id = "\\d, \\d, 1", expect = FORBIDDEN, desc = "STALE ENTRY: the old, finished wait is still registered")
@Outcome(expect = FORBIDDEN, desc = "the registry's entry does not match what register() said")
public class FdWaitersBlindClearTest {
    private static final BrokenFdWaiters REGISTRY = BrokenFdWaiters.BLIND_CLEAR;

    private final int fd = SelfcheckSupport.fakeFd();
    private final BrokenIoWait old = new BrokenIoWait(BrokenIoWait.Flaw.NONE, REGISTRY, SelfcheckSupport.PARKED, fd, Events.IN);
    private final BrokenIoWait fresh = new BrokenIoWait(BrokenIoWait.Flaw.NONE, REGISTRY, SelfcheckSupport.PARKED_TOO, fd, Events.IN);

    public FdWaitersBlindClearTest() {
        REGISTRY.register(old);
    }

    @Actor
    public void oldWaitEnds() {
        old.onReady();
    }

    @Actor
    public void newWait(III_Result r) {
        try {
            REGISTRY.register(fresh);
            r.r1 = 1;
            r.r2 = old.isWaiting() ? 1 : 0;
        } catch (IllegalStateException alreadyWaiting) {
            r.r1 = 0;
        }
    }

    @Arbiter
    public void check(III_Result r) {
        BrokenIoWait now = REGISTRY.get(fd, Events.IN);
        r.r3 = now == null ? 0 : now == old ? 1 : now == fresh ? 2 : 3;
        REGISTRY.clear(old);
        REGISTRY.clear(fresh);
    }
}
