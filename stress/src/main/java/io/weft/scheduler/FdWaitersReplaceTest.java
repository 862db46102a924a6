package io.weft.scheduler;

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
 * {@link FdWaiters}: a new wait for a descriptor registers while the previous wait for it
 * (same descriptor, same direction) is ending: readiness resumes the old waiter, which finishes
 * its wait and clears it from the registry ({@code onReady}), and its thread, or another,
 * immediately waits again. {@code register} must refuse the new wait while the old one is live
 * ("already waiting"), may replace it once it has finished even before its own clear, and the
 * old wait's {@code clear} must then leave the new one alone.
 *
 * <p>Both waits have no carrier, never-started threads and the same made-up descriptor number
 * ({@link StressSupport#fakeFd()}), of this state alone.
 *
 * <p>Result: r1 = the new wait was registered (0 = {@code register} threw "already waiting"),
 * r2 = right after a successful {@code register}, the old wait was still WAITING (0 if refused),
 * r3 = the registry's entry at the end: 0 none, 1 the old wait, 2 the new one, 3 another.
 *
 * <p>Bugs it catches: a register that replaces whatever is registered, live or not: TWO LIVE
 * WAITERS, {@code 1, 1, ...} (the old one is no longer in the registry, so closing the
 * descriptor cannot wake it), caught by
 * {@code io.weft.stress.selfcheck.FdWaitersReplaceLiveTest}; a clear that empties the slot
 * whoever is in it: the old wait's clear drops the NEW, LIVE wait, {@code 1, 0, 0}, caught by
 * {@code io.weft.stress.selfcheck.FdWaitersBlindClearTest}; a finished wait left registered
 * ({@code *, *, 1}).
 */
@JCStressTest
@State
@Description("FdWaiters: register(new) vs the old wait's onReady() (finish + clear)")
@Outcome(id = "1, 0, 2", expect = ACCEPTABLE,
        desc = "the old wait had finished: the new one replaced it (the old clear came first, or found the new one and left it)")
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE,
        desc = "register saw the old wait still live and refused; the old wait then finished and cleared itself")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN,
        desc = "TWO LIVE WAITERS: the new wait was registered while the old one was still waiting (and dropped it)")
@Outcome(id = "1, 0, 0", expect = FORBIDDEN,
        desc = "LIVE WAITER CLEARED: the old wait's clear removed the new, live wait: closing the fd would not wake it")
@Outcome(id = "\\d, \\d, 1", expect = FORBIDDEN,
        desc = "STALE ENTRY: the old, finished wait is still registered")
@Outcome(expect = FORBIDDEN,
        desc = "the registry's entry does not match what register() said")
public class FdWaitersReplaceTest {
    private final int fd = StressSupport.fakeFd();
    private final IoWait old = new IoWait(StressSupport.PARKED, null, fd, Events.IN);
    private final IoWait fresh = new IoWait(StressSupport.PARKED_TOO, null, fd, Events.IN);

    public FdWaitersReplaceTest() {
        FdWaiters.register(old);
    }

    @Actor
    public void oldWaitEnds() {
        old.onReady();
    }

    @Actor
    public void newWait(III_Result r) {
        try {
            FdWaiters.register(fresh);
            r.r1 = 1;
            r.r2 = old.isWaiting() ? 1 : 0;
        } catch (IllegalStateException alreadyWaiting) {
            r.r1 = 0;
        }
    }

    @Arbiter
    public void check(III_Result r) {
        IoWait now = FdWaiters.get(fd, Events.IN);
        r.r3 = now == null ? 0 : now == old ? 1 : now == fresh ? 2 : 3;
        FdWaiters.clear(old);
        FdWaiters.clear(fresh);
    }
}
